"""Hover for CAM policies: element keys, actions, resources, condition operators and keys."""

from __future__ import annotations

from dataclasses import dataclass

from cam_policy_ls.catalog import Catalog, split_operator
from cam_policy_ls.cursor import Cursor, Slot, locate
from cam_policy_ls.describe import api_markdown, granularity_label, service_markdown, uncatalogued_markdown
from cam_policy_ls.jsonparse import Kind
from cam_policy_ls.policy import FEATURE_SET_PREFIXES, Policy, resolve_action
from cam_policy_ls.resources import resource_matches_template, split_resource

_SEGMENT_DOCS = {
    "qcs": "fixed prefix (qcloud service)",
    "project": "project; must be empty",
    "service": "service abbreviation; empty means every service",
    "region": "region; empty means every region",
    "account": "owner account, `uin/<root account ID>`; empty means the policy owner's account",
    "resource": "resource path; `*` matches any characters",
}


@dataclass(frozen=True)
class HoverResult:
    markdown: str
    start: int
    end: int


def hover(policy: Policy, catalog: Catalog, offset: int) -> HoverResult | None:
    """Return the hover at ``offset``, or None where there is nothing to explain."""
    cursor = locate(policy.root, policy.text, offset)
    if cursor is None or cursor.node is None:
        return None
    node = cursor.node
    text = _key_text(cursor, catalog) if cursor.slot is Slot.KEY else _value_text(cursor, policy, catalog)
    if text is None:
        return None
    return HoverResult(text, node.start, node.end)


def _key_text(cursor: Cursor, catalog: Catalog) -> str | None:
    name = str(cursor.node.value)
    elements = cursor.elements
    if elements == ():
        element = catalog.elements["policy"].get(name)
        return f"**{name}** (policy element)\n\n{element.doc}" if element else None
    if elements == ("statement",):
        element = catalog.elements["statement"].get(name)
        return f"**{name}** (statement element)\n\n{element.doc}" if element else None
    if elements == ("statement", "condition"):
        return _operator_text(name, catalog)
    if len(elements) == 3 and elements[:2] == ("statement", "condition"):
        key = catalog.condition_keys.get(name)
        if key is None:
            return None
        note = "\n\nNot in CAM's list of global condition keys." if not key.confirmed else ""
        return f"**{name}** (condition key, {key.type})\n\n{key.doc}{note}"
    return None


def _operator_text(name: str, catalog: Catalog) -> str | None:
    qualifier, operator_name, if_exist = split_operator(name)
    operator = catalog.operators.get(operator_name)
    if operator is None:
        return None
    parts = [f"**{name}** (condition operator, {operator.type})", operator.doc]
    if if_exist:
        parts.append("`_if_exist`: the condition also holds when the request lacks the key.")
    if qualifier:
        parts.append(f"`{qualifier}:` {catalog.qualifiers[qualifier].doc}")
    return "\n\n".join(parts)


def _value_text(cursor: Cursor, policy: Policy, catalog: Catalog) -> str | None:
    node = cursor.node
    if node.kind is not Kind.STRING:
        return None
    elements = cursor.elements
    if elements in (("version",), ("statement", "effect")):
        level = "policy" if elements == ("version",) else "statement"
        element = catalog.elements[level][elements[-1]]
        return f"**{elements[-1]}**: `{node.value}`\n\n{element.doc}"
    if elements == ("statement", "action"):
        return _action_text(node, catalog)
    if elements == ("statement", "resource"):
        return _resource_text(cursor, policy, catalog)
    return None


def _action_text(node, catalog: Catalog) -> str | None:
    value = node.value
    if value == "*":
        return "**`*`**: every API of every service."
    if value.startswith(FEATURE_SET_PREFIXES):
        return f"**{value}**: a feature-set action; it is accepted without checks."
    ref = resolve_action(node, catalog)
    if ref is None:
        return None
    if not ref.catalogued:
        return f"**{value}**\n\n{uncatalogued_markdown(ref.service)}"
    service = catalog.services[ref.service]
    if not ref.is_wildcard:
        if not ref.apis:
            return f"**{value}**: no {service.name} API has this name.\n\n{service_markdown(service)}"
        return api_markdown(ref.apis[0], service)
    if not ref.apis:
        return f"`{value}` matches no {service.name} API.\n\n{service_markdown(service)}"
    operation = sum(1 for api in ref.apis if api.is_operation_level)
    rows = "\n".join(
        f"| `{api.name}` | {granularity_label(api)} | {'yes' if api.ip_restriction else 'no'} |" for api in ref.apis
    )
    return (
        f"`{value}` matches {len(ref.apis)} APIs: {len(ref.apis) - operation} resource-level, "
        f"{operation} operation-level.\n\n| API | granularity | IP restriction |\n|---|---|---|\n{rows}\n\n"
        f"{service_markdown(service)}"
    )


def _resource_text(cursor: Cursor, policy: Policy, catalog: Catalog) -> str | None:
    value = cursor.node.value
    statement = policy.statement_at(cursor.container) if cursor.container is not None else None
    refs = []
    if statement is not None:
        refs = [ref for ref in (resolve_action(node, catalog) for node in statement.strings("action")) if ref is not None]
    if value == "*":
        lines = ["**`*`**: all resources. Operation-level APIs are authorized only on `*`."]
    else:
        segments = split_resource(value)
        if len(segments) < 6:
            return f"**{value}** is not a six-segment resource: `qcs:project:service:region:account:resource`."
        lines = ["**Six-segment resource**", "| segment | value | meaning |", "|---|---|---|"]
        for segment in segments:
            shown = f"`{segment.text}`" if segment.text else "(empty)"
            meaning = _SEGMENT_DOCS[segment.name]
            if segment.name == "region" and segment.text in catalog.regions:
                meaning = f"region: {catalog.regions[segment.text].name}"
            lines.append(f"| {segment.name} | {shown} | {meaning} |")
        lines = ["\n".join(lines)]
    matched, unmatched = [], []
    for ref in refs:
        action = f"{ref.service}:{ref.name}"
        if not ref.apis:
            continue
        if any(
            (value == "*" or not api.is_operation_level) and any(resource_matches_template(value, t) for t in api.resources)
            for api in ref.apis
        ):
            matched.append(action)
        else:
            unmatched.append(action)
    if matched:
        lines.append("Can match: " + ", ".join(f"`{action}`" for action in matched))
    if unmatched:
        lines.append("Cannot match: " + ", ".join(f"`{action}`" for action in unmatched))
    return "\n\n".join(lines)
