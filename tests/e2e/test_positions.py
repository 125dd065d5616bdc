"""Positions in UTF-16 code units with the VS Code 1.65 capability set, which sends no general.positionEncodings.

Expected characters are counted by hand: U+1F600 (😀) is 2 UTF-16 units, and 中 and 文 are 1 each.
"""

from __future__ import annotations

from lsprotocol import types

from .conftest import EditorClient, item_labelled
from .texts import CRLF, EMOJI_AND_CJK, EMOJI_LINE, HEAD, find, span


def summary(published: types.PublishDiagnosticsParams) -> list[tuple]:
    return [(diagnostic.code, diagnostic.range, diagnostic.message) for diagnostic in published.diagnostics]


async def test_negotiated_utf16(client: EditorClient):
    assert client.encoding == "utf-16"


async def test_emoji_same_line_range(client: EditorClient):
    published = await client.open(EMOJI_LINE)

    [diagnostic] = find(published, "operation-level-resource")
    # "kms:Decrypt" is code points 70-81, and the emoji before it adds one unit.
    assert diagnostic.range == span(0, 71, 82)


async def test_emoji_string_range(client: EditorClient):
    published = await client.open(EMOJI_AND_CJK)

    invalid = find(published, "invalid-action")
    assert [diagnostic.range for diagnostic in invalid] == [span(5, 18, 20), span(5, 24, 26)]


async def test_action_after_cjk_range(client: EditorClient):
    published = await client.open(EMOJI_AND_CJK)

    [diagnostic] = find(published, "operation-level-resource")
    assert diagnostic.range == span(5, 30, 41)
    assert diagnostic.related_information[0].location.range == span(6, 20, 89)


async def test_crlf_line_numbers(client: EditorClient):
    published = await client.open(CRLF)

    assert [diagnostic.code for diagnostic in published.diagnostics] == ["operation-level-resource"]
    assert published.diagnostics[0].range == span(5, 18, 29)
    assert published.diagnostics[0].related_information[0].location.range == span(6, 20, 89)


async def test_lone_cr_line_numbers(client: EditorClient):
    published = await client.open(CRLF.replace("\r\n", "\r"))

    assert published.diagnostics[0].range == span(5, 18, 29)


async def test_completion_after_emoji(client: EditorClient):
    text, position = client.cursor(HEAD + '"action": ["😀", "kms:Enc|"], "resource": ["*"]}]}')
    published = await client.open(text)

    result = await client.complete(published.uri, position)
    item = item_labelled(result, "kms:Encrypt")

    assert position == types.Position(line=0, character=78)
    assert item.text_edit.range == span(0, 71, 78)
    assert client.accept(text, item) == HEAD + '"action": ["😀", "kms:Encrypt"], "resource": ["*"]}]}'


async def test_completion_after_cjk(client: EditorClient):
    marked = EMOJI_AND_CJK.replace('"kms:Decrypt"', '"kms:Dec|"')
    text, position = client.cursor(marked)
    published = await client.open(text)

    result = await client.complete(published.uri, position)

    assert position == types.Position(line=5, character=37)
    assert client.accept(text, item_labelled(result, "kms:Decrypt")) == EMOJI_AND_CJK


async def test_region_completion_crlf(client: EditorClient):
    marked = CRLF.replace(":ap-guangzhou:", ":ap-|:")
    text, position = client.cursor(marked)
    published = await client.open(text)

    result = await client.complete(published.uri, position)
    item = item_labelled(result, "ap-guangzhou")

    assert item.text_edit.range == span(6, 29, 32)
    assert client.accept(text, item) == CRLF


async def test_hover_after_emoji(client: EditorClient):
    published = await client.open(EMOJI_LINE)

    result = await client.hover(published.uri, types.Position(line=0, character=75))

    assert result is not None
    assert result.contents.value.startswith("**kms:Decrypt**")
    # The token with its quotes: code points 69-82.
    assert result.range == span(0, 70, 83)


async def test_incremental_edit_after_emoji(client: EditorClient):
    opened = await client.open(EMOJI_AND_CJK)
    assert len(find(opened, "operation-level-resource")) == 1

    # Replace "Decrypt" (units 34-41 of line 5) with "Encrypt".
    published = await client.edit(opened.uri, 2, span(5, 34, 41), "Encrypt")

    assert [diagnostic.code for diagnostic in published.diagnostics] == ["invalid-action", "invalid-action"]


async def test_incremental_insert_after_emoji(client: EditorClient):
    opened = await client.open(EMOJI_LINE)

    # Insert "y" after "kms:Decryp" (unit 81), turning the action into "kms:Decrypyt".
    published = await client.edit(opened.uri, 2, span(0, 81, 81), "y")

    [diagnostic] = find(published, "unknown-action")
    assert diagnostic.range == span(0, 75, 83)
    assert 'Unknown action "kms:Decrypyt"' in diagnostic.message


async def test_incremental_edit_after_u2028(client: EditorClient):
    # U+2028 (LINE SEPARATOR) is allowed unescaped in a JSON string, and LSP does not count it as a line break.
    text = EMOJI_AND_CJK.replace(
        '"effect": "allow",', '"effect": "allow", "condition": {"string_equal": {"qcs:resource_tag": ["team&a\u2028b"]}},'
    )
    edited = await client.open(text.replace("kms:Decrypt", "kms:Encrypt"))
    opened = await client.open(text)
    assert len(find(opened, "operation-level-resource")) == 1

    # Replace "Decrypt" (units 34-41 of line 5) with "Encrypt".
    published = await client.edit(opened.uri, 2, span(5, 34, 41), "Encrypt")

    assert find(published, "json-syntax") == []
    assert summary(published) == summary(edited)
