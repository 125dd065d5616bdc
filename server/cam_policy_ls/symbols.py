"""Document symbols and inlay hints: an outline of the statements, and the granularity of each action in place."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from cam_policy_ls.catalog import Catalog
from cam_policy_ls.jsonparse import Kind, Node
from cam_policy_ls.policy import Policy, Statement, resolve_action
from cam_policy_ls.resources import split_resource


class SymbolKind(enum.Enum):
    """Symbol kinds used by the outline; the server maps them to LSP kinds."""

    STATEMENT = "statement"
    LIST = "list"
    OBJECT = "object"


@dataclass(frozen=True)
class Symbol:
    name: str
    kind: SymbolKind
    start: int
    end: int
    selection_start: int
    selection_end: int
    detail: str = ""
    children: list["Symbol"] = field(default_factory=list)


@dataclass(frozen=True)
class InlayHint:
    offset: int
    label: str
    tooltip: str


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def statement_summary(statement: Statement) -> str:
    """Return a one-line summary such as ``allow kms:Encrypt +2 on 1 key``."""
    effect = statement.effect or "statement"
    actions = [node.value.removeprefix("name/") for node in statement.strings("action")]
    summary = effect
    if actions:
        summary += f" {actions[0]}" + (f" +{len(actions) - 1}" if len(actions) > 1 else "")
    resources = [node.value for node in statement.strings("resource")]
    if any(value == "*" for value in resources):
        summary += " on all resources"
    elif resources:
        types = {_resource_type(value) for value in resources}
        noun = types.pop() if len(types) == 1 and None not in types else "resource"
        summary += f" on {_plural(len(resources), noun)}"
    principal = statement.value("principal")
    if principal is not None and principal.kind is Kind.OBJECT and principal.members:
        summary += f" for {', '.join(str(member.key.value) for member in principal.members)}"
    return summary


def _resource_type(value: str) -> str | None:
    segments = split_resource(value)
    if len(segments) < 6:
        return None
    kind = segments[5].text.split("/", 1)[0]
    return kind if kind and kind != "*" else None


def document_symbols(policy: Policy) -> list[Symbol]:
    symbols = []
    for index, statement in enumerate(policy.statements):
        node = statement.node
        children = []
        for name in ("action", "resource", "condition", "principal"):
            member = statement.members.get(name)
            if member is None or member.key.value != name:
                continue
            children.append(_element_symbol(name, member.key, member.value))
        effect = statement.members.get("effect")
        selection = effect.key if effect is not None else node
        symbols.append(Symbol(statement_summary(statement), SymbolKind.STATEMENT, node.start, node.end,
                              selection.start, selection.end, f"statement {index + 1}", children))
    return symbols


def _element_symbol(name: str, key: Node, value: Node | None) -> Symbol:
    end = value.end if value is not None else key.end
    if value is not None and value.kind is Kind.ARRAY:
        detail = _plural(len(value.items), "item")
        kind = SymbolKind.LIST
    elif value is not None and value.kind is Kind.OBJECT:
        detail = ", ".join(str(member.key.value) for member in value.members)
        kind = SymbolKind.OBJECT
    else:
        detail = str(value.value) if value is not None and value.kind is Kind.STRING else ""
        kind = SymbolKind.LIST
    return Symbol(name, kind, key.start, end, key.start, key.end, detail)


def inlay_hints(policy: Policy, catalog: Catalog, start: int, end: int) -> list[InlayHint]:
    """Return a hint after each action of a catalogued service in ``[start, end]``: its granularity and IP restriction."""
    hints = []
    for statement in policy.statements:
        for node in statement.strings("action"):
            if node.end < start or node.start > end or not node.closed:
                continue
            ref = resolve_action(node, catalog)
            if ref is None or not ref.apis:
                continue
            if ref.is_wildcard:
                operation = sum(1 for api in ref.apis if api.is_operation_level)
                label = f"{_plural(len(ref.apis), 'API')}, {operation} operation-level"
                tooltip = "APIs this wildcard matches, and how many are authorized only on resource *"
            else:
                api = ref.apis[0]
                label = "operation-level" if api.is_operation_level else "resource-level"
                if not api.ip_restriction:
                    label += ", no IP restriction"
                tooltip = f"{api.action}: {api.description}"
            hints.append(InlayHint(node.end, label, tooltip))
    return hints
