"""Error-tolerant strict-JSON parser with code-point offsets on every node.

The parser reports problems instead of raising, and property tests feed it
arbitrary text. It reports every strict-JSON violation
(comments, trailing or missing commas, unquoted or single-quoted text, control
characters, invalid escapes and numbers, unterminated strings, unclosed
containers) with an exact range, and recovers so that the rest of the document
still yields a tree: a truncated document keeps its nesting, which completion
needs. Duplicate keys are all kept, in order.
"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from cam_policy_ls.edits import TextEdit

MAX_DEPTH = 256
"""Deepest nesting parsed; deeper containers are skipped with an error."""


class Kind(enum.Enum):
    OBJECT = "object"
    ARRAY = "array"
    STRING = "string"
    NUMBER = "number"
    BOOLEAN = "boolean"
    NULL = "null"
    INVALID = "invalid"
    """Text that is not JSON, such as an unquoted word; ``value`` is that text."""


@dataclass(eq=False)
class Node:
    """A JSON value with its ``[start, end)`` code-point offsets in the source text."""

    kind: Kind
    start: int
    end: int
    value: Any = None
    """Decoded value of a scalar: str, int, float, bool or None."""
    parent: Node | None = field(default=None, repr=False)
    items: list[Node] = field(default_factory=list, repr=False)
    """Array items, in order."""
    members: list[Member] = field(default_factory=list, repr=False)
    """Object members, in order, duplicates included."""
    closed: bool = True
    """False for a string without its closing quote or a container without its closing bracket."""
    has_escapes: bool = False
    """True when a string's source text contains backslash escapes."""

    def get(self, key: str) -> Member | None:
        """Return the first member named ``key`` of an object, or None."""
        for member in self.members:
            if member.key.value == key:
                return member
        return None

    @property
    def content_start(self) -> int:
        """Offset of a string's first character after the opening quote."""
        return self.start + 1 if self.kind is Kind.STRING else self.start

    @property
    def content_end(self) -> int:
        """Offset after a string's last character before the closing quote."""
        if self.kind is Kind.STRING and self.closed:
            return self.end - 1
        return self.end


@dataclass(eq=False)
class Member:
    """An object member: key, colon and value, any of which may be missing after an error."""

    key: Node
    """A STRING node, or an INVALID node for an unquoted key."""
    value: Node | None
    colon: int
    """Offset of the colon, or -1 when it is missing."""
    start: int
    end: int
    parent: Node = field(repr=False)


@dataclass(frozen=True)
class SyntaxProblem:
    start: int
    end: int
    message: str
    fix: TextEdit | None = None
    """The edit that certainly repairs this problem, when there is one."""


@dataclass
class ParseResult:
    root: Node | None
    problems: list[SyntaxProblem]
    text: str


class _Token(enum.Enum):
    PUNCT = 1
    STRING = 2
    NUMBER = 3
    WORD = 4
    EOF = 5


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_PLAIN_STRING = re.compile(r'"[^"\\\x00-\x1f]*"')
_ESCAPED_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"')
_WORD = re.compile(r"[^ \t\n\r{}\[\]:,\"]+")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_SINGLE_QUOTED = re.compile(r"'[^'\n\r]*'")
_ESCAPE_CHARS = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_WRONG_LITERALS = {
    "True": "true",
    "TRUE": "true",
    "False": "false",
    "FALSE": "false",
    "None": "null",
    "NULL": "null",
    "Null": "null",
}
_SNIPPET_LENGTH = 40


def _snippet(text: str) -> str:
    return text if len(text) <= _SNIPPET_LENGTH else text[: _SNIPPET_LENGTH - 1] + "…"


def _clean_surrogates(value: str) -> str:
    """Replace lone surrogates, which \\uD800-style escapes can produce, with U+FFFD."""
    return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


class _Scanner:
    """Splits text into tokens and records lexical problems; skips whitespace and comments."""

    def __init__(self, text: str, problems: list[SyntaxProblem]):
        self.text = text
        self.length = len(text)
        self.position = 0
        self.problems = problems

    def _skip_trivia(self) -> None:
        text = self.text
        while True:
            self.position = _WHITESPACE.match(text, self.position).end()
            if not text.startswith("/", self.position):
                return
            start = self.position
            if text.startswith("//", start):
                newline = re.compile(r"[\r\n]").search(text, start)
                end = newline.start() if newline else self.length
            elif text.startswith("/*", start):
                close = text.find("*/", start + 2)
                end = self.length if close < 0 else close + 2
            else:
                return
            self.problems.append(
                SyntaxProblem(start, end, "Comments are not allowed in JSON and CAM rejects them: remove the comment",
                              self._comment_removal(start, end))
            )
            self.position = end

    def _comment_removal(self, start: int, end: int) -> TextEdit:
        """Return an edit removing a comment; a comment alone on its lines goes with its line break."""
        text = self.text
        line_start = start
        while line_start > 0 and text[line_start - 1] in " \t":
            line_start -= 1
        line_end = end
        while line_end < self.length and text[line_end] in " \t":
            line_end += 1
        alone = (line_start == 0 or text[line_start - 1] in "\r\n") and (line_end == self.length or text[line_end] in "\r\n")
        if alone:
            if text.startswith("\r\n", line_end):
                line_end += 2
            elif line_end < self.length:
                line_end += 1
            return TextEdit(line_start, line_end, "")
        return TextEdit(line_start, end, "")

    def next(self) -> tuple[_Token, int, int]:
        self._skip_trivia()
        start = self.position
        if start >= self.length:
            return _Token.EOF, start, start
        char = self.text[start]
        if char in "{}[]:,":
            self.position = start + 1
            return _Token.PUNCT, start, start + 1
        if char == '"':
            return self._string(start)
        if char == "'":
            match = _SINGLE_QUOTED.match(self.text, start)
            if match:
                self.position = match.end()
                return _Token.WORD, start, match.end()
        match = _WORD.match(self.text, start)
        end = match.end() if match else start + 1
        self.position = end
        if char in "-0123456789" and _NUMBER.fullmatch(self.text, start, end):
            return _Token.NUMBER, start, end
        return _Token.WORD, start, end

    def _string(self, start: int) -> tuple[_Token, int, int]:
        match = _PLAIN_STRING.match(self.text, start) or _ESCAPED_STRING.match(self.text, start)
        if match:
            self.position = match.end()
            return _Token.STRING, start, match.end()
        return self._string_with_problems(start)

    def _string_with_problems(self, start: int) -> tuple[_Token, int, int]:
        """Scan a string that breaks a rule, reporting each problem; it ends at its quote or line end."""
        text = self.text
        index = start + 1
        while index < self.length:
            char = text[index]
            if char == '"':
                self.position = index + 1
                return _Token.STRING, start, index + 1
            if char in "\r\n":
                break
            if char == "\\":
                index = self._check_escape(index)
                continue
            if char < " ":
                self.problems.append(
                    SyntaxProblem(index, index + 1, f"Control character U+{ord(char):04X} in a string: write it as an escape such as \\t or \\u{ord(char):04x}")
                )
            index += 1
        self.problems.append(SyntaxProblem(start, index, "Unterminated string: add the closing '\"'"))
        self.position = index
        return _Token.STRING, start, index

    def _check_escape(self, index: int) -> int:
        text = self.text
        following = text[index + 1 : index + 2]
        if following in _ESCAPE_CHARS:
            return index + 2
        if following == "u":
            digits = text[index + 2 : index + 6]
            if re.fullmatch(r"[0-9a-fA-F]{4}", digits):
                return index + 6
            end = index + 2 + len(re.match(r"[0-9a-fA-F]*", digits).group())
            self.problems.append(SyntaxProblem(index, end, "Invalid \\u escape: write four hex digits, as in \\u00e9"))
            return end
        if following in ("", "\r", "\n"):
            return index + 1
        self.problems.append(
            SyntaxProblem(index, index + 2, f"Invalid escape '\\{following}' in a string: JSON escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX, so write a backslash as \\\\")
        )
        return index + 2


def decode_string(raw: str) -> str:
    """Decode the source text of a string token, quotes included; invalid escapes are kept as written."""
    closed = len(raw) >= 2 and raw.endswith('"')
    body = raw[1:-1] if closed else raw[1:]
    if "\\" not in body:
        return body
    try:
        return _clean_surrogates(json.loads('"' + body + '"', strict=False))
    except ValueError:
        return _clean_surrogates("".join(character for _, character in _decode_lenient(body)))


def _decode_lenient(body: str) -> Iterator[tuple[int, str]]:
    """Yield (index in body, decoded character) for each character, keeping invalid escapes as written."""
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            following = body[index + 1]
            if following in _ESCAPE_CHARS:
                yield index, _ESCAPE_CHARS[following]
                index += 2
                continue
            digits = body[index + 2 : index + 6]
            if following == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", digits):
                yield index, chr(int(digits, 16))
                index += 6
                continue
        yield index, char
        index += 1


def source_offset(node: Node, text: str, index: int) -> int:
    """Map an index into a string node's decoded value to an offset in the source text."""
    if not node.has_escapes:
        return min(node.content_start + index, node.content_end)
    body = text[node.content_start : node.content_end]
    decoded = 0
    for body_index, _ in _decode_lenient(body):
        if decoded == index:
            return node.content_start + body_index
        decoded += 1
    return node.content_end


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.problems: list[SyntaxProblem] = []
        self.scanner = _Scanner(text, self.problems)
        self.token = self.scanner.next()
        self.previous_end = 0
        self.missing_closers: list[str] = []
        """Closing brackets still missing at the end of the text, innermost first."""

    def _advance(self) -> tuple[_Token, int, int]:
        token = self.token
        self.previous_end = token[2]
        self.token = self.scanner.next()
        return token

    def _error(self, start: int, end: int, message: str, fix: TextEdit | None = None) -> None:
        self.problems.append(SyntaxProblem(start, end, message, fix))

    def _removal(self, start: int, end: int) -> TextEdit:
        """Return an edit removing ``[start, end)`` and the spaces and tabs before it."""
        while start > 0 and self.text[start - 1] in " \t":
            start -= 1
        return TextEdit(start, end, "")

    def _punct(self) -> str:
        kind, start, _ = self.token
        return self.text[start] if kind is _Token.PUNCT else ""

    def _describe_token(self) -> str:
        kind, start, end = self.token
        if kind is _Token.EOF:
            return "the end of the text"
        return f"'{_snippet(self.text[start:end])}'"

    def parse(self) -> Node | None:
        if self.token[0] is _Token.EOF:
            self._error(0, len(self.text), "Empty document: a CAM policy is a JSON object, {\"version\": \"2.0\", \"statement\": [...]}")
            return None
        root = self._value(None, 0)
        if self.token[0] is not _Token.EOF:
            _, start, _ = self.token
            self._error(start, len(self.text.rstrip(" \t\r\n")), "Unexpected text after the end of the policy: remove it, or wrap the values in one object")
        if self.missing_closers:
            end = len(self.text.rstrip(" \t\r\n"))
            closers = "".join(self.missing_closers)
            fix = f"add '{closers}'" if len(closers) <= 8 else f"add {len(closers)} closing brackets"
            self._error(max(end - 1, 0), end, f"Unexpected end of text: {fix} to close the open brackets")
        return root

    def _value(self, parent: Node | None, depth: int) -> Node | None:
        kind, start, end = self.token
        punct = self._punct()
        if punct in ("{", "["):
            if depth >= MAX_DEPTH:
                return self._skip_container(parent)
            return self._object(parent, depth) if punct == "{" else self._array(parent, depth)
        if kind is _Token.STRING:
            self._advance()
            raw = self.text[start:end]
            node = Node(Kind.STRING, start, end, decode_string(raw), parent)
            node.closed = len(raw) >= 2 and raw.endswith('"')
            node.has_escapes = "\\" in raw
            return node
        if kind is _Token.NUMBER:
            self._advance()
            raw = self.text[start:end]
            number = float(raw) if any(c in raw for c in ".eE") else int(raw)
            return Node(Kind.NUMBER, start, end, number, parent)
        if kind is _Token.WORD:
            self._advance()
            return self._word(parent, start, end)
        self._error(start, end, f"Expected a value, found {self._describe_token()}")
        return None

    def _word(self, parent: Node | None, start: int, end: int) -> Node:
        word = self.text[start:end]
        if word in ("true", "false"):
            return Node(Kind.BOOLEAN, start, end, word == "true", parent)
        if word == "null":
            return Node(Kind.NULL, start, end, None, parent)
        if word in _WRONG_LITERALS:
            message = f"Invalid literal '{word}': JSON literals are lowercase, write {_WRONG_LITERALS[word]}"
        elif word[0] in "-+.0123456789":
            message = f"Invalid number '{_snippet(word)}': write digits without leading zeros, '+' or a bare '.', as in 0.5"
        elif word.startswith("'"):
            message = f"Strings must use double quotes: write \"{_snippet(word[1:-1])}\""
        else:
            message = f"Unexpected text '{_snippet(word)}': write strings in double quotes, as in \"{_snippet(word)}\""
        self._error(start, end, message)
        return Node(Kind.INVALID, start, end, word, parent)

    def _skip_container(self, parent: Node | None) -> Node:
        _, start, _ = self.token
        self._error(start, start + 1, f"Nesting deeper than {MAX_DEPTH} levels: a CAM policy never nests this deep")
        balance = 0
        while self.token[0] is not _Token.EOF:
            punct = self._punct()
            self._advance()
            if punct in ("{", "["):
                balance += 1
            elif punct in ("}", "]"):
                balance -= 1
                if balance == 0:
                    break
        return Node(Kind.INVALID, start, self.previous_end, None, parent)

    def _close(self, node: Node, closing: str, what: str) -> None:
        """Finish a container whose next token is not a value: its closing bracket, a wrong one or the end."""
        kind, start, end = self.token
        punct = self._punct()
        if punct == closing:
            self._advance()
            node.end = end
            return
        node.closed = False
        node.end = self.previous_end if kind is _Token.EOF else start
        if kind is _Token.EOF:
            self.missing_closers.append(closing)
        else:
            self._error(start, end, f"Expected ',' or '{closing}' to close the {what}, found {self._describe_token()}")

    def _separator(self, node: Node, closing: str, what: str) -> bool:
        """Consume the separator after an item. Return False when the container ends here."""
        punct = self._punct()
        if punct == ",":
            comma = self._advance()
            while self._punct() == ",":
                _, start, end = self._advance()
                self._error(start, end, "Extra ',': remove it", TextEdit(start, end, ""))
            if self._punct() == closing:
                self._error(comma[1], comma[2], f"Trailing comma before '{closing}': remove the comma",
                            TextEdit(comma[1], comma[2], ""))
                return False
            return self.token[0] is not _Token.EOF
        if punct == closing or punct in ("}", "]") or self.token[0] is _Token.EOF:
            return False
        _, start, end = self.token
        self._error(start, end, f"Missing ',' before {self._describe_token()}: add a comma after the previous {'member' if what == 'object' else 'item'}",
                    TextEdit(self.previous_end, self.previous_end, ","))
        return True

    def _object(self, parent: Node | None, depth: int) -> Node:
        _, start, _ = self._advance()
        node = Node(Kind.OBJECT, start, start + 1, None, parent)
        while self._punct() == ",":
            _, comma_start, comma_end = self._advance()
            self._error(comma_start, comma_end, "Unexpected ',' at the start of the object: remove it",
                        TextEdit(comma_start, comma_end, ""))
        if self._punct() != "}" and self.token[0] is not _Token.EOF:
            while True:
                member = self._member(node, depth)
                if member is not None:
                    node.members.append(member)
                if not self._separator(node, "}", "object"):
                    break
        self._close(node, "}", "object")
        return node

    def _member(self, node: Node, depth: int) -> Member | None:
        kind, start, end = self.token
        if kind is _Token.STRING:
            key = self._value(node, depth + 1)
        elif kind is _Token.WORD:
            self._advance()
            word = self.text[start:end]
            name = word[1:-1] if word.startswith("'") and len(word) > 1 else word
            self._error(start, end, f"Property names must be in double quotes: write \"{_snippet(name)}\"")
            key = Node(Kind.INVALID, start, end, name, node)
        else:
            self._error(start, end, f"Expected a property name in double quotes, found {self._describe_token()}")
            if self._punct() in ("}", "]", ":") or kind is _Token.EOF:
                if self._punct() == ":":
                    self._advance()
                    self._value(node, depth + 1)
                return None
            self._value(node, depth + 1)
            return None

        colon = -1
        value = None
        if self._punct() == ":":
            colon = self._advance()[1]
            value = self._value(node, depth + 1)
        else:
            found = self._describe_token()
            self._error(key.end, key.end, f"Missing ':' after \"{_snippet(str(key.value))}\", found {found}")
            if self.token[0] in (_Token.STRING, _Token.NUMBER, _Token.WORD) or self._punct() in ("{", "["):
                value = self._value(node, depth + 1)
        if value is not None:
            end = value.end
        elif colon >= 0:
            end = colon + 1
        else:
            end = key.end
        return Member(key, value, colon, key.start, end, node)

    def _array(self, parent: Node | None, depth: int) -> Node:
        _, start, _ = self._advance()
        node = Node(Kind.ARRAY, start, start + 1, None, parent)
        while self._punct() == ",":
            _, comma_start, comma_end = self._advance()
            self._error(comma_start, comma_end, "Unexpected ',' at the start of the array: remove it",
                        TextEdit(comma_start, comma_end, ""))
        if self._punct() != "]" and self.token[0] is not _Token.EOF:
            while True:
                item = self._value(node, depth + 1)
                if item is not None:
                    node.items.append(item)
                elif self._punct() not in ("]", "}", ",") and self.token[0] is not _Token.EOF:
                    self._advance()
                if not self._separator(node, "]", "array"):
                    break
        self._close(node, "]", "array")
        return node


def parse(text: str) -> ParseResult:
    """Parse ``text`` as strict JSON. Problems come back with the tree instead of an exception;
    the property tests feed this arbitrary text."""
    parser = _Parser(text)
    root = parser.parse()
    problems = sorted(parser.problems, key=lambda problem: (problem.start, problem.end))
    return ParseResult(root, problems, text)


def to_python(node: Node | None) -> Any:
    """Convert a node to plain Python values; for duplicate keys the last one wins, as in ``json.loads``."""
    if node is None:
        return None
    if node.kind is Kind.OBJECT:
        return {str(member.key.value): to_python(member.value) for member in node.members}
    if node.kind is Kind.ARRAY:
        return [to_python(item) for item in node.items]
    return node.value
