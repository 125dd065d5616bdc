"""Edits that follow the document's own layout: its line ending, indentation and one-line or multi-line style."""

from __future__ import annotations

from typing import Sequence

from cam_policy_ls.edits import TextEdit
from cam_policy_ls.jsonparse import Node

DEFAULT_INDENT = "    "


def line_ending(text: str) -> str:
    """Return the document's line ending: CRLF when it has any, else LF."""
    return "\r\n" if "\r\n" in text else "\n"


def line_indent(text: str, offset: int) -> str:
    """Return the spaces and tabs that start the line containing ``offset``."""
    start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    end = start
    while end < len(text) and text[end] in " \t":
        end += 1
    return text[start:end]


def indent_unit(text: str) -> str:
    """Return one level of indentation as the document writes it: a tab, or its smallest run of spaces."""
    smallest = None
    for line in text.splitlines():
        stripped = line.lstrip(" \t")
        if not stripped or stripped == line:
            continue
        indent = line[: len(line) - len(stripped)]
        if indent.startswith("\t"):
            return "\t"
        if smallest is None or len(indent) < len(smallest):
            smallest = indent
    return smallest or DEFAULT_INDENT


def is_multiline(text: str, node: Node) -> bool:
    return "\n" in text[node.start:node.end] or "\r" in text[node.start:node.end]


def remove_items(array: Node, indexes: Sequence[int]) -> list[TextEdit]:
    """Return edits that remove the items at ``indexes`` from an array with their commas.

    A removed item takes the text up to the next item, so the next item moves into
    its place and keeps the indentation. A removed run at the end takes the text
    from the end of the last kept item instead.
    """
    items = array.items
    removed = sorted(set(indexes))
    edits = []
    run_start = 0
    while run_start < len(removed):
        run_end = run_start
        while run_end + 1 < len(removed) and removed[run_end + 1] == removed[run_end] + 1:
            run_end += 1
        first, last = removed[run_start], removed[run_end]
        if last + 1 < len(items):
            edits.append(TextEdit(items[first].start, items[last + 1].start, ""))
        elif first > 0:
            edits.append(TextEdit(items[first - 1].end, items[last].end, ""))
        else:
            edits.append(TextEdit(items[first].start, items[last].end, ""))
        run_start = run_end + 1
    return edits
