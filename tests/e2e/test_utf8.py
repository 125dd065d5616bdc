"""Positions in UTF-8 code units with the Neovim 0.11 capability set, which lists utf-8 first in general.positionEncodings.

Neovim 0.11 supports textDocument/diagnostic, so these tests request diagnostics instead of waiting for them.
Expected characters are counted by hand: U+1F600 (😀) is 4 UTF-8 bytes, and 中 and 文 are 3 bytes each.
"""

from __future__ import annotations

from lsprotocol import types

from .conftest import EditorClient, item_labelled
from .texts import EMOJI_AND_CJK, EMOJI_LINE, HEAD, find, span

PROFILE = "utf-8"


async def test_negotiated_utf8(client: EditorClient):
    assert client.initialize_result.capabilities.position_encoding == types.PositionEncodingKind.Utf8


async def test_diagnostics_pulled_not_pushed(client: EditorClient):
    published = await client.open(EMOJI_LINE)
    await client.round_trip()

    assert client.pulls_diagnostics
    assert [diagnostic.code for diagnostic in published.diagnostics] == ["invalid-action", "operation-level-resource"]
    assert [params for params in client.published if params.uri == published.uri] == []


async def test_emoji_same_line_range(client: EditorClient):
    published = await client.open(EMOJI_LINE)

    [diagnostic] = find(published, "operation-level-resource")
    # "kms:Decrypt" is code points 70-81, and the emoji before it adds three bytes.
    assert diagnostic.range == span(0, 73, 84)


async def test_emoji_string_range(client: EditorClient):
    published = await client.open(EMOJI_AND_CJK)

    invalid = find(published, "invalid-action")
    assert [diagnostic.range for diagnostic in invalid] == [span(5, 18, 22), span(5, 26, 32)]


async def test_action_after_cjk_range(client: EditorClient):
    published = await client.open(EMOJI_AND_CJK)

    [diagnostic] = find(published, "operation-level-resource")
    assert diagnostic.range == span(5, 36, 47)
    assert diagnostic.related_information[0].location.range == span(6, 20, 89)


async def test_crlf_line_numbers(client: EditorClient):
    published = await client.open(EMOJI_AND_CJK.replace("\n", "\r\n"))

    [diagnostic] = find(published, "operation-level-resource")
    assert diagnostic.range == span(5, 36, 47)


async def test_completion_after_emoji(client: EditorClient):
    text, position = client.cursor(HEAD + '"action": ["😀", "kms:Enc|"], "resource": ["*"]}]}')
    published = await client.open(text)

    result = await client.complete(published.uri, position)
    item = item_labelled(result, "kms:Encrypt")

    assert position == types.Position(line=0, character=80)
    assert item.text_edit.range == span(0, 73, 80)
    assert client.accept(text, item) == HEAD + '"action": ["😀", "kms:Encrypt"], "resource": ["*"]}]}'


async def test_completion_after_cjk(client: EditorClient):
    text, position = client.cursor(EMOJI_AND_CJK.replace('"kms:Decrypt"', '"kms:Dec|"'))
    published = await client.open(text)

    result = await client.complete(published.uri, position)

    assert position == types.Position(line=5, character=43)
    assert client.accept(text, item_labelled(result, "kms:Decrypt")) == EMOJI_AND_CJK


async def test_hover_after_emoji(client: EditorClient):
    published = await client.open(EMOJI_LINE)

    result = await client.hover(published.uri, types.Position(line=0, character=77))

    assert result is not None
    assert result.contents.value.startswith("**kms:Decrypt**")
    assert result.range == span(0, 72, 85)


async def test_incremental_edit_after_emoji(client: EditorClient):
    opened = await client.open(EMOJI_AND_CJK)

    # Replace "Decrypt" (bytes 40-47 of line 5) with "Encrypt".
    published = await client.edit(opened.uri, 2, span(5, 40, 47), "Encrypt")

    assert [diagnostic.code for diagnostic in published.diagnostics] == ["invalid-action", "invalid-action"]


async def test_incremental_insert_after_emoji(client: EditorClient):
    opened = await client.open(EMOJI_LINE)

    # Insert "y" after "kms:Decryp" (byte 83), turning the action into "kms:Decrypyt".
    published = await client.edit(opened.uri, 2, span(0, 83, 83), "y")

    [diagnostic] = find(published, "unknown-action")
    assert diagnostic.range == span(0, 77, 85)
