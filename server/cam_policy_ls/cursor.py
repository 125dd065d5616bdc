"""The place of an offset in a parsed policy: key or value, the elements above it, and the text a completion replaces."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from cam_policy_ls.jsonparse import Kind, Member, Node

Path = tuple[object, ...]
_UNTERMINATED_VALUE = re.compile(r'[^\s"\]},]*')


class Slot(enum.Enum):
    KEY = "key"
    VALUE = "value"


@dataclass(frozen=True)
class Cursor:
    """The syntactic place of an offset, for completion and hover."""

    slot: Slot
    path: Path
    """Keys and array indexes from the root to the value, or to the object whose key is at the cursor."""
    node: Node | None
    """The string or bare word under the cursor, if any."""
    container: Node | None
    """The object whose key is at the cursor, or the array or object that contains the value."""
    member: Member | None
    """The object member whose key or value is at the cursor, if any."""
    offset: int
    text: str = field(repr=False, default="")

    @property
    def elements(self) -> tuple[str, ...]:
        """The path without array indexes, such as ``("statement", "action")``."""
        return tuple(part for part in self.path if isinstance(part, str))

    @property
    def in_string(self) -> bool:
        return self.node is not None and self.node.kind is Kind.STRING

    @property
    def replace_range(self) -> tuple[int, int]:
        """The text a completion replaces: a string's characters inside its quotes, a bare word, or nothing.

        An unterminated string runs to the end of its line, so only its characters up to
        the first quote, bracket, comma or space after the cursor are replaced.
        """
        if self.node is None:
            return self.offset, self.offset
        if self.node.kind is Kind.STRING:
            return self.node.content_start, self.string_end
        return self.node.start, self.node.end

    @property
    def string_end(self) -> int:
        """The end of the string under the cursor: its closing quote, or for an unterminated string the end of its value."""
        node = self.node
        if node.closed:
            return node.content_end
        return _UNTERMINATED_VALUE.match(self.text, self.offset, node.end).end()


def _contains(node: Node, offset: int) -> bool:
    if node.kind is Kind.STRING:
        return node.start < offset < node.end or (not node.closed and offset == node.end)
    if node.kind in (Kind.OBJECT, Kind.ARRAY):
        return node.start < offset < node.end or (not node.closed and offset >= node.end and offset > node.start)
    return node.start <= offset <= node.end


def _previous_char(text: str, offset: int) -> tuple[str, int]:
    index = offset - 1
    while index >= 0 and text[index] in " \t\r\n":
        index -= 1
    return (text[index], index) if index >= 0 else ("", -1)


def locate(root: Node | None, text: str, offset: int) -> Cursor | None:
    """Return the cursor at ``offset``, or None outside the root value."""
    if root is None or not _contains(root, offset) or root.kind not in (Kind.OBJECT, Kind.ARRAY):
        return None
    node = root
    path: Path = ()
    while True:
        if node.kind is Kind.OBJECT:
            for member in node.members:
                if _contains(member.key, offset):
                    return Cursor(Slot.KEY, path, member.key, node, member, offset, text)
                value = member.value
                if value is not None and _contains(value, offset):
                    if value.kind in (Kind.OBJECT, Kind.ARRAY):
                        node, path = value, path + (str(member.key.value),)
                        break
                    return Cursor(Slot.VALUE, path + (str(member.key.value),), value, node, member, offset, text)
            else:
                return _between_tokens(node, path, text, offset)
        else:
            for index, item in enumerate(node.items):
                if _contains(item, offset):
                    if item.kind in (Kind.OBJECT, Kind.ARRAY):
                        node, path = item, path + (index,)
                        break
                    return Cursor(Slot.VALUE, path + (index,), item, node, None, offset, text)
            else:
                return _between_tokens(node, path, text, offset)


def _between_tokens(node: Node, path: Path, text: str, offset: int) -> Cursor | None:
    """Return the cursor for an offset in the whitespace of a container.

    None when a value or key cannot start there: right after a complete value, where
    it would need a comma first, or right before a string.
    """
    if text.startswith('"', offset):
        return None
    char, position = _previous_char(text, offset)
    if node.kind is Kind.ARRAY:
        if char not in ("[", ","):
            return None
        index = sum(1 for item in node.items if item.end <= offset)
        return Cursor(Slot.VALUE, path + (index,), None, node, None, offset, text)
    if char == ":":
        for member in node.members:
            if member.colon == position:
                return Cursor(Slot.VALUE, path + (str(member.key.value),), None, node, member, offset, text)
        return None
    if char in ("{", ","):
        return Cursor(Slot.KEY, path, None, node, None, offset, text)
    return None
