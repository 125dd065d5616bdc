"""Code actions: the quick fixes of the findings in a range, fix-all, and sorting the actions of each statement."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Callable

from cam_policy_ls.catalog import Catalog
from cam_policy_ls.document import analyze_text
from cam_policy_ls.edits import TextEdit, apply_edits
from cam_policy_ls.findings import Finding
from cam_policy_ls.jsonparse import Kind
from cam_policy_ls.layout import is_multiline, line_ending, line_indent
from cam_policy_ls.policy import Policy


MAX_FIX_ROUNDS = 10
"""Rounds of fix-all: a fix skipped for overlapping another applies in the next round."""


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


def fix_all_text(text: str, catalog: Catalog, keep: Callable[[list[Finding]], list[Finding]]) -> str:
    """Return ``text`` with every preferred fix applied, analysing again after each round of fixes.

    ``keep`` filters the findings of each round, as a project configuration does; a fix
    skipped in one round for overlapping another applies in the next. At most
    ``MAX_FIX_ROUNDS`` rounds run.
    """
    for _ in range(MAX_FIX_ROUNDS):
        edits = fix_all_edits(keep(analyze_text(text, catalog).findings))
        if not edits:
            break
        text = apply_edits(text, edits)
    return text


def difference(old: str, new: str) -> TextEdit:
    """Return one edit that turns ``old`` into ``new``, replacing only the part between their common ends."""
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
        suffix += 1
    return TextEdit(prefix, len(old) - suffix, new[prefix:len(new) - suffix])


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


def source_actions(policy: Policy, findings: list[Finding], catalog: Catalog,
                   keep: Callable[[list[Finding]], list[Finding]]) -> list[CodeAction]:
    """Return the document-wide actions that would change the text."""
    actions = []
    if fix_all_edits(findings):
        fixed = fix_all_text(policy.text, catalog, keep)
        if fixed != policy.text:
            actions.append(CodeAction("Fix all certain problems", ActionKind.FIX_ALL, (difference(policy.text, fixed),)))
    sort_edits = sort_actions_edits(policy)
    if sort_edits:
        actions.append(CodeAction("Sort and deduplicate actions", ActionKind.SORT_ACTIONS, tuple(sort_edits)))
    return actions
