"""The policy view of a parsed JSON tree: statements and their elements, and actions resolved against the catalog."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cam_policy_ls.catalog import Api, Catalog
from cam_policy_ls.jsonparse import Kind, Member, Node, ParseResult, parse

ACTION_RE = re.compile(r"(?P<prefix>name/)?(?P<service>[a-z][a-z0-9_-]*):(?P<api>[A-Za-z0-9*]+)")
FEATURE_SET_PREFIXES = ("permid/", "permit/")
"""Prefixes of feature-set actions, such as ``permid/280655``, accepted without checks."""


@dataclass
class Statement:
    """One statement object with its elements, each the first member of that name."""

    node: Node
    members: dict[str, Member] = field(default_factory=dict)

    def value(self, name: str) -> Node | None:
        member = self.members.get(name)
        return member.value if member else None

    def strings(self, name: str) -> list[Node]:
        """Return the string nodes of an element that is a string or a list of strings."""
        return string_items(self.value(name))

    @property
    def effect(self) -> str | None:
        node = self.value("effect")
        return node.value if node is not None and node.kind is Kind.STRING else None


@dataclass
class Policy:
    """A parsed document seen as a CAM policy."""

    parsed: ParseResult
    statements: list[Statement]

    @property
    def root(self) -> Node | None:
        return self.parsed.root

    @property
    def text(self) -> str:
        return self.parsed.text

    def statement_at(self, node: Node) -> Statement | None:
        """Return the statement that contains ``node``, or None."""
        current: Node | None = node
        while current is not None:
            for statement in self.statements:
                if statement.node is current:
                    return statement
            current = current.parent
        return None


@dataclass(frozen=True)
class ActionRef:
    """An action string resolved against the catalog."""

    node: Node
    service: str
    name: str
    """The API part after ``service:``; may contain ``*``."""
    name_start: int
    """Index of the API part in the decoded string."""
    apis: tuple[Api, ...]
    """Catalogued APIs it names exactly or by wildcard; empty for services without a catalog."""
    catalogued: bool
    """Whether the service has a catalog."""

    @property
    def is_wildcard(self) -> bool:
        return "*" in self.name


def string_items(node: Node | None) -> list[Node]:
    if node is None:
        return []
    if node.kind is Kind.STRING:
        return [node]
    if node.kind is Kind.ARRAY:
        return [item for item in node.items if item.kind is Kind.STRING]
    return []


def build_policy(parsed: ParseResult) -> Policy:
    """Collect the statements of a parsed document: a ``statement`` array, or a single statement object."""
    statements: list[Statement] = []
    root = parsed.root
    if root is not None and root.kind is Kind.OBJECT:
        member = root.get("statement") or _get_ignoring_case(root, "statement")
        value = member.value if member else None
        if value is not None and value.kind is Kind.ARRAY:
            candidates = value.items
        elif value is not None and value.kind is Kind.OBJECT:
            candidates = [value]
        else:
            candidates = []
        for candidate in candidates:
            if candidate.kind is not Kind.OBJECT:
                continue
            statement = Statement(candidate)
            for item in candidate.members:
                statement.members.setdefault(str(item.key.value), item)
            # A wrong-case key such as "Effect" is reported once, and its value is still checked as "effect".
            for item in candidate.members:
                statement.members.setdefault(str(item.key.value).lower(), item)
            statements.append(statement)
    return Policy(parsed, statements)


def _get_ignoring_case(node: Node, key: str) -> Member | None:
    for member in node.members:
        if str(member.key.value).lower() == key:
            return member
    return None


def parse_policy(text: str) -> Policy:
    return build_policy(parse(text))


def resolve_action(node: Node, catalog: Catalog) -> ActionRef | None:
    """Resolve an action string; None for ``*``, feature-set actions and malformed actions."""
    value = node.value
    if not isinstance(value, str):
        return None
    match = ACTION_RE.fullmatch(value)
    if match is None:
        return None
    service_name = match["service"]
    name = match["api"]
    service = catalog.services.get(service_name)
    if service is None:
        apis: tuple[Api, ...] = ()
    elif "*" in name:
        apis = tuple(service.match(name))
    else:
        api = service.apis.get(name) or service.apis_by_folded_name.get(name.lower())
        apis = (api,) if api else ()
    return ActionRef(node, service_name, name, match.start("api"), apis, service is not None)


def is_policy_text(root: Node | None) -> bool:
    """Return whether a JSON tree looks like a CAM policy: a lowercase ``statement`` key or ``"version": "2.0"``."""
    if root is None or root.kind is not Kind.OBJECT:
        return False
    if root.get("statement") is not None:
        return True
    version = root.get("version")
    return version is not None and version.value is not None and version.value.value == "2.0"
