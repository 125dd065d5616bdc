"""Text edits in code-point offsets, and applying them to a text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class TextEdit:
    """Replace the text ``[start, end)`` with ``new_text``."""

    start: int
    end: int
    new_text: str


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """Apply non-overlapping edits to ``text``; raise ValueError when two edits overlap."""
    ordered = sorted(edits, key=lambda edit: (edit.start, edit.end))
    parts = []
    position = 0
    for edit in ordered:
        if edit.start < position:
            raise ValueError(f"overlapping edits at offset {edit.start}")
        parts.append(text[position:edit.start])
        parts.append(edit.new_text)
        position = edit.end
    parts.append(text[position:])
    return "".join(parts)
