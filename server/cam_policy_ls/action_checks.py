"""Rules on actions: form, catalog names, authorization granularity, redundancy and overly broad grants."""

from __future__ import annotations

import re
from typing import Iterator

from cam_policy_ls.catalog import Catalog, Service, closest_names, wildcard_regex
from cam_policy_ls.edits import TextEdit
from cam_policy_ls.findings import Finding, Fix, Severity
from cam_policy_ls.jsonparse import Kind, Node
from cam_policy_ls.layout import indent_unit, is_multiline, line_ending, line_indent, remove_items
from cam_policy_ls.policy import ACTION_RE, FEATURE_SET_PREFIXES, ActionRef, Policy, Statement, resolve_action
from cam_policy_ls.resources import is_well_formed, resource_matches_template
from cam_policy_ls.rules import finding_at, finding_in_string, related_to, replace_in_string


def _action_problem(value: str) -> str:
    """Return why an action string that does not match ``service:ApiName`` is malformed."""
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


def _case_corrected_wildcard(service: Service, pattern: str) -> str | None:
    """Return the wildcard with its literal parts in the case of the first API it matches ignoring case."""
    parts = pattern.split("*")
    regex = re.compile("(.*)".join(f"({re.escape(part)})" for part in parts) + r"\Z", re.IGNORECASE)
    for api in service.apis.values():
        match = regex.match(api.name)
        if match:
            literals = match.groups()[::2]
            return "*".join(literals)
    return None


def _close_wildcards(service: Service, pattern: str) -> list[str]:
    """Return up to 3 prefix wildcards close to a misspelled one such as ``Encrpt*``; none for other wildcards."""
    prefix = pattern[:-1]
    if not pattern.endswith("*") or "*" in prefix or not prefix:
        return []
    lengths = range(max(1, len(prefix) - 1), len(prefix) + 3)
    candidates = sorted({api.name[:length] for api in service.apis.values() for length in lengths})
    suggestions, seen = [], set()
    for candidate in closest_names(prefix, candidates, limit=6):
        matched = frozenset(api.name for api in service.match(candidate + "*"))
        if matched not in seen:
            seen.add(matched)
            suggestions.append(candidate + "*")
    return suggestions[:3]


def check_actions(policy: Policy, statement: Statement, catalog: Catalog, findings: list[Finding]) -> list[ActionRef]:
    """Check each action of a statement, adding findings; return the well-formed ones resolved against the catalog."""
    refs = []
    for node in statement.strings("action"):
        value = node.value
        if value == "*" or value.startswith(FEATURE_SET_PREFIXES):
            continue
        if not ACTION_RE.fullmatch(value):
            findings.append(finding_at(node, "invalid-action", Severity.ERROR, _action_problem(value)))
            continue
        ref = resolve_action(node, catalog)
        if ref is None:
            continue
        refs.append(ref)
        if ref.catalogued:
            finding = _check_catalog_name(policy, ref, catalog.services[ref.service], catalog)
            if finding is not None:
                findings.append(finding)
    return refs


def _check_catalog_name(policy: Policy, ref: ActionRef, service: Service, catalog: Catalog) -> Finding | None:
    node = ref.node
    start, end = ref.name_start, len(node.value)
    if ref.is_wildcard:
        if ref.apis:
            return None
        corrected = _case_corrected_wildcard(service, ref.name)
        if corrected:
            suggestions = [corrected]
        else:
            suggestions = _close_wildcards(service, ref.name)
        hint = f"; did you mean {', '.join(f'{ref.service}:{pattern}' for pattern in suggestions)}?" if suggestions else ""
        fixes = [replace_in_string(policy, node, start, end, pattern, f"Change to {ref.service}:{pattern}",
                                   preferred=bool(corrected))
                 for pattern in suggestions]
        return finding_in_string(policy, node, start, end, "wildcard-no-match", Severity.WARNING,
                                 f"Wildcard \"{ref.service}:{ref.name}\" matches no {ref.service} API: "
                                 f"check the spelling, API names are case-sensitive{hint}", fixes=fixes)
    if not ref.apis:
        suggestions = catalog.closest_actions(ref.service, ref.name)
        hint = (f"did you mean {', '.join(f'{ref.service}:{name}' for name in suggestions)}?" if suggestions
                else f"see the {ref.service} APIs in completion")
        fixes = [replace_in_string(policy, node, start, end, name, f"Change to {ref.service}:{name}") for name in suggestions]
        return finding_in_string(policy, node, start, end, "unknown-action", Severity.ERROR,
                                 f"Unknown action \"{ref.service}:{ref.name}\": {service.name} has no API \"{ref.name}\"; {hint}",
                                 data={"replacements": suggestions}, fixes=fixes)
    correct = ref.apis[0].name
    if correct == ref.name:
        return None
    return finding_in_string(policy, node, start, end, "action-case", Severity.WARNING,
                             f"Action \"{ref.service}:{ref.name}\" differs in case from the API \"{correct}\": "
                             f"write \"{ref.service}:{correct}\"",
                             data={"replacements": [correct]},
                             fixes=[replace_in_string(policy, node, start, end, correct, f"Change to {ref.service}:{correct}", preferred=True)])


def _is_operation_level(ref: ActionRef) -> bool:
    return bool(ref.apis) and all(api.is_operation_level for api in ref.apis)


def check_granularity(policy: Policy, statement: Statement, refs: list[ActionRef]) -> Iterator[Finding]:
    """Report operation-level APIs with specific resources, and resource-level APIs whose templates no resource matches."""
    resources = statement.strings("resource")
    if not resources or any(node.value == "*" for node in resources):
        return
    # Malformed resources are reported on their own and take no part in matching.
    values = [node.value for node in resources if is_well_formed(node.value)]
    deny = statement.effect == "deny"
    operation_refs = [ref for ref in refs if _is_operation_level(ref)]
    fix = _granularity_fix(policy, statement, [ref.node for ref in operation_refs]) if operation_refs else None
    for ref in refs:
        if not ref.apis:
            continue
        action = f"{ref.service}:{ref.name}"
        if ref in operation_refs:
            what = "is an operation-level API" if not ref.is_wildcard else "matches only operation-level APIs"
            outcome = "this deny does not deny it" if deny else "this allow grants nothing for it"
            yield finding_at(ref.node, "operation-level-resource", Severity.WARNING if deny else Severity.ERROR,
                             f"\"{action}\" {what}: CAM authorizes it only on resource \"*\", so {outcome}. "
                             f"Move it to a statement with \"resource\": \"*\", or add \"*\" to this statement's resources",
                             [related_to(node, f"specific resource that \"{action}\" cannot match") for node in resources],
                             data={"apis": [api.name for api in ref.apis]}, fixes=[fix] if fix else [])
            continue
        if ref.is_wildcard or not values:
            continue
        api = ref.apis[0]
        if not any(resource_matches_template(value, template) for value in values for template in api.resources):
            yield finding_at(ref.node, "resource-mismatch", Severity.WARNING,
                             f"No resource of this statement matches \"{action}\": its resources have the form "
                             f"{' or '.join(api.resources)}",
                             [related_to(node, f"resource that does not match {api.resources[0]}") for node in resources])


def _granularity_fix(policy: Policy, statement: Statement, operation_nodes: list[Node]) -> Fix | None:
    """Return the fix for operation-level actions: replace the resources with ``*`` when every action is
    operation-level, else move those actions to a new statement with resource ``*``."""
    actions = statement.value("action")
    resource = statement.value("resource")
    if actions is None or resource is None:
        return None
    action_items = actions.items if actions.kind is Kind.ARRAY else [actions]
    if all(any(item is node for node in operation_nodes) for item in action_items):
        replacement = '["*"]' if resource.kind is Kind.ARRAY else '"*"'
        return Fix('Replace the resources with "*"', (TextEdit(resource.start, resource.end, replacement),), preferred=True)
    parent = statement.node.parent
    if actions.kind is not Kind.ARRAY or parent is None or parent.kind is not Kind.ARRAY or not statement.node.closed:
        return None
    indexes = [index for index, item in enumerate(actions.items) if any(item is node for node in operation_nodes)]
    edits = remove_items(actions, indexes)
    edits.append(TextEdit(statement.node.end, statement.node.end, _split_statement_text(policy, statement, operation_nodes)))
    return Fix('Split into a separate statement with resource "*"', tuple(edits), preferred=True)


def _split_statement_text(policy: Policy, statement: Statement, moved: list[Node]) -> str:
    """Return ``,`` and a new statement: the same effect and condition, the moved actions, resource ``*``."""
    text = policy.text
    members = []
    effect = statement.members.get("effect")
    if effect is not None and effect.value is not None:
        members.append(("effect", text[effect.value.start:effect.value.end]))
    members.append(("action", "[" + ", ".join(text[node.start:node.end] for node in moved) + "]"))
    members.append(("resource", '["*"]'))
    condition = statement.members.get("condition")
    if condition is not None and condition.value is not None:
        members.append(("condition", text[condition.value.start:condition.value.end]))

    node = statement.node
    if not is_multiline(text, node):
        return ", {" + ", ".join(f'"{name}": {value}' for name, value in members) + "}"
    eol = line_ending(text)
    closing_indent = line_indent(text, node.end - 1)
    first = node.members[0] if node.members else None
    if first is not None and ("\n" in text[node.start:first.start] or "\r" in text[node.start:first.start]):
        member_indent = line_indent(text, first.start)
    else:
        member_indent = closing_indent + indent_unit(text)
    body = ("," + eol).join(f'{member_indent}"{name}": {value}' for name, value in members)
    return f",{eol}{closing_indent}{{{eol}{body}{eol}{closing_indent}}}"


def _normalised(value: str) -> str:
    return value[5:] if value.startswith("name/") else value


def check_redundant_actions(policy: Policy, statement: Statement, catalog: Catalog) -> Iterator[Finding]:
    """Report an action repeated, or covered by a wildcard, in the same statement."""
    actions = statement.value("action")
    if actions is None or actions.kind is not Kind.ARRAY:
        return
    items = [item for item in actions.items if item.kind is Kind.STRING]
    for index, item in enumerate(items):
        cover = _covering_action(item, items[:index], items[index + 1:], catalog)
        if cover is None:
            continue
        position = actions.items.index(item)
        fix = Fix(f"Remove \"{item.value}\"", tuple(remove_items(actions, [position])), preferred=True)
        reason = "repeats" if _normalised(cover.value) == _normalised(item.value) else "is covered by"
        yield finding_at(item, "redundant-action", Severity.HINT,
                         f"\"{item.value}\" {reason} \"{cover.value}\" in the same statement: remove it",
                         [related_to(cover, f"\"{cover.value}\" already covers it")], fixes=[fix], unnecessary=True)


def _covering_action(item: Node, before: list[Node], after: list[Node], catalog: Catalog) -> Node | None:
    """Return an earlier action equal to ``item``, or any other action whose wildcard covers it strictly."""
    value = _normalised(item.value)
    for other in before:
        if _normalised(other.value) == value:
            return other
    for other in before + after:
        other_value = _normalised(other.value)
        if other_value == value or "*" not in other_value:
            continue
        if other_value == "*" and not value.startswith(FEATURE_SET_PREFIXES):
            return other
        if _wildcard_covers(other_value, value, catalog):
            return other
    return None


def _wildcard_covers(wildcard: str, action: str, catalog: Catalog) -> bool:
    """Return whether ``service:Pattern*`` covers every API that ``action`` names; a wildcard must cover strictly more."""
    wild = ACTION_RE.fullmatch(wildcard)
    target = ACTION_RE.fullmatch(action)
    if not wild or not target or wild["service"] != target["service"]:
        return False
    target_is_wildcard = "*" in target["api"]
    service = catalog.services.get(wild["service"])
    if service is None:
        return not target_is_wildcard and wildcard_regex(wild["api"]).fullmatch(target["api"]) is not None
    covering = {api.name for api in service.match(wild["api"])}
    if target_is_wildcard:
        covered = {api.name for api in service.match(target["api"])}
        return bool(covered) and covered < covering
    return target["api"] in covering


def check_overly_permissive(statement: Statement) -> Iterator[Finding]:
    """Report an allow of every action, or of a whole service, on every resource with no condition."""
    if statement.effect != "allow":
        return
    resources = statement.strings("resource")
    if not any(node.value == "*" for node in resources):
        return
    condition = statement.value("condition")
    if condition is not None and not (condition.kind is Kind.OBJECT and not condition.members):
        return
    for node in statement.strings("action"):
        value = _normalised(node.value)
        if value == "*":
            scope = "every API of every service"
        elif re.fullmatch(r"[a-z][a-z0-9_-]*:\*", value):
            scope = f"every {value[:-2]} API"
        else:
            continue
        yield finding_at(node, "overly-permissive", Severity.WARNING,
                         f"\"{node.value}\" allows {scope} on every resource with no condition: "
                         f"list the APIs needed, name the resources, or add a condition")
