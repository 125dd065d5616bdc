"""Rules on conditions: operators, condition keys, value formats, and IP restriction support."""

from __future__ import annotations

import ipaddress
import re
from typing import Iterator

from cam_policy_ls.catalog import IF_EXIST, Catalog, ConditionOperator, closest_names, split_operator
from cam_policy_ls.edits import TextEdit
from cam_policy_ls.findings import Finding, Fix, Severity
from cam_policy_ls.jsonparse import Kind, Member, Node
from cam_policy_ls.policy import ActionRef, Policy, Statement
from cam_policy_ls.rules import content_range, finding_at, related_to, type_name

_VARIABLE_RE = re.compile(r"\$\{\w+\}")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_TAG_KEYS = ("qcs:resource_tag", "qcs:request_tag", "qcs:tag")


def _operator_names(catalog: Catalog) -> list[str]:
    names = list(catalog.operators)
    names += [name + IF_EXIST for name, operator in catalog.operators.items() if operator.if_exist]
    return names


def check_conditions(policy: Policy, statement: Statement, refs: list[ActionRef], catalog: Catalog) -> Iterator[Finding]:
    condition = statement.value("condition")
    if condition is None or condition.kind is not Kind.OBJECT:
        return
    services = {ref.service for ref in refs}
    any_service = any(node.value == "*" for node in statement.strings("action"))
    for member in condition.members:
        name = str(member.key.value)
        qualifier, operator_name, if_exist = split_operator(name)
        operator = catalog.operators.get(operator_name)
        known_qualifier = ":" not in name or bool(qualifier)
        if operator is None or (if_exist and not operator.if_exist) or not known_qualifier:
            yield _unknown_operator(member, name, catalog)
        value = member.value
        if value is None:
            continue
        if value.kind is not Kind.OBJECT:
            if value.kind is not Kind.INVALID:
                yield finding_at(value, "invalid-type", Severity.ERROR,
                                 f"Operator \"{name}\" takes an object of condition keys, as in "
                                 f"{{\"qcs:ip\": [\"10.0.0.0/8\"]}}, not {type_name(value)}")
            continue
        for key_member in value.members:
            yield from _check_condition_key(statement, key_member, operator, refs, services, any_service, catalog)


def _unknown_operator(member: Member, name: str, catalog: Catalog) -> Finding:
    prefix, _, operator = name.rpartition(":")
    suggestions = closest_names(operator, _operator_names(catalog))
    hint = f"did you mean {', '.join(suggestions)}?" if suggestions else "see the condition operators in completion"
    fixes = []
    if member.key.kind is Kind.STRING and not member.key.has_escapes:
        start, end = content_range(member.key)
        qualifier = prefix + ":" if prefix in ("for_any_value", "for_all_value") else ""
        fixes = [Fix(f"Change to {qualifier}{suggestion}", (TextEdit(start, end, qualifier + suggestion),))
                 for suggestion in suggestions]
    return finding_at(member.key, "unknown-condition-operator", Severity.ERROR,
                      f"Unknown condition operator \"{name}\": {hint}", data={"replacements": suggestions}, fixes=fixes)


def _check_condition_key(statement: Statement, key_member: Member, operator: ConditionOperator | None,
                         refs: list[ActionRef], services: set[str], any_service: bool, catalog: Catalog) -> Iterator[Finding]:
    key = str(key_member.key.value)
    known = catalog.condition_keys.get(key)
    if known is None:
        service = key.split(":", 1)[0] if ":" in key else None
        if not (any_service or (service and service != "qcs" and service in services)):
            hint = ", ".join(name for name, entry in catalog.condition_keys.items() if entry.confirmed)
            yield finding_at(key_member.key, "unknown-condition-key", Severity.WARNING,
                             f"Unknown condition key \"{key}\": it is not a global key ({hint}) "
                             f"nor a key of a service in this statement's actions")
    elif not known.confirmed:
        yield finding_at(key_member.key, "unknown-condition-key", Severity.WARNING,
                         f"Condition key \"{key}\" is not in CAM's list of global keys: {known.doc}")

    if key == "qcs:ip":
        yield from _check_ip_restriction(key_member, refs)

    value = key_member.value
    if value is None:
        return
    items = value.items if value.kind is Kind.ARRAY else [value]
    for item in items:
        if item.kind in (Kind.OBJECT, Kind.ARRAY):
            yield finding_at(item, "invalid-type", Severity.ERROR,
                             f"A condition value is a string, number or boolean, not {type_name(item)}")
            continue
        if operator is None or item.kind is Kind.INVALID:
            continue
        problem = _value_problem(operator.type, key, item)
        if problem:
            yield finding_at(item, "invalid-condition-value", Severity.ERROR, problem)


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
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not numeric and not (isinstance(value, str) and re.fullmatch(r"-?\d+(?:\.\d+)?", value)):
            return f"Invalid number \"{text}\": numeric operators compare numbers, such as 100"
    elif kind == "boolean":
        if not isinstance(value, bool) and value not in ("true", "false"):
            return f"Invalid boolean \"{text}\": write true or false"
    elif kind == "string" and key in _TAG_KEYS:
        if not isinstance(value, str) or "&" not in value:
            return f"Invalid tag \"{text}\": write the tag as \"key&value\", as in \"team&payments\""
    return None


def _check_ip_restriction(key_member: Member, refs: list[ActionRef]) -> Iterator[Finding]:
    for ref in refs:
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
        yield finding_at(ref.node, "ip-condition-unsupported", Severity.WARNING, message,
                         [related_to(key_member.key, "qcs:ip condition of this statement")])
