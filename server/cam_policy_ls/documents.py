"""The text of each open document, kept by the server itself.

LSP breaks lines only at ``\\n``, ``\\r\\n`` and ``\\r``. pygls 2.1 applies
incremental changes to lines split by ``str.splitlines``, which also breaks at
U+2028, U+0085 and other characters, so an edit after such a character lands
on the wrong line. This store applies changes with :class:`LineIndex` instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Iterable

from lsprotocol import types

from cam_policy_ls.positions import LineIndex

log = logging.getLogger(__name__)


@dataclass
class OpenDocument:
    uri: str
    language_id: str
    version: int | None
    text: str


class DocumentStore:
    """Open documents by URI."""

    def __init__(self) -> None:
        self.documents: dict[str, OpenDocument] = {}

    def open(self, item: types.TextDocumentItem) -> None:
        self.documents[item.uri] = OpenDocument(item.uri, item.language_id, item.version, item.text)

    def get(self, uri: str) -> OpenDocument | None:
        return self.documents.get(uri)

    def close(self, uri: str) -> None:
        self.documents.pop(uri, None)

    def change(self, uri: str, version: int | None, changes: Iterable[types.TextDocumentContentChangeEvent],
               encoding: str) -> bool:
        """Apply changes in order; return False, and log, for a document that is not open."""
        document = self.documents.get(uri)
        if document is None:
            log.warning("didChange for a document that is not open: %s", uri)
            return False
        text = document.text
        for change in changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                lines = LineIndex(text)
                start = lines.offset(change.range.start.line, change.range.start.character, encoding)
                end = lines.offset(change.range.end.line, change.range.end.character, encoding)
                if end < start:
                    log.warning("didChange range ends before it starts in %s: %s", uri, change.range)
                    start, end = end, start
                text = text[:start] + change.text + text[end:]
            else:
                text = change.text
        document.text = text
        document.version = version
        return True
