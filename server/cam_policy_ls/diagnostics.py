"""Diagnostics for a CAM policy: strict JSON, grammar, actions, resources and conditions.

Each rule has a stable code, listed in ``CODES``. Every function here is pure:
it takes a parsed :class:`Policy` and the :class:`Catalog` and returns findings
with code-point offsets.
"""

from __future__ import annotations

import ipaddress
import re
from collections import defaultdict
from typing import Iterable, Iterator

from cam_policy_ls.catalog import IF_EXIST, Catalog, closest_names, split_operator
from cam_policy_ls.findings import Finding, Related, Severity
from cam_policy_ls.jsonparse import Kind, Member, Node, source_offset
from cam_policy_ls.policy import ACTION_RE, FEATURE_SET_PREFIXES, ActionRef, Policy, Statement, resolve_action
from cam_policy_ls.resources import is_well_formed, resource_matches_template, split_resource

CODES = (
    "json-syntax",
    "duplicate-key",
    "missing-element",
    "unknown-element",
    "invalid-type",
    "invalid-version",
    "invalid-effect",
    "invalid-action",
    "unknown-action",
    "action-case",
    "wildcard-no-match",
    "operation-level-resource",
    "resource-mismatch",
    "invalid-resource",
    "unknown-region",
    "ip-condition-unsupported",
    "unknown-condition-operator",
    "unknown-condition-key",
    "invalid-condition-value",
    "document-too-large",
)

_VARIABLE_RE = re.compile(r"\$\{\w+\}")
_ACCOUNT_RE = re.compile(r"(?:uin|uid)/(?:\d+|\$\{\w+\}|\*)|\*")
_DATE_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_TAG_KEYS = ("qcs:resource_tag", "qcs:request_tag", "qcs:tag")


def _content(node: Node) -> tuple[int, int]:
    """Return the range of a string's characters without its quotes; the whole token if that is empty."""
    if node.kind is Kind.STRING and node.content_end > node.content_start:
        return node.content_start, node.content_end
    return node.start, max(node.end, node.start + 1)


def _at(node: Node, code: str, severity: Severity, message: str, related: Iterable[Related] = (), data=None) -> Finding:
    start, end = _content(node)
    return Finding(code, severity, start, end, message, tuple(related), data)


def _slice(policy: Policy, node: Node, start: int, end: int, code: str, severity: Severity, message: str, data=None) -> Finding:
    """Return a finding on the characters ``[start, end)`` of a string's decoded value."""
    text = policy.text
    first = source_offset(node, text, start)
    last = source_offset(node, text, end) if end > start else first + 1
    return Finding(code, severity, first, max(last, first + 1), message, data=data)


def _type_name(node: Node) -> str:
    return {Kind.OBJECT: "an object", Kind.ARRAY: "an array", Kind.STRING: "a string", Kind.NUMBER: "a number",
            Kind.BOOLEAN: "a boolean", Kind.NULL: "null", Kind.INVALID: "invalid JSON"}[node.kind]


def analyze(policy: Policy, catalog: Catalog) -> list[Finding]:
    """Run every rule over a policy. Findings come back sorted by position."""
    findings: list[Finding] = []
    findings.extend(check_syntax(policy))
    findings.extend(check_duplicate_keys(policy))
    findings.extend(check_policy_elements(policy, catalog))
    for statement in policy.statements:
        findings.extend(check_statement_elements(statement, catalog))
        findings.extend(check_effect(statement))
        actions = list(check_actions(policy, statement, catalog, findings))
        findings.extend(check_resources(policy, statement, catalog))
        findings.extend(check_granularity(statement, actions))
        findings.extend(check_conditions(policy, statement, actions, catalog))
    findings.sort(key=lambda finding: (finding.start, finding.end, finding.code))
    return findings


def check_syntax(policy: Policy) -> Iterator[Finding]:
    for problem in policy.parsed.problems:
        yield Finding("json-syntax", Severity.ERROR, problem.start, problem.end, problem.message)
    root = policy.root
    if root is not None and root.kind is not Kind.OBJECT and root.kind is not Kind.INVALID:
        yield _at(root, "invalid-type", Severity.ERROR,
                  f"A CAM policy is a JSON object, not {_type_name(root)}: write {{\"version\": \"2.0\", \"statement\": [...]}}")


def _objects(node: Node | None) -> Iterator[Node]:
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if current.kind is Kind.OBJECT:
            yield current
            stack.extend(member.value for member in current.members if member.value is not None)
        elif current.kind is Kind.ARRAY:
            stack.extend(current.items)


def check_duplicate_keys(policy: Policy) -> Iterator[Finding]:
    """Report every copy of a key repeated in one object; ``json.loads`` would keep only the last."""
    for node in _objects(policy.root):
        by_name: dict[str, list[Member]] = defaultdict(list)
        for member in node.members:
            by_name[str(member.key.value)].append(member)
        for name, copies in by_name.items():
            if len(copies) < 2:
                continue
            for member in copies:
                others = [Related(*_content(other.key), f"another \"{name}\" in the same object") for other in copies if other is not member]
                yield _at(member.key, "duplicate-key", Severity.ERROR,
                          f"Duplicate key \"{name}\": CAM keeps only one of the {len(copies)} copies, so merge them into one",
                          others)


def _check_members(members: list[Member], allowed: dict, level: str, node: Node, required: Iterable[str]) -> Iterator[Finding]:
    """Report unknown and wrong-case keys of one object, and required keys that are missing."""
    folded = {name.lower(): name for name in allowed}
    present = {str(member.key.value) for member in members}
    present_folded = {name.lower() for name in present}
    for member in members:
        name = str(member.key.value)
        if name in allowed:
            continue
        if name.lower() in folded:
            correct = folded[name.lower()]
            yield _at(member.key, "unknown-element", Severity.ERROR,
                      f"Element names are lowercase: write \"{correct}\" instead of \"{name}\"", data={"replacement": correct})
        else:
            names = ", ".join(f'"{element}"' for element in allowed)
            # NOTE: whether CAM rejects or ignores unknown elements is not documented, so this is a Warning.
            yield _at(member.key, "unknown-element", Severity.WARNING,
                      f"Unknown element \"{name}\" in a {level}: the elements are {names}; remove it")
    for name in required:
        if name not in present and name not in present_folded:
            yield Finding("missing-element", Severity.ERROR, node.start, node.start + 1,
                          f"Missing element \"{name}\" in this {level}: add \"{name}\": {_example(name)}")


def _example(name: str) -> str:
    return {"version": '"2.0"', "statement": "[...]", "effect": '"allow"', "action": '["kms:Encrypt"]',
            "resource": '["*"]'}.get(name, "...")


def check_policy_elements(policy: Policy, catalog: Catalog) -> Iterator[Finding]:
    root = policy.root
    if root is None or root.kind is not Kind.OBJECT:
        return
    allowed = catalog.elements["policy"]
    yield from _check_members(root.members, allowed, "policy", root, [name for name, element in allowed.items() if element.required])

    version = root.get("version")
    if version is not None and version.value is not None:
        value = version.value
        if value.kind is not Kind.STRING:
            yield _at(value, "invalid-type" if value.kind is not Kind.NUMBER else "invalid-version", Severity.ERROR,
                      f"\"version\" must be the string \"2.0\", not {_type_name(value)}: write \"version\": \"2.0\"")
        elif value.value != "2.0":
            yield _at(value, "invalid-version", Severity.ERROR,
                      f"Invalid version \"{value.value}\": the only policy language version is \"2.0\"")

    statement = root.get("statement")
    if statement is not None and statement.value is not None:
        value = statement.value
        if value.kind is Kind.ARRAY:
            for item in value.items:
                if item.kind is not Kind.OBJECT and item.kind is not Kind.INVALID:
                    yield _at(item, "invalid-type", Severity.ERROR,
                              f"Each statement must be an object, not {_type_name(item)}: write {{\"effect\": ..., \"action\": ..., \"resource\": ...}}")
        elif value.kind is not Kind.OBJECT and value.kind is not Kind.INVALID:
            yield _at(value, "invalid-type", Severity.ERROR,
                      f"\"statement\" must be an array of statement objects, not {_type_name(value)}")

    principal = root.get("principal")
    if principal is not None and principal.value is not None:
        yield from _check_principal(principal.value)


def _check_principal(node: Node) -> Iterator[Finding]:
    if node.kind is Kind.STRING:
        if node.value != "*":
            yield _at(node, "invalid-type", Severity.ERROR,
                      f"A principal string must be \"*\", not \"{node.value}\": write {{\"qcs\": [\"{node.value}\"]}}")
    elif node.kind is Kind.OBJECT:
        for member in node.members:
            value = member.value
            if value is not None and value.kind not in (Kind.STRING, Kind.ARRAY, Kind.INVALID):
                yield _at(value, "invalid-type", Severity.ERROR,
                          f"Principal \"{member.key.value}\" must be a string or a list of strings, not {_type_name(value)}")
            yield from _check_string_list(value, f"principal \"{member.key.value}\"") if value is not None and value.kind is Kind.ARRAY else ()
    elif node.kind is not Kind.INVALID:
        yield _at(node, "invalid-type", Severity.ERROR,
                  f"\"principal\" must be \"*\" or an object such as {{\"qcs\": [...]}}, not {_type_name(node)}")


def _check_string_list(node: Node, what: str) -> Iterator[Finding]:
    for item in node.items:
        if item.kind is not Kind.STRING and item.kind is not Kind.INVALID:
            yield _at(item, "invalid-type", Severity.ERROR, f"Each item of {what} must be a string, not {_type_name(item)}")


def check_statement_elements(statement: Statement, catalog: Catalog) -> Iterator[Finding]:
    required = ["effect", "action"]
    if "principal" not in statement.members:
        required.append("resource")
    yield from _check_members(statement.node.members, catalog.elements["statement"], "statement", statement.node, required)

    for name in ("action", "resource"):
        value = statement.value(name)
        if value is None:
            continue
        if value.kind is Kind.ARRAY:
            yield from _check_string_list(value, f"\"{name}\"")
            if not value.items and value.closed:
                yield _at(value, "invalid-type", Severity.ERROR,
                          f"Empty \"{name}\" list: a statement needs at least one {name}, or \"*\"")
        elif value.kind is not Kind.STRING and value.kind is not Kind.INVALID:
            yield _at(value, "invalid-type", Severity.ERROR,
                      f"\"{name}\" must be a string or a list of strings, not {_type_name(value)}")

    condition = statement.value("condition")
    if condition is not None and condition.kind not in (Kind.OBJECT, Kind.INVALID):
        yield _at(condition, "invalid-type", Severity.ERROR,
                  f"\"condition\" must be an object such as {{\"ip_equal\": {{\"qcs:ip\": [\"10.0.0.0/8\"]}}}}, not {_type_name(condition)}")
    principal = statement.value("principal")
    if principal is not None:
        yield from _check_principal(principal)


def check_effect(statement: Statement) -> Iterator[Finding]:
    node = statement.value("effect")
    if node is None or node.kind is Kind.INVALID:
        return
    if node.kind is not Kind.STRING:
        yield _at(node, "invalid-type", Severity.ERROR, f"\"effect\" must be the string \"allow\" or \"deny\", not {_type_name(node)}")
    elif node.value in ("allow", "deny"):
        return
    elif node.value.lower() in ("allow", "deny"):
        # NOTE: no CAM page shows a capitalised effect; whether CAM accepts one is not documented.
        yield _at(node, "invalid-effect", Severity.WARNING,
                  f"Effect \"{node.value}\" is capitalised: CAM documents lowercase, write \"{node.value.lower()}\"",
                  data={"replacement": node.value.lower()})
    else:
        yield _at(node, "invalid-effect", Severity.ERROR, f"Invalid effect \"{node.value}\": write \"allow\" or \"deny\"")


def _action_problem(value: str) -> str | None:
    """Return why an action string is malformed, or None when its form is valid."""
    if value == "":
        return "Empty action: write service:ApiName, as in \"kms:Encrypt\", or \"*\""
    if value != value.strip() or " " in value:
        return f"Invalid action \"{value}\": remove the spaces, as in \"kms:Encrypt\""
    body = value[5:] if value.startswith("name/") else value
    if "::" in body:
        return f"Invalid action \"{value}\": use one colon between service and API, as in \"{body.replace('::', ':', 1)}\""
    if ":" not in body:
        return f"Invalid action \"{value}\": missing the service prefix, write service:ApiName, as in \"kms:{body}\""
    service, _, api = body.partition(":")
    if service and service != service.lower() and re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", service):
        return f"Invalid action \"{value}\": service prefixes are lowercase, write \"{value.replace(service + ':', service.lower() + ':', 1)}\""
    if not service:
        return f"Invalid action \"{value}\": missing the service before ':', as in \"kms:{api}\""
    if not api:
        return f"Invalid action \"{value}\": missing the API name after ':', as in \"{service}:*\""
    return f"Invalid action \"{value}\": write service:ApiName with letters, digits and '*' only, as in \"kms:Encrypt\""


def check_actions(policy: Policy, statement: Statement, catalog: Catalog, findings: list[Finding]) -> Iterator[ActionRef]:
    """Check each action of a statement, adding findings; yield the well-formed ones resolved against the catalog."""
    for node in statement.strings("action"):
        value = node.value
        if value == "*" or value.startswith(FEATURE_SET_PREFIXES):
            continue
        if not ACTION_RE.fullmatch(value):
            findings.append(_at(node, "invalid-action", Severity.ERROR, _action_problem(value)))
            continue
        ref = resolve_action(node, catalog)
        if ref is None:
            continue
        yield ref
        if not ref.catalogued:
            continue
        service = catalog.services[ref.service]
        if ref.is_wildcard:
            if not ref.apis:
                folded = _folded_wildcard(service, ref.name)
                hint = f" (ignoring case it would match {', '.join(folded[:3])})" if folded else ""
                findings.append(_slice(policy, node, ref.name_start, len(value), "wildcard-no-match", Severity.WARNING,
                                       f"Wildcard \"{ref.service}:{ref.name}\" matches no {ref.service} API{hint}: "
                                       f"check the spelling, API names are case-sensitive"))
            continue
        if not ref.apis:
            suggestions = catalog.closest_actions(ref.service, ref.name)
            hint = f"did you mean {', '.join(f'{ref.service}:{name}' for name in suggestions)}?" if suggestions else f"see the {ref.service} APIs in completion"
            findings.append(_slice(policy, node, ref.name_start, len(value), "unknown-action", Severity.ERROR,
                                   f"Unknown action \"{ref.service}:{ref.name}\": {service.name} has no API \"{ref.name}\"; {hint}",
                                   data={"replacements": suggestions}))
        elif ref.apis[0].name != ref.name:
            correct = ref.apis[0].name
            findings.append(_slice(policy, node, ref.name_start, len(value), "action-case", Severity.WARNING,
                                   f"Action \"{ref.service}:{ref.name}\" differs in case from the API \"{correct}\": "
                                   f"write \"{ref.service}:{correct}\"",
                                   data={"replacements": [correct]}))


def _folded_wildcard(service, pattern: str) -> list[str]:
    regex = re.compile(".*".join(re.escape(part) for part in pattern.split("*")) + r"\Z", re.IGNORECASE)
    return [api.name for api in service.apis.values() if regex.match(api.name)]


def check_resources(policy: Policy, statement: Statement, catalog: Catalog) -> Iterator[Finding]:
    for node in statement.strings("resource"):
        yield from check_resource(policy, node, catalog)


def check_resource(policy: Policy, node: Node, catalog: Catalog) -> Iterator[Finding]:
    """Check one resource string: ``*`` or a six-segment resource."""
    value: str = node.value
    if value == "*":
        return
    if value == "":
        yield _at(node, "invalid-resource", Severity.ERROR,
                  "Empty resource: write \"*\" or a six-segment resource, as in \"qcs::kms:ap-guangzhou:uin/100000000001:key/*\"")
        return
    segments = split_resource(value)
    if len(segments) < 6:
        yield _at(node, "invalid-resource", Severity.ERROR,
                  f"Invalid resource \"{value}\": it has {len(segments)} of the 6 segments "
                  f"qcs:project:service:region:account:resource, as in \"qcs::kms:ap-guangzhou:uin/100000000001:key/*\"")
        return

    qcs, project, service, region, account, resource = segments
    if qcs.text != "qcs":
        yield _slice(policy, node, qcs.start, qcs.end, "invalid-resource", Severity.ERROR,
                     f"Invalid resource prefix \"{qcs.text}\": a six-segment resource starts with \"qcs:\"")
    if project.text != "":
        yield _slice(policy, node, project.start, project.end, "invalid-resource", Severity.ERROR,
                     f"Project segment \"{project.text}\" must be empty: write \"qcs::{service.text}:...\"")
    if service.text and service.text != "*" and not re.fullmatch(r"[a-z][a-z0-9_-]*", service.text):
        yield _slice(policy, node, service.start, service.end, "invalid-resource", Severity.ERROR,
                     f"Invalid service \"{service.text}\" in the resource: write the lowercase service prefix, as in \"kms\"")
    if account.text and not _ACCOUNT_RE.fullmatch(account.text):
        yield _slice(policy, node, account.start, account.end, "invalid-resource", Severity.ERROR,
                     f"Invalid account \"{account.text}\": write uin/ followed by the root account's ID, as in \"uin/100000000001\", or leave it empty")
    if resource.text == "":
        yield _slice(policy, node, resource.start - 1, resource.start, "invalid-resource", Severity.ERROR,
                     "Missing the resource segment after the account: write a resource such as \"key/*\", or \"*\"")
    yield from _check_region(policy, node, region.text, region.start, region.end, catalog)


def _check_region(policy: Policy, node: Node, region: str, start: int, end: int, catalog: Catalog) -> Iterator[Finding]:
    if region in ("", "*") or region in catalog.regions or "*" in region or _VARIABLE_RE.search(region):
        return
    legacy = catalog.legacy_regions.get(region)
    if legacy is not None:
        fix = f"write \"{legacy.region}\"" if legacy.region else "write the current region id, as in \"ap-guangzhou\""
        message = f"Legacy region id \"{region}\": {fix}"
    else:
        suggestions = closest_names(region, catalog.regions)
        fix = f"did you mean {', '.join(suggestions)}?" if suggestions else "write a region id such as \"ap-guangzhou\", or leave it empty for all regions"
        message = f"Unknown region \"{region}\": {fix}"
    yield _slice(policy, node, start, end, "unknown-region", Severity.WARNING, message)


def _related_resources(nodes: list[Node], message: str) -> list[Related]:
    return [Related(*_content(node), message) for node in nodes]


def check_granularity(statement: Statement, actions: list[ActionRef]) -> Iterator[Finding]:
    """Report operation-level APIs with specific resources, and resource-level APIs whose templates no resource matches."""
    resources = statement.strings("resource")
    if not resources or any(node.value == "*" for node in resources):
        return
    # Malformed resources are reported on their own and take no part in matching.
    values = [node.value for node in resources if is_well_formed(node.value)]
    well_formed = bool(values)
    effect = statement.effect
    deny = effect == "deny"
    for ref in actions:
        if not ref.apis:
            continue
        action = f"{ref.service}:{ref.name}"
        operation_level = [api for api in ref.apis if api.is_operation_level]
        if operation_level and len(operation_level) == len(ref.apis):
            what = "is an operation-level API" if not ref.is_wildcard else "matches only operation-level APIs"
            outcome = "this deny does not deny it" if deny else "this allow grants nothing for it"
            yield _at(ref.node, "operation-level-resource", Severity.WARNING if deny else Severity.ERROR,
                      f"\"{action}\" {what}: CAM authorizes it only on resource \"*\", so {outcome}. "
                      f"Move it to a statement with \"resource\": \"*\", or add \"*\" to this statement's resources",
                      _related_resources(resources, f"specific resource that \"{action}\" cannot match"),
                      data={"apis": [api.name for api in operation_level]})
            continue
        if ref.is_wildcard or not well_formed:
            continue
        api = ref.apis[0]
        if not any(resource_matches_template(value, template) for value in values for template in api.resources):
            yield _at(ref.node, "resource-mismatch", Severity.WARNING,
                      f"No resource of this statement matches \"{action}\": its resources have the form "
                      f"{' or '.join(api.resources)}",
                      _related_resources(resources, f"resource that does not match {api.resources[0]}"))


def _operator_names(catalog: Catalog) -> list[str]:
    names = list(catalog.operators)
    names += [name + IF_EXIST for name, operator in catalog.operators.items() if operator.if_exist]
    return names


def check_conditions(policy: Policy, statement: Statement, actions: list[ActionRef], catalog: Catalog) -> Iterator[Finding]:
    condition = statement.value("condition")
    if condition is None or condition.kind is not Kind.OBJECT:
        return
    services = {ref.service for ref in actions}
    any_service = any(node.value == "*" for node in statement.strings("action"))
    for member in condition.members:
        name = str(member.key.value)
        qualifier, operator_name, if_exist = split_operator(name)
        operator = catalog.operators.get(operator_name)
        known_qualifier = not name.count(":") or qualifier
        if operator is None or (if_exist and not operator.if_exist) or not known_qualifier:
            suggestions = closest_names(name.rsplit(":", 1)[-1], _operator_names(catalog))
            hint = f"did you mean {', '.join(suggestions)}?" if suggestions else "see the condition operators in completion"
            yield _at(member.key, "unknown-condition-operator", Severity.ERROR,
                      f"Unknown condition operator \"{name}\": {hint}", data={"replacements": suggestions})
        value = member.value
        if value is None:
            continue
        if value.kind is not Kind.OBJECT:
            if value.kind is not Kind.INVALID:
                yield _at(value, "invalid-type", Severity.ERROR,
                          f"Operator \"{name}\" takes an object of condition keys, as in {{\"qcs:ip\": [\"10.0.0.0/8\"]}}, not {_type_name(value)}")
            continue
        for key_member in value.members:
            yield from _check_condition_key(policy, statement, key_member, operator, actions, services, any_service, catalog)


def _check_condition_key(policy, statement, key_member: Member, operator, actions, services, any_service, catalog: Catalog) -> Iterator[Finding]:
    key = str(key_member.key.value)
    known = catalog.condition_keys.get(key)
    if known is None:
        service = key.split(":", 1)[0] if ":" in key else None
        if not (any_service or (service and service != "qcs" and service in services)):
            hint = ", ".join(name for name, entry in catalog.condition_keys.items() if entry.confirmed)
            yield _at(key_member.key, "unknown-condition-key", Severity.WARNING,
                      f"Unknown condition key \"{key}\": it is not a global key ({hint}) "
                      f"nor a key of a service in this statement's actions")
    elif not known.confirmed:
        yield _at(key_member.key, "unknown-condition-key", Severity.WARNING,
                  f"Condition key \"{key}\" is not in CAM's list of global keys: {known.doc}")

    if key == "qcs:ip":
        yield from _check_ip_restriction(statement, key_member, actions)

    value = key_member.value
    if value is None:
        return
    items = value.items if value.kind is Kind.ARRAY else [value]
    for item in items:
        if item.kind in (Kind.OBJECT, Kind.ARRAY):
            yield _at(item, "invalid-type", Severity.ERROR,
                      f"A condition value is a string, number or boolean, not {_type_name(item)}")
            continue
        if operator is None or item.kind is Kind.INVALID:
            continue
        problem = _value_problem(operator.type, key, item)
        if problem:
            yield _at(item, "invalid-condition-value", Severity.ERROR, problem)


def _value_problem(kind: str, key: str, node: Node) -> str | None:
    """Return why a condition value cannot fit an operator of type ``kind``, or None."""
    value = node.value
    if isinstance(value, str) and _VARIABLE_RE.search(value):
        return None
    text = value if isinstance(value, str) else str(value).lower()
    if kind == "ip":
        try:
            ipaddress.ip_network(text, strict=False)
        except ValueError:
            return f"Invalid IP address or CIDR block \"{text}\": write an address such as 10.0.0.1 or a block such as 10.0.0.0/8"
    elif kind == "date":
        if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
            return f"Invalid date \"{text}\": write an ISO 8601 time in UTC, such as \"2026-01-31T00:00:00Z\""
    elif kind == "number":
        if isinstance(value, bool) or not (isinstance(value, (int, float)) or re.fullmatch(r"-?\d+(?:\.\d+)?", str(value))):
            return f"Invalid number \"{text}\": numeric operators compare numbers, such as 100"
    elif kind == "boolean":
        if value not in (True, False, "true", "false"):
            return f"Invalid boolean \"{text}\": write true or false"
    elif kind == "string" and key in _TAG_KEYS:
        if not isinstance(value, str) or "&" not in value:
            return f"Invalid tag \"{text}\": write the tag as \"key&value\", as in \"team&payments\""
    return None


def _check_ip_restriction(statement: Statement, key_member: Member, actions: list[ActionRef]) -> Iterator[Finding]:
    for ref in actions:
        unsupported = [api for api in ref.apis if not api.ip_restriction]
        if not unsupported:
            continue
        action = f"{ref.service}:{ref.name}"
        if ref.is_wildcard:
            names = ", ".join(api.name for api in unsupported)
            message = (f"\"{action}\" includes APIs that do not support IP restriction ({names}): "
                       f"the qcs:ip condition is not enforced for them; list the other APIs explicitly, or drop qcs:ip")
        else:
            message = (f"\"{action}\" does not support IP restriction: the qcs:ip condition is not enforced for it; "
                       f"move it to a statement without qcs:ip, or drop the condition")
        yield _at(ref.node, "ip-condition-unsupported", Severity.WARNING, message,
                  [Related(*_content(key_member.key), "qcs:ip condition of this statement")])
