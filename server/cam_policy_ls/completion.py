"""Completion for CAM policies: element keys, effect and version values, actions, resources, condition operators and keys.

Every item carries the exact range it replaces. Inside a string that is the
string's characters, so the result keeps one pair of quotes; outside a string
the item inserts its own quotes.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from cam_policy_ls.catalog import IF_EXIST, Api, Catalog, template_placeholders
from cam_policy_ls.cursor import Cursor, Slot, locate
from cam_policy_ls.describe import api_markdown, api_summary
from cam_policy_ls.jsonparse import Kind
from cam_policy_ls.policy import Policy, resolve_action
from cam_policy_ls.resources import split_resource
from cam_policy_ls.settings import Settings

_VALUE_SNIPPETS = {
    "version": '"2.0"',
    "statement": "[\n\t{\n\t\t$0\n\t}\n]",
    "effect": '"${1|allow,deny|}"',
    "action": '["$1"]',
    "resource": '["$1"]',
    "condition": "{\n\t$0\n}",
    "principal": "{\n\t$0\n}",
}
_PLACEHOLDER_RE = re.compile(r"\$\{(\w+)\}")
_SAMPLE_UIN = "100000000001"


class ItemKind(enum.Enum):
    """Kind of a completion item; the server maps these to LSP kinds."""

    PROPERTY = "property"
    VALUE = "value"
    MODULE = "module"
    FUNCTION = "function"
    OPERATOR = "operator"
    VARIABLE = "variable"
    SNIPPET = "snippet"


@dataclass(frozen=True)
class Item:
    label: str
    kind: ItemKind
    new_text: str
    start: int
    end: int
    """Range of the document text that ``new_text`` replaces."""
    detail: str = ""
    documentation: str = ""
    """Markdown."""
    snippet: bool = False
    sort_text: str = ""
    filter_text: str | None = None
    retrigger: bool = False
    """Whether the client should ask for completion again after inserting, as after a service prefix."""


@dataclass(frozen=True)
class Request:
    offset: int
    settings: Settings = Settings()
    snippet_support: bool = True


def complete(policy: Policy, catalog: Catalog, request: Request) -> list[Item]:
    """Return completion items at ``request.offset``; an empty list where nothing fits."""
    cursor = locate(policy.root, policy.text, request.offset)
    if cursor is None:
        if policy.root is None and not policy.text.strip():
            return [_skeleton(request)]
        return []
    elements = cursor.elements
    if cursor.slot is Slot.KEY:
        return _complete_key(cursor, elements, catalog, request)
    if cursor.node is not None and cursor.node.kind not in (Kind.STRING, Kind.INVALID):
        return []
    if elements == ("version",):
        return [_value_item(cursor, "2.0", "The only policy language version", policy)]
    if _statement_element(cursor, "effect"):
        return [_value_item(cursor, effect, doc, policy) for effect, doc in
                (("allow", "Allow the actions on the resources"), ("deny", "Deny the actions on the resources; an explicit deny wins"))]
    if _statement_element(cursor, "action"):
        return _complete_action(cursor, policy, catalog, request)
    if _statement_element(cursor, "resource"):
        return _complete_resource(cursor, policy, catalog, request)
    return []


def _statement_element(cursor: Cursor, name: str) -> bool:
    return cursor.elements == ("statement", name)


def _skeleton(request: Request) -> Item:
    text = '{\n\t"version": "2.0",\n\t"statement": [\n\t\t{\n\t\t\t"effect": "${1|allow,deny|}",\n\t\t\t"action": ["$2"],\n\t\t\t"resource": ["${3:*}"]\n\t\t}\n\t]\n}'
    if not request.snippet_support:
        text = _plain(text)
    return Item("CAM policy", ItemKind.SNIPPET, text, request.offset, request.offset,
                detail="New policy with one statement", snippet=request.snippet_support)


def _plain(snippet: str) -> str:
    """Turn a snippet into plain text: choices become their first option, tab stops their defaults."""
    text = re.sub(r"\$\{\d+\|([^,|]*)[^}]*\}", r"\1", snippet)
    text = re.sub(r"\$\{\d+:([^}]*)\}", r"\1", text)
    return re.sub(r"\$\d+", "", text)


def _quote(cursor: Cursor, text: str) -> str:
    """Return the text to insert for a string value: bare inside a string, quoted outside, closing an unterminated string."""
    node = cursor.node
    if node is not None and node.kind is Kind.STRING:
        return text if node.closed else text + '"'
    return f'"{text}"'


def _value_item(cursor: Cursor, value: str, detail: str, policy: Policy) -> Item:
    start, end = cursor.replace_range
    return Item(value, ItemKind.VALUE, _quote(cursor, value), start, end, detail=detail)


def _complete_key(cursor: Cursor, elements: tuple[str, ...], catalog: Catalog, request: Request) -> list[Item]:
    container = cursor.container
    present = {str(member.key.value) for member in container.members} if container is not None else set()
    if cursor.member is not None:
        present.discard(str(cursor.member.key.value))
    if elements == ():
        level = "policy"
    elif elements == ("statement",):
        level = "statement"
    elif elements == ("statement", "condition"):
        return _complete_operators(cursor, catalog, request)
    elif len(elements) == 3 and elements[:2] == ("statement", "condition"):
        return _complete_condition_keys(cursor, catalog, request)
    else:
        return []
    items = []
    for index, element in enumerate(catalog.elements[level].values()):
        if element.name in present:
            continue
        items.append(_key_item(cursor, element.name, element.doc, ItemKind.PROPERTY, index, request,
                               _VALUE_SNIPPETS.get(element.name)))
    return items


def _key_item(cursor: Cursor, name: str, doc: str, kind: ItemKind, index: int, request: Request,
              value_snippet: str | None) -> Item:
    """Return an item for an object key, with a value snippet when the key has no colon yet."""
    start, end = cursor.replace_range
    node = cursor.node
    has_colon = cursor.member is not None and cursor.member.colon >= 0
    if node is not None and node.kind is Kind.STRING and has_colon:
        text = name if node.closed else name + '"'
        return Item(name, kind, text, start, end, documentation=doc, sort_text=f"{index:03d}")

    filter_text = None
    if node is not None and node.kind is Kind.STRING:
        # The whole key token is replaced, from its opening quote, and clients filter on that text.
        start, end = node.start, cursor.string_end + (1 if node.closed else 0)
        filter_text = f'"{name}"'
    text = f'"{name}": '
    snippet = bool(value_snippet) and request.snippet_support
    if snippet:
        text += value_snippet
    return Item(name, kind, text, start, end, documentation=doc, sort_text=f"{index:03d}", snippet=snippet,
                filter_text=filter_text)


def _complete_operators(cursor: Cursor, catalog: Catalog, request: Request) -> list[Item]:
    items = []
    for operator in catalog.operators.values():
        forms = [operator.name]
        if operator.if_exist:
            forms.append(operator.name + IF_EXIST)
        for form in forms:
            items.append(_key_item(cursor, form, operator.doc, ItemKind.OPERATOR, len(items), request, "{$0}"))
    for qualifier in catalog.qualifiers.values():
        for operator in ("string_equal", "string_like"):
            items.append(_key_item(cursor, f"{qualifier.name}:{operator}", qualifier.doc, ItemKind.OPERATOR,
                                   len(items), request, "{$0}"))
    return items


def _complete_condition_keys(cursor: Cursor, catalog: Catalog, request: Request) -> list[Item]:
    return [
        _key_item(cursor, key.name, f"{key.doc}\n\nValue type: {key.type}.", ItemKind.VARIABLE, index, request, '["$0"]')
        for index, key in enumerate(catalog.condition_keys.values())
    ]


def _complete_action(cursor: Cursor, policy: Policy, catalog: Catalog, request: Request) -> list[Item]:
    start, end = cursor.replace_range
    typed = policy.text[start:cursor.offset]
    if typed.startswith('"'):
        typed = typed[1:]
    name_prefix = "name/" if typed.startswith("name/") else ""
    body = typed[len(name_prefix):]
    items: list[Item] = []
    if ":" not in body:
        if not name_prefix:
            items.append(Item("*", ItemKind.VALUE, _quote(cursor, "*"), start, end, detail="Every API of every service",
                              sort_text="000"))
        for index, service in enumerate(catalog.services.values(), start=1):
            prefix = f"{name_prefix}{service.abbreviation}:"
            # Inside a string the prefix replaces the string's characters; outside, it opens a string and
            # leaves the cursor before the closing quote.
            in_string = cursor.in_string
            snippet = not in_string and request.snippet_support
            if in_string:
                text = prefix
            elif snippet:
                text = f'"{prefix}$0"'
            else:
                text = f'"{prefix}"'
            items.append(Item(prefix, ItemKind.MODULE, text, start, end, detail=service.name,
                              documentation=f"{len(service.apis)} CAM-enabled APIs.", sort_text=f"{index:03d}",
                              snippet=snippet, retrigger=True))
        return items

    service_name = body.split(":", 1)[0]
    service = catalog.services.get(service_name)
    if service is None:
        return []
    whole = f"{name_prefix}{service.abbreviation}:*"
    items.append(Item(whole, ItemKind.VALUE, _quote(cursor, whole), start, end,
                      detail=f"Every {service.abbreviation} API ({len(service.apis)})", sort_text="000"))
    for index, api in enumerate(service.apis.values(), start=1):
        label = f"{name_prefix}{api.action}"
        items.append(Item(label, ItemKind.FUNCTION, _quote(cursor, label), start, end, detail=api_summary(api),
                          documentation=api_markdown(api, service), sort_text=f"{index:03d}"))
    return items


def _statement_apis(cursor: Cursor, policy: Policy, catalog: Catalog) -> list[Api]:
    statement = policy.statement_at(cursor.container) if cursor.container is not None else None
    if statement is None:
        return []
    apis: list[Api] = []
    for node in statement.strings("action"):
        ref = resolve_action(node, catalog)
        if ref is not None:
            apis.extend(api for api in ref.apis if api not in apis)
    return apis


def _complete_resource(cursor: Cursor, policy: Policy, catalog: Catalog, request: Request) -> list[Item]:
    region_items = _complete_region(cursor, policy, catalog)
    if region_items is not None:
        return region_items
    start, end = cursor.replace_range
    apis = _statement_apis(cursor, policy, catalog)
    items: list[Item] = []
    operation_level = any(api.is_operation_level for api in apis)
    star = Item("*", ItemKind.VALUE, _quote(cursor, "*"), start, end,
                detail="All resources; required for operation-level APIs",
                sort_text="000" if operation_level or not apis else "900")
    items.append(star)
    templates: dict[str, list[str]] = {}
    for api in apis:
        for template in api.resources:
            if template != "*":
                templates.setdefault(template, []).append(api.name)
    for index, (template, names) in enumerate(templates.items(), start=1):
        text = _template_text(template, catalog, request)
        shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        items.append(Item(template, ItemKind.SNIPPET if request.snippet_support else ItemKind.VALUE,
                          _quote(cursor, text), start, end, detail=f"Resource of {shown}",
                          documentation=f"Six-segment resource of {', '.join(names)}.\n\n`{template}`",
                          snippet=request.snippet_support, sort_text=f"{index:03d}"))
    return items


def _template_text(template: str, catalog: Catalog, request: Request) -> str:
    """Render a resource template as a snippet with tab stops, or as plain text without snippet support."""
    settings = request.settings
    regions = list(catalog.regions)
    if settings.default_region in regions:
        regions.remove(settings.default_region)
        regions.insert(0, settings.default_region)
    stops = {name: number for number, name in enumerate(dict.fromkeys(template_placeholders(template)), start=1)}

    def replace(match: re.Match) -> str:
        name = match[1]
        if not request.snippet_support:
            if name == "region":
                return regions[0]
            if name == "uin" and settings.default_uin:
                return settings.default_uin
            return f"<{name}>"
        number = stops[name]
        if name == "region":
            return f"${{{number}|{','.join(regions)}|}}"
        if name == "uin":
            return f"${{{number}:{settings.default_uin or _SAMPLE_UIN}}}"
        return f"${{{number}:{name}}}"

    return _PLACEHOLDER_RE.sub(replace, template)


def _complete_region(cursor: Cursor, policy: Policy, catalog: Catalog) -> list[Item] | None:
    """Complete a region id when the cursor is in the region segment of a resource string; None elsewhere."""
    node = cursor.node
    if node is None or node.kind is not Kind.STRING or node.has_escapes:
        return None
    index = cursor.offset - node.content_start
    segments = split_resource(node.value)
    if len(segments) < 4:
        return None
    region = segments[3]
    if not region.start <= index <= region.end:
        return None
    start = node.content_start + region.start
    end = node.content_start + region.end
    return [
        Item(entry.id, ItemKind.VALUE, entry.id, start, end, detail=entry.name + (f" ({entry.note})" if entry.note else ""),
             sort_text=f"{number:03d}")
        for number, entry in enumerate(catalog.regions.values())
    ]
