"""End-to-end fixture: the real server process over stdio, driven by a client that acts as an editor.

Every test module gets its own server. A module chooses the client with a
module-level ``PROFILE`` (a key of ``PROFILES``, "vscode" when absent) and may
set ``INITIALIZATION_OPTIONS``. The client records every notification, so a
test awaits the one it needs instead of sleeping. A client that supports
textDocument/diagnostic requests diagnostics instead, as Neovim 0.10 and later do.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import sys
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

SERVER_COMMAND = [sys.executable, "-m", "cam_policy_ls", "serve"]
NOTIFICATION_TIMEOUT_SECONDS = 10.0
"""Maximum wait for one expected notification. The server publishes diagnostics 150 ms after the last change."""

CURSOR = "|"
"""Cursor mark in test texts. No policy in these tests contains it."""

T = TypeVar("T")


@dataclass(frozen=True)
class Profile:
    """A client as it introduces itself in initialize."""

    capabilities: str
    """pytest-lsp capability snapshot, as in "neovim@v0.7.0"."""
    name: str
    version: str


PROFILES = {
    # VS Code 1.65 sends no general.positionEncodings, so it gets UTF-16.
    "vscode": Profile("visual-studio-code@v1.65.2", "Visual Studio Code", "1.65.2"),
    # Neovim 0.7 sends no positionEncodings, no snippet support and no workspace.configuration.
    "neovim-0.7": Profile("neovim@v0.7.0", "Neovim", "0.7.0"),
    # Neovim 0.11 lists utf-8 first in general.positionEncodings.
    "utf-8": Profile("neovim@v0.11.0", "Neovim", "0.11.0"),
    # Emacs 29.1 with eglot lists utf-32 first in general.positionEncodings.
    "utf-32": Profile("emacs@v29.1", "Emacs (eglot)", "29.1"),
}

_ENCODINGS = {"utf-8": "utf-8", "utf-16": "utf-16-le", "utf-32": "utf-32-le"}
_UNIT_BYTES = {"utf-8": 1, "utf-16": 2, "utf-32": 4}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class EditorClient(LanguageClient):
    """A pytest-lsp client that records diagnostics and messages from the server and edits text like an editor."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.published: list[types.PublishDiagnosticsParams] = []
        """Every textDocument/publishDiagnostics received, in order."""
        self.initialize_result: types.InitializeResult | None = None
        self.encoding = "utf-16"
        """Position encoding that the server chose in initialize."""
        self.pulls_diagnostics = False
        """Whether both sides support textDocument/diagnostic, so the client requests diagnostics instead of
        waiting for textDocument/publishDiagnostics."""
        self._waiters: list[asyncio.Future] = []
        self._uris = itertools.count(1)

    @classmethod
    def create(cls) -> EditorClient:
        client = cls(converter_factory=default_converter)
        features = dict(DEFAULT_CLIENT_FEATURES)
        for method in (types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, types.WINDOW_LOG_MESSAGE, types.WINDOW_SHOW_MESSAGE):
            features[method] = _recording(method, DEFAULT_CLIENT_FEATURES[method])
        register_lsp_features(client, features)
        return client

    def wake(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def until(self, find: Callable[[], T | None], what: str) -> T:
        """Wait until ``find`` returns a value other than None, checking again after each notification."""

        async def poll() -> T:
            while True:
                found = find()
                if found is not None:
                    return found
                waiter = asyncio.get_running_loop().create_future()
                self._waiters.append(waiter)
                await waiter

        try:
            return await asyncio.wait_for(poll(), NOTIFICATION_TIMEOUT_SECONDS)
        except asyncio.TimeoutError:
            raise AssertionError(f"timed out after {NOTIFICATION_TIMEOUT_SECONDS} s waiting for {what}") from None

    async def diagnostics_after(self, mark: int, uri: str, version: int | None) -> types.PublishDiagnosticsParams:
        """Wait for the first diagnostics of ``uri`` and ``version`` published after ``published[mark]``."""

        def find() -> types.PublishDiagnosticsParams | None:
            for params in self.published[mark:]:
                if params.uri == uri and params.version == version:
                    return params
            return None

        return await self.until(find, f"diagnostics of {uri} version {version}")

    async def pull(self, uri: str, version: int | None) -> types.PublishDiagnosticsParams:
        """Request the diagnostics of ``uri`` with textDocument/diagnostic and label them with ``version``, the last one sent."""
        report = await self.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport), f"expected a full report, got {report}"
        return types.PublishDiagnosticsParams(uri=uri, diagnostics=report.items, version=version)

    async def diagnostics_of(self, mark: int, uri: str, version: int | None) -> types.PublishDiagnosticsParams:
        """Return the diagnostics of ``uri`` at ``version``: requested from a pull client, awaited by a push client."""
        if self.pulls_diagnostics:
            return await self.pull(uri, version)
        return await self.diagnostics_after(mark, uri, version)

    async def log_containing(self, text: str, since: int = 0) -> types.LogMessageParams:
        """Wait for a window/logMessage after ``log_messages[since]`` whose message contains ``text``."""

        def find() -> types.LogMessageParams | None:
            return next((message for message in self.log_messages[since:] if text in message.message), None)

        return await self.until(find, f"a window/logMessage containing {text!r}")

    async def round_trip(self) -> None:
        """Send a request and await its response: the server handles messages in order, so every notification
        that it sent while handling earlier messages has arrived by then."""
        await self.hover("file:///e2e/round-trip.cam.json", types.Position(line=0, character=0))

    def new_uri(self, name: str) -> str:
        return f"file:///e2e/{next(self._uris):04d}/{name}"

    async def open(self, text: str, name: str = "policy.cam.json", language_id: str = "json") -> types.PublishDiagnosticsParams:
        """Open a new document, version 1, under a fresh URI ending in ``name`` and return its diagnostics."""
        uri = self.new_uri(name)
        mark = len(self.published)
        self.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id=language_id, version=1, text=text))
        )
        return await self.diagnostics_of(mark, uri, 1)

    def send_change(self, uri: str, version: int, change: types.TextDocumentContentChangeEvent) -> None:
        self.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[change],
            )
        )

    async def change(self, uri: str, version: int, text: str) -> types.PublishDiagnosticsParams:
        """Replace the whole text and return the diagnostics of ``version``."""
        mark = len(self.published)
        self.send_change(uri, version, types.TextDocumentContentChangeWholeDocument(text=text))
        return await self.diagnostics_of(mark, uri, version)

    async def edit(self, uri: str, version: int, edit_range: types.Range, text: str) -> types.PublishDiagnosticsParams:
        """Send one incremental change and return the diagnostics of ``version``."""
        mark = len(self.published)
        self.send_change(uri, version, types.TextDocumentContentChangePartial(range=edit_range, text=text))
        return await self.diagnostics_of(mark, uri, version)

    async def close(self, uri: str) -> types.PublishDiagnosticsParams:
        """Close a document and return the diagnostics that the server publishes for it, without a version."""
        mark = len(self.published)
        self.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))
        return await self.diagnostics_after(mark, uri, None)

    async def complete(self, uri: str, position: types.Position) -> types.CompletionList | None:
        return await self.text_document_completion_async(
            types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
        )

    async def hover(self, uri: str, position: types.Position) -> types.Hover | None:
        return await self.text_document_hover_async(
            types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position)
        )

    def units(self, text: str) -> int:
        """Count the code units of ``text`` in the negotiated encoding."""
        return len(text.encode(_ENCODINGS[self.encoding])) // _UNIT_BYTES[self.encoding]

    def position_at(self, text: str, offset: int) -> types.Position:
        """Convert a code-point offset into ``text`` to an LSP position in the negotiated encoding."""
        starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text, 0, offset)]
        line_start = starts[-1]
        return types.Position(line=len(starts) - 1, character=self.units(text[line_start:offset]))

    def offset_at(self, text: str, position: types.Position) -> int:
        """Convert an LSP position in the negotiated encoding to a code-point offset into ``text``."""
        line_starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]
        offset = line_starts[position.line]
        units = 0
        while units < position.character:
            units += self.units(text[offset])
            offset += 1
        assert units == position.character, f"{position} falls inside a character"
        return offset

    def cursor(self, marked: str) -> tuple[str, types.Position]:
        """Split a text with one CURSOR mark into the text without it and the mark's position."""
        assert marked.count(CURSOR) == 1, "a test text needs exactly one cursor mark"
        offset = marked.index(CURSOR)
        text = marked.replace(CURSOR, "")
        return text, self.position_at(text, offset)

    def apply(self, text: str, edit: types.TextEdit) -> str:
        """Return ``text`` with ``edit`` applied, snippet syntax and all."""
        start = self.offset_at(text, edit.range.start)
        end = self.offset_at(text, edit.range.end)
        return text[:start] + edit.new_text + text[end:]

    def accept(self, text: str, item: types.CompletionItem) -> str:
        """Return ``text`` after accepting ``item`` as an editor does: apply its edit and expand its snippet."""
        assert isinstance(item.text_edit, types.TextEdit), f"item {item.label!r} has no TextEdit"
        edit = item.text_edit
        if item.insert_text_format == types.InsertTextFormat.Snippet:
            edit = types.TextEdit(range=edit.range, new_text=expand_snippet(edit.new_text))
        return self.apply(text, edit)


def expand_snippet(snippet: str) -> str:
    """Expand LSP snippet syntax as an editor does before the user types: choices give their first option,
    placeholders their default text, and bare tab stops nothing."""
    text = re.sub(r"\$\{\d+\|([^,|}]*)[^}]*\}", r"\1", snippet)
    text = re.sub(r"\$\{\d+:([^}]*)\}", r"\1", text)
    return re.sub(r"\$\d+", "", text)


def item_labelled(result: types.CompletionList | None, label: str) -> types.CompletionItem:
    assert result is not None, "completion returned null"
    matches = [item for item in result.items if item.label == label]
    assert len(matches) == 1, f"expected one item {label!r}, got labels {[item.label for item in result.items]}"
    return matches[0]


def _recording(method: str, default: Callable[[EditorClient, Any], Any]) -> Callable[[EditorClient, Any], Any]:
    """Wrap pytest-lsp's handler of a notification so that the client keeps it and wakes waiting tests."""

    def handler(client: EditorClient, params: Any) -> Any:
        result = default(client, params)
        if method == types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS:
            client.published.append(params)
        client.wake()
        return result

    return handler


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=SERVER_COMMAND, client_factory=EditorClient.create),
    scope="module",
)
async def client(lsp_client: EditorClient, request: pytest.FixtureRequest):
    profile = PROFILES[getattr(request.module, "PROFILE", "vscode")]
    result = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(profile.capabilities),
            client_info=types.ClientInfo(name=profile.name, version=profile.version),
            initialization_options=getattr(request.module, "INITIALIZATION_OPTIONS", None),
        )
    )
    lsp_client.initialize_result = result
    encoding = result.capabilities.position_encoding
    lsp_client.encoding = str(getattr(encoding, "value", encoding or "utf-16"))
    text_document = lsp_client.capabilities.text_document
    client_pulls = text_document is not None and text_document.diagnostic is not None
    lsp_client.pulls_diagnostics = client_pulls and result.capabilities.diagnostic_provider is not None
    yield
    await lsp_client.shutdown_session()
