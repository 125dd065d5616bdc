"""Code actions: the quick fixes of the findings in a range, fix-all, and sorting the actions of each statement."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from cam_policy_ls.edits import TextEdit
from cam_policy_ls.findings import Finding
from cam_policy_ls.jsonparse import Kind
from cam_policy_ls.layout import is_multiline, line_ending, line_indent
from cam_policy_ls.policy import Policy


class ActionKind(enum.Enum):
    """LSP code action kinds used by the server."""

    QUICK_FIX = "quickfix"
    FIX_ALL = "source.fixAll.camPolicy"
    SORT_ACTIONS = "source.sortActions.camPolicy"


@dataclass(frozen=True)
class CodeAction:
    title: str
    kind: ActionKind
    edits: tuple[TextEdit, ...]
    finding: Finding | None = None
    """The finding this action fixes; None for source actions."""
    preferred: bool = False


def quick_fixes(findings: list[Finding], start: int, end: int) -> list[CodeAction]:
    """Return the quick fixes of the findings that overlap ``[start, end]``."""
    actions = []
    for finding in findings:
        if finding.end < start or finding.start > end:
            continue
        for fix in finding.fixes:
            actions.append(CodeAction(fix.title, ActionKind.QUICK_FIX, fix.edits, finding, fix.preferred))
    return actions


def fix_all_edits(findings: list[Finding]) -> list[TextEdit]:
    """Return the edits of every preferred fix, skipping any fix that overlaps one already taken.

    Skipped fixes apply after a second analysis of the edited text.
    """
    taken: list[TextEdit] = []
    seen_fixes = set()
    for finding in findings:
        preferred = next((fix for fix in finding.fixes if fix.preferred), None)
        if preferred is None or preferred in seen_fixes:
            continue
        if any(_overlaps(edit, other) for edit in preferred.edits for other in taken):
            continue
        seen_fixes.add(preferred)
        taken.extend(preferred.edits)
    return taken


def _overlaps(first: TextEdit, second: TextEdit) -> bool:
    """Return whether two edits touch the same text; two edits at one offset conflict in order."""
    return first.start == second.start or (first.start < second.end and second.start < first.end)


def sort_actions_edits(policy: Policy) -> list[TextEdit]:
    """Return edits that sort the actions of each statement and drop exact repeats, keeping the layout."""
    text = policy.text
    edits = []
    for statement in policy.statements:
        actions = statement.value("action")
        if actions is None or actions.kind is not Kind.ARRAY or not actions.items or not actions.closed:
            continue
        if any(item.kind is not Kind.STRING for item in actions.items):
            continue
        unique = {}
        for item in actions.items:
            unique.setdefault(item.value, text[item.start:item.end])
        ordered = [unique[value] for value in sorted(unique, key=lambda value: (value.removeprefix("name/").lower(), value))]
        current = [text[item.start:item.end] for item in actions.items]
        if ordered == current:
            continue
        first, last = actions.items[0], actions.items[-1]
        if is_multiline(text, actions) and text[actions.start:first.start].strip("[ \t") != "":
            separator = "," + line_ending(text) + line_indent(text, first.start)
        else:
            separator = ", "
        edits.append(TextEdit(first.start, last.end, separator.join(ordered)))
    return edits


def source_actions(policy: Policy, findings: list[Finding]) -> list[CodeAction]:
    """Return the document-wide actions that would change the text."""
    actions = []
    fix_all = fix_all_edits(findings)
    if fix_all:
        actions.append(CodeAction("Fix all certain problems", ActionKind.FIX_ALL, tuple(fix_all)))
    sort_edits = sort_actions_edits(policy)
    if sort_edits:
        actions.append(CodeAction("Sort and deduplicate actions", ActionKind.SORT_ACTIONS, tuple(sort_edits)))
    return actions
