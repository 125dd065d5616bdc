"""Requests the server must survive with the VS Code 1.65 capability set: unknown documents, positions past the end,
and real published policies.

Real policies are read at run time from a folder next to the repository root, and those tests skip when it is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cam_policy_ls.diagnostics import CODES
from lsprotocol import types

from .conftest import EditorClient

REAL_WORLD = Path(__file__).resolve().parents[3] / "shared" / "cases" / "real-world"
POLICY = '{\n  "version": "2.0",\n  "statement": [{"effect": "allow", "action": ["kms:Encrypt"], "resource": ["*"]}]\n}\n'


def real_world_cases() -> list:
    if not REAL_WORLD.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no real-world policies at {REAL_WORLD}"))]
    return [pytest.param(path, id=path.stem) for path in sorted(REAL_WORLD.glob("*.json"))]


def error_logs(client: EditorClient, since: int) -> list[str]:
    return [message.message for message in client.log_messages[since:] if message.type == types.MessageType.Error]


def line_units(client: EditorClient, text: str) -> list[int]:
    return [client.units(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


async def test_unopened_completion_null(client: EditorClient):
    result = await client.complete("file:///e2e/never-opened.cam.json", types.Position(line=0, character=0))

    assert result is None


async def test_unopened_hover_null(client: EditorClient):
    result = await client.hover("file:///e2e/never-opened.cam.json", types.Position(line=0, character=0))

    assert result is None


async def test_line_past_end_completion(client: EditorClient):
    published = await client.open(POLICY)

    result = await client.complete(published.uri, types.Position(line=99, character=0))

    assert result is not None
    assert len(result.items) == 0


async def test_character_past_end_completion(client: EditorClient):
    published = await client.open(POLICY)

    # Line 3 is "}". A character past its end is clamped to the end of the line, after the root object.
    result = await client.complete(published.uri, types.Position(line=3, character=500))

    assert result is not None
    assert len(result.items) == 0


async def test_line_past_end_hover(client: EditorClient):
    published = await client.open(POLICY)

    result = await client.hover(published.uri, types.Position(line=99, character=99))

    assert result is None


async def test_character_past_end_hover(client: EditorClient):
    published = await client.open(POLICY)

    result = await client.hover(published.uri, types.Position(line=1, character=500))

    assert result is None


async def test_closed_document_null(client: EditorClient):
    published = await client.open(POLICY)
    await client.close(published.uri)

    result = await client.complete(published.uri, types.Position(line=2, character=52))

    assert result is None


async def test_unopened_change_survives(client: EditorClient):
    since = len(client.log_messages)
    client.send_change("file:///e2e/never-opened-change.cam.json", 2, types.TextDocumentContentChangeWholeDocument(text=POLICY))

    published = await client.open(POLICY)

    assert len(published.diagnostics) == 0
    assert error_logs(client, since) == []


async def test_empty_document_syntax(client: EditorClient):
    published = await client.open("")

    assert [diagnostic.code for diagnostic in published.diagnostics] == ["json-syntax"]


async def test_whitespace_document(client: EditorClient):
    published = await client.open("\n\n   \n")

    assert [diagnostic.code for diagnostic in published.diagnostics] == ["json-syntax"]


async def test_close_cancels_pending_publish(client: EditorClient):
    opened = await client.open(POLICY)
    client.send_change(opened.uri, 2, types.TextDocumentContentChangeWholeDocument(text=POLICY.replace("Encrypt", "Decrypy")))
    closed = await client.close(opened.uri)
    mark = len(client.published)

    # Another document's change is published one debounce delay after this point, later than any
    # publish still pending for the closed document would be.
    other = await client.open(POLICY)
    await client.change(other.uri, 2, POLICY)

    assert len(closed.diagnostics) == 0
    assert [params for params in client.published[mark:] if params.uri == opened.uri] == []


async def test_too_large_document_skipped(client: EditorClient):
    text = '{"version": "2.0", "statement": [' + " " * 2_499_965 + "]}"
    assert len(text) == 2_500_000

    published = await client.open(text)

    assert [diagnostic.code for diagnostic in published.diagnostics] == ["document-too-large"]
    assert published.diagnostics[0].severity == types.DiagnosticSeverity.Warning
    assert published.diagnostics[0].range == types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=1))
    assert "2,500,000 characters" in published.diagnostics[0].message
    assert await client.complete(published.uri, types.Position(line=0, character=34)) is None


@pytest.mark.parametrize("path", real_world_cases())
async def test_real_world_opens(client: EditorClient, path: Path):
    text = path.read_text(encoding="utf-8")
    since = len(client.log_messages)

    published = await client.open(text, name=path.name, language_id="json")

    assert published.version == 1
    assert error_logs(client, since) == []


@pytest.mark.parametrize("path", real_world_cases())
async def test_real_world_diagnostics_valid(client: EditorClient, path: Path):
    text = path.read_text(encoding="utf-8")
    widths = line_units(client, text)

    published = await client.open(text, name=path.name, language_id="cam-policy")

    for diagnostic in published.diagnostics:
        assert diagnostic.code in CODES
        assert diagnostic.source == "cam-policy"
        assert diagnostic.range.end.line < len(widths)
        assert diagnostic.range.end.character <= widths[diagnostic.range.end.line]
        assert (diagnostic.range.start.line, diagnostic.range.start.character) < (diagnostic.range.end.line, diagnostic.range.end.character)


@pytest.mark.parametrize("path", real_world_cases())
async def test_real_world_requests_answer(client: EditorClient, path: Path):
    text = path.read_text(encoding="utf-8")
    since = len(client.log_messages)
    published = await client.open(text, name=path.name, language_id="cam-policy")
    failures = []

    for line, width in enumerate(line_units(client, text)):
        for character in range(0, width + 1, 3):
            position = types.Position(line=line, character=character)
            try:
                await client.complete(published.uri, position)
                await client.hover(published.uri, position)
            except Exception as error:
                failures.append((line, character, repr(error)))

    assert failures == []
    assert error_logs(client, since) == []
