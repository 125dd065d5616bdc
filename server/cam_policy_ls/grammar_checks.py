"""Rules on the shape of a policy: strict JSON, duplicate keys, elements and their types, version, effect, principal."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Iterable, Iterator

from cam_policy_ls.catalog import Catalog
from cam_policy_ls.edits import TextEdit
from cam_policy_ls.findings import Finding, Fix, Severity
from cam_policy_ls.jsonparse import Kind, Member, Node
from cam_policy_ls.layout import line_ending, line_indent
from cam_policy_ls.policy import Policy, Statement
from cam_policy_ls.rules import content_range, finding_at, related_to, type_name

MAX_POLICY_CHARS = 6144
"""CAM's limit on the characters of one policy document."""

_SYNTAX_FIX_TITLES = {
    "Comments": "Remove the comment",
    "Trailing comma": "Remove the trailing comma",
    "Extra ','": "Remove the extra comma",
    "Unexpected ','": "Remove the comma",
    "Missing ','": "Insert the missing comma",
}
_UIN = r"(?:\d+|\$\{\w+\})"
_QCS_PRINCIPAL_RE = re.compile(
    rf"\*|qcs::cam::anonymous:anonymous|qcs::cam::uin/{_UIN}:(?:root|uin/{_UIN}|groupid/\d+|roleName/[\w+=,.@-]+|role/\d+)"
)
_FEDERATED_PRINCIPAL_RE = re.compile(rf"qcs::cam::uin/{_UIN}:(?:saml|oidc)-provider/[\w.-]+")
_SERVICE_PRINCIPAL_RE = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+")
_PRINCIPAL_FORMS = {
    "qcs": (_QCS_PRINCIPAL_RE, '"qcs::cam::uin/100000000001:root" or "qcs::cam::uin/100000000001:uin/100000000002"'),
    "federated": (_FEDERATED_PRINCIPAL_RE, '"qcs::cam::uin/100000000001:saml-provider/name" or an oidc-provider'),
    "service": (_SERVICE_PRINCIPAL_RE, 'a service domain such as "cvm.qcloud.com"'),
}


def check_syntax(policy: Policy) -> Iterator[Finding]:
    for problem in policy.parsed.problems:
        fixes = ()
        if problem.fix is not None:
            title = next((title for prefix, title in _SYNTAX_FIX_TITLES.items() if problem.message.startswith(prefix)), "Fix the syntax")
            fixes = (Fix(title, (problem.fix,), preferred=True),)
        yield Finding("json-syntax", Severity.ERROR, problem.start, problem.end, problem.message, fixes=fixes)
    root = policy.root
    if root is not None and root.kind is not Kind.OBJECT and root.kind is not Kind.INVALID:
        yield finding_at(root, "invalid-type", Severity.ERROR,
                         f"A CAM policy is a JSON object, not {type_name(root)}: write {{\"version\": \"2.0\", \"statement\": [...]}}")


def check_length(policy: Policy) -> Iterator[Finding]:
    length = len(policy.text)
    if length > MAX_POLICY_CHARS:
        # NOTE: CAM does not document whether whitespace counts toward the limit, so this is a Warning.
        yield Finding("policy-too-long", Severity.WARNING, MAX_POLICY_CHARS, MAX_POLICY_CHARS + 1,
                      f"Policy has {length:,} characters, over CAM's limit of {MAX_POLICY_CHARS:,} from here: "
                      f"remove whitespace or split it into several policies")


def _objects(node: Node | None) -> Iterator[Node]:
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if current.kind is Kind.OBJECT:
            yield current
            stack.extend(member.value for member in current.members if member.value is not None)
        elif current.kind is Kind.ARRAY:
            stack.extend(current.items)


def _strings(node: Node | None) -> Iterator[Node]:
    """Yield every string value under ``node``; keys are not values."""
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if current.kind is Kind.STRING:
            yield current
        elif current.kind is Kind.OBJECT:
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
                others = [related_to(other.key, f"another \"{name}\" in the same object") for other in copies if other is not member]
                yield finding_at(member.key, "duplicate-key", Severity.ERROR,
                                 f"Duplicate key \"{name}\": CAM keeps only one of the {len(copies)} copies, so merge them into one",
                                 others)


def check_double_encoded(policy: Policy) -> Iterator[Finding]:
    """Report string values that are themselves a JSON array or object, serialised twice."""
    for node in _strings(policy.root):
        value = node.value.strip()
        if not value or value[0] not in "[{":
            continue
        try:
            decoded = json.loads(value)
        except ValueError:
            continue
        if isinstance(decoded, (list, dict)):
            what = "an array" if isinstance(decoded, list) else "an object"
            yield finding_at(node, "double-encoded", Severity.WARNING,
                             f"This string contains {what} serialised as JSON: write {what} itself, without the quotes and escapes")


def _check_members(members: list[Member], allowed: dict, level: str, node: Node, required: Iterable[str],
                   policy: Policy) -> Iterator[Finding]:
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
            fixes = ()
            if correct not in present and member.key.kind is Kind.STRING and not member.key.has_escapes:
                start, end = content_range(member.key)
                fixes = (Fix(f"Rename to \"{correct}\"", (TextEdit(start, end, correct),), preferred=True),)
            yield finding_at(member.key, "unknown-element", Severity.ERROR,
                             f"Element names are lowercase: write \"{correct}\" instead of \"{name}\"",
                             data={"replacement": correct}, fixes=fixes)
        else:
            names = ", ".join(f'"{element}"' for element in allowed)
            # NOTE: whether CAM rejects or ignores unknown elements is not documented, so this is a Warning.
            yield finding_at(member.key, "unknown-element", Severity.WARNING,
                             f"Unknown element \"{name}\" in a {level}: the elements are {names}; remove it")
    for name in required:
        if name not in present and name not in present_folded:
            fixes = (_insert_version(policy, node),) if name == "version" else ()
            yield Finding("missing-element", Severity.ERROR, node.start, node.start + 1,
                          f"Missing element \"{name}\" in this {level}: add \"{name}\": {_example(name)}", fixes=fixes)


def _insert_version(policy: Policy, root: Node) -> Fix:
    """Return a fix inserting ``"version": "2.0"`` as the first member of the root object, in its layout."""
    text = policy.text
    member = '"version": "2.0"'
    if not root.members:
        edit = TextEdit(root.start + 1, root.start + 1, member)
    else:
        first = root.members[0]
        gap = text[root.start + 1:first.start]
        if "\n" in gap or "\r" in gap:
            edit = TextEdit(root.start + 1, root.start + 1, f"{line_ending(text)}{line_indent(text, first.start)}{member},")
        else:
            edit = TextEdit(first.start, first.start, f"{member}, ")
    return Fix('Insert "version": "2.0"', (edit,), preferred=True)


def _example(name: str) -> str:
    return {"version": '"2.0"', "statement": "[...]", "effect": '"allow"', "action": '["kms:Encrypt"]',
            "resource": '["*"]'}.get(name, "...")


def check_policy_elements(policy: Policy, catalog: Catalog) -> Iterator[Finding]:
    root = policy.root
    if root is None or root.kind is not Kind.OBJECT:
        return
    allowed = catalog.elements["policy"]
    required = [name for name, element in allowed.items() if element.required]
    yield from _check_members(root.members, allowed, "policy", root, required, policy)

    version = root.get("version")
    if version is not None and version.value is not None:
        value = version.value
        if value.kind is not Kind.STRING:
            yield finding_at(value, "invalid-type" if value.kind is not Kind.NUMBER else "invalid-version", Severity.ERROR,
                             f"\"version\" must be the string \"2.0\", not {type_name(value)}: write \"version\": \"2.0\"",
                             fixes=(Fix('Change to "2.0"', (TextEdit(value.start, value.end, '"2.0"'),), preferred=True),))
        elif value.value != "2.0":
            yield finding_at(value, "invalid-version", Severity.ERROR,
                             f"Invalid version \"{value.value}\": the only policy language version is \"2.0\"",
                             fixes=(Fix('Change to "2.0"', (TextEdit(value.start, value.end, '"2.0"'),), preferred=True),))

    statement = root.get("statement")
    if statement is not None and statement.value is not None:
        yield from _check_statement_list(statement.value)

    principal = root.get("principal")
    if principal is not None and principal.value is not None:
        yield from check_principal(principal.value)


def _check_statement_list(value: Node) -> Iterator[Finding]:
    if value.kind is Kind.ARRAY:
        for item in value.items:
            if item.kind is not Kind.OBJECT and item.kind is not Kind.INVALID:
                yield finding_at(item, "invalid-type", Severity.ERROR,
                                 f"Each statement must be an object, not {type_name(item)}: write {{\"effect\": ..., \"action\": ..., \"resource\": ...}}")
    elif value.kind is Kind.OBJECT:
        # NOTE: older CAM pages show a single statement object; whether CreatePolicy still accepts it is not documented.
        wrap = Fix("Wrap the statement in an array", (TextEdit(value.start, value.start, "["), TextEdit(value.end, value.end, "]")),
                   preferred=True)
        yield Finding("statement-object", Severity.WARNING, value.start, value.start + 1,
                      "\"statement\" is a single object: write an array of statements, [{...}], as CAM returns it",
                      fixes=(wrap,) if value.closed else ())
    elif value.kind is not Kind.INVALID:
        yield finding_at(value, "invalid-type", Severity.ERROR,
                         f"\"statement\" must be an array of statement objects, not {type_name(value)}")


def check_principal(node: Node) -> Iterator[Finding]:
    if node.kind is Kind.STRING:
        if node.value != "*":
            yield finding_at(node, "invalid-principal", Severity.ERROR,
                             f"Invalid principal \"{node.value}\": write \"*\" or an object such as {{\"qcs\": [\"{node.value}\"]}}")
        return
    if node.kind is not Kind.OBJECT:
        if node.kind is not Kind.INVALID:
            yield finding_at(node, "invalid-type", Severity.ERROR,
                             f"\"principal\" must be \"*\" or an object such as {{\"qcs\": [...]}}, not {type_name(node)}")
        return
    for member in node.members:
        kind = str(member.key.value)
        value = member.value
        form = _PRINCIPAL_FORMS.get(kind)
        if form is None:
            yield finding_at(member.key, "invalid-principal", Severity.ERROR,
                             f"Unknown principal type \"{kind}\": write \"qcs\", \"service\" or \"federated\"")
            continue
        if value is None or value.kind is Kind.INVALID:
            continue
        if value.kind not in (Kind.STRING, Kind.ARRAY):
            yield finding_at(value, "invalid-type", Severity.ERROR,
                             f"Principal \"{kind}\" must be a string or a list of strings, not {type_name(value)}")
            continue
        items = [value] if value.kind is Kind.STRING else value.items
        pattern, example = form
        for item in items:
            if item.kind is not Kind.STRING:
                if item.kind is not Kind.INVALID:
                    yield finding_at(item, "invalid-type", Severity.ERROR,
                                     f"Each item of principal \"{kind}\" must be a string, not {type_name(item)}")
            elif not pattern.fullmatch(item.value):
                yield finding_at(item, "invalid-principal", Severity.ERROR,
                                 f"Invalid {kind} principal \"{item.value}\": write {example}")


def check_string_list(node: Node, what: str) -> Iterator[Finding]:
    for item in node.items:
        if item.kind is not Kind.STRING and item.kind is not Kind.INVALID:
            yield finding_at(item, "invalid-type", Severity.ERROR, f"Each item of {what} must be a string, not {type_name(item)}")


def check_statement_elements(policy: Policy, statement: Statement, catalog: Catalog) -> Iterator[Finding]:
    required = ["effect", "action"]
    if "principal" not in statement.members:
        required.append("resource")
    yield from _check_members(statement.node.members, catalog.elements["statement"], "statement", statement.node, required, policy)

    for name in ("action", "resource"):
        value = statement.value(name)
        if value is None:
            continue
        if value.kind is Kind.ARRAY:
            yield from check_string_list(value, f"\"{name}\"")
            if not value.items and value.closed:
                yield finding_at(value, "invalid-type", Severity.ERROR,
                                 f"Empty \"{name}\" list: a statement needs at least one {name}, or \"*\"")
        elif value.kind is not Kind.STRING and value.kind is not Kind.INVALID:
            yield finding_at(value, "invalid-type", Severity.ERROR,
                             f"\"{name}\" must be a string or a list of strings, not {type_name(value)}")

    condition = statement.value("condition")
    if condition is not None and condition.kind not in (Kind.OBJECT, Kind.INVALID):
        yield finding_at(condition, "invalid-type", Severity.ERROR,
                         f"\"condition\" must be an object such as {{\"ip_equal\": {{\"qcs:ip\": [\"10.0.0.0/8\"]}}}}, not {type_name(condition)}")
    principal = statement.value("principal")
    if principal is not None:
        yield from check_principal(principal)


def check_effect(statement: Statement) -> Iterator[Finding]:
    node = statement.value("effect")
    if node is None or node.kind is Kind.INVALID:
        return
    if node.kind is not Kind.STRING:
        yield finding_at(node, "invalid-type", Severity.ERROR,
                         f"\"effect\" must be the string \"allow\" or \"deny\", not {type_name(node)}")
    elif node.value in ("allow", "deny"):
        return
    elif node.value.lower() in ("allow", "deny"):
        lower = node.value.lower()
        start, end = content_range(node)
        # NOTE: no CAM page shows a capitalised effect; whether CAM accepts one is not documented.
        yield finding_at(node, "invalid-effect", Severity.WARNING,
                         f"Effect \"{node.value}\" is capitalised: CAM documents lowercase, write \"{lower}\"",
                         data={"replacement": lower},
                         fixes=(Fix(f"Change to \"{lower}\"", (TextEdit(start, end, lower),), preferred=True),))
    else:
        yield finding_at(node, "invalid-effect", Severity.ERROR, f"Invalid effect \"{node.value}\": write \"allow\" or \"deny\"")

