"""Helpers shared by the rule modules: finding constructors, ranges of nodes, and type names."""

from __future__ import annotations

from typing import Iterable

from cam_policy_ls.edits import TextEdit
from cam_policy_ls.findings import Finding, Fix, Related, Severity
from cam_policy_ls.jsonparse import Kind, Node, source_offset
from cam_policy_ls.policy import Policy


def content_range(node: Node) -> tuple[int, int]:
    """Return the range of a string's characters without its quotes; the whole token if that is empty."""
    if node.kind is Kind.STRING and node.content_end > node.content_start:
        return node.content_start, node.content_end
    return node.start, max(node.end, node.start + 1)


def finding_at(node: Node, code: str, severity: Severity, message: str, related: Iterable[Related] = (),
               data=None, fixes: Iterable[Fix] = (), unnecessary: bool = False) -> Finding:
    """Return a finding on a node: a string's characters inside its quotes, or the whole token."""
    start, end = content_range(node)
    return Finding(code, severity, start, end, message, tuple(related), data, tuple(fixes), unnecessary)


def finding_in_string(policy: Policy, node: Node, start: int, end: int, code: str, severity: Severity, message: str,
                      data=None, fixes: Iterable[Fix] = ()) -> Finding:
    """Return a finding on the characters ``[start, end)`` of a string's decoded value."""
    first, last = string_slice(policy, node, start, end)
    return Finding(code, severity, first, max(last, first + 1), message, data=data, fixes=tuple(fixes))


def string_slice(policy: Policy, node: Node, start: int, end: int) -> tuple[int, int]:
    """Map ``[start, end)`` of a string's decoded value to source offsets."""
    first = source_offset(node, policy.text, start)
    last = source_offset(node, policy.text, end) if end > start else first
    return first, last


def replace_in_string(policy: Policy, node: Node, start: int, end: int, replacement: str, title: str,
                      preferred: bool = False) -> Fix:
    """Return a fix replacing ``[start, end)`` of a string's decoded value; the replacement needs no escapes."""
    first, last = string_slice(policy, node, start, end)
    return Fix(title, (TextEdit(first, last, replacement),), preferred)


def related_to(node: Node, message: str) -> Related:
    return Related(*content_range(node), message)


def type_name(node: Node) -> str:
    return {Kind.OBJECT: "an object", Kind.ARRAY: "an array", Kind.STRING: "a string", Kind.NUMBER: "a number",
            Kind.BOOLEAN: "a boolean", Kind.NULL: "null", Kind.INVALID: "invalid JSON"}[node.kind]
