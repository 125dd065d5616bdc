"""Conversion between code-point offsets and LSP positions in UTF-8, UTF-16 or UTF-32 units.

Offsets inside the analysis are code-point indexes into the document text.
LSP positions count ``character`` in the units the client negotiated (UTF-16
when it negotiated nothing). Lines end at ``\\n``, ``\\r\\n`` or ``\\r``, as LSP
defines them.
"""

from __future__ import annotations

import bisect
import re

UTF8 = "utf-8"
UTF16 = "utf-16"
UTF32 = "utf-32"

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _units(text: str, encoding: str) -> int:
    """Count the code units of ``text`` in ``encoding``."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF16:
        return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)
    return len(text.encode("utf-8", "surrogatepass"))


class LineIndex:
    """Line start offsets of one text, built once per document version."""

    def __init__(self, text: str):
        self.text = text
        self.line_starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]

    def line_end(self, line: int) -> int:
        """Return the offset of the end of ``line``, before its line break."""
        if line + 1 < len(self.line_starts):
            end = self.line_starts[line + 1]
            while end > self.line_starts[line] and self.text[end - 1] in "\r\n":
                end -= 1
            return end
        return len(self.text)

    def position(self, offset: int, encoding: str = UTF16) -> tuple[int, int]:
        """Return the (line, character) of a code-point offset, clamped to the text."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.line_starts, offset) - 1
        start = self.line_starts[line]
        offset = min(offset, self.line_end(line))
        return line, _units(self.text[start:offset], encoding)

    def offset(self, line: int, character: int, encoding: str = UTF16) -> int:
        """Return the code-point offset of an LSP position.

        A line past the end gives the end of the text, and a character past the end
        of its line gives the end of that line. A character inside a multi-unit
        code point gives the offset of that code point's end.
        """
        if line < 0:
            return 0
        if line >= len(self.line_starts):
            return len(self.text)
        start = self.line_starts[line]
        end = self.line_end(line)
        segment = self.text[start:end]
        if encoding == UTF32 or segment.isascii():
            return start + max(0, min(character, len(segment)))
        units = 0
        for index, char in enumerate(segment):
            if units >= character:
                return start + index
            units += _units(char, encoding)
        return end
