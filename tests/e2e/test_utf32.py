"""Positions in code points with the Emacs 29.1 (eglot) capability set, which lists utf-32 first in general.positionEncodings.

In UTF-32 every character is one unit, so U+1F600 (😀), 中 and 文 each count as 1.
"""

from __future__ import annotations

from lsprotocol import types

from .conftest import EditorClient, item_labelled
from .texts import EMOJI_AND_CJK, EMOJI_LINE, HEAD, find, span

PROFILE = "utf-32"


async def test_negotiated_utf32(client: EditorClient):
    assert client.initialize_result.capabilities.position_encoding == types.PositionEncodingKind.Utf32


async def test_emoji_same_line_range(client: EditorClient):
    published = await client.open(EMOJI_LINE)

    [diagnostic] = find(published, "operation-level-resource")
    assert diagnostic.range == span(0, 70, 81)


async def test_emoji_and_cjk_ranges(client: EditorClient):
    published = await client.open(EMOJI_AND_CJK)

    assert [diagnostic.range for diagnostic in find(published, "invalid-action")] == [span(5, 18, 19), span(5, 23, 25)]
    assert [diagnostic.range for diagnostic in find(published, "operation-level-resource")] == [span(5, 29, 40)]


async def test_completion_after_emoji(client: EditorClient):
    text, position = client.cursor(HEAD + '"action": ["😀", "kms:Enc|"], "resource": ["*"]}]}')
    published = await client.open(text)

    result = await client.complete(published.uri, position)
    item = item_labelled(result, "kms:Encrypt")

    assert position == types.Position(line=0, character=77)
    assert item.text_edit.range == span(0, 70, 77)
    assert client.accept(text, item) == HEAD + '"action": ["😀", "kms:Encrypt"], "resource": ["*"]}]}'


async def test_incremental_edit_after_emoji(client: EditorClient):
    opened = await client.open(EMOJI_AND_CJK)

    # Replace "Decrypt" (code points 33-40 of line 5) with "Encrypt".
    published = await client.edit(opened.uri, 2, span(5, 33, 40), "Encrypt")

    assert [diagnostic.code for diagnostic in published.diagnostics] == ["invalid-action", "invalid-action"]


async def test_completion_documentation_plain_text(client: EditorClient):
    text, position = client.cursor(HEAD + '"action": ["kms:Enc|"], "resource": ["*"]}]}')
    published = await client.open(text)

    result = await client.complete(published.uri, position)
    documentation = item_labelled(result, "kms:Encrypt").documentation

    kind = documentation.kind if isinstance(documentation, types.MarkupContent) else types.MarkupKind.PlainText
    assert kind == types.MarkupKind.PlainText
