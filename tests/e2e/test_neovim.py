"""The Neovim 0.7 capability set: UTF-16 positions, no snippet support and no workspace/configuration.

Expected characters are counted by hand: U+1F600 (😀) is 2 UTF-16 units, and 中 and 文 are 1 each.
Neovim 0.7 does not support workspace/configuration requests, so the settings from initializationOptions stay in force.
"""

from __future__ import annotations

from lsprotocol import types

from .conftest import EditorClient, item_labelled
from .texts import EMOJI_AND_CJK, EMOJI_LINE, HEAD, find, span

PROFILE = "neovim-0.7"
INITIALIZATION_OPTIONS = {"camPolicy": {"defaultUin": "123456789012", "defaultRegion": "ap-shanghai"}}

KEY_TEMPLATE = "qcs::kms:${region}:uin/${uin}:key/creatorUin/${creatorUin}/${keyId}"


async def complete_at(client: EditorClient, marked: str) -> tuple[str, types.CompletionList | None]:
    text, position = client.cursor(marked)
    published = await client.open(text)
    return text, await client.complete(published.uri, position)


async def test_negotiated_utf16(client: EditorClient):
    assert client.encoding == "utf-16"


async def test_emoji_same_line_range(client: EditorClient):
    published = await client.open(EMOJI_LINE)

    [diagnostic] = find(published, "operation-level-resource")
    assert diagnostic.range == span(0, 71, 82)


async def test_emoji_and_cjk_ranges(client: EditorClient):
    published = await client.open(EMOJI_AND_CJK)

    assert [diagnostic.range for diagnostic in find(published, "invalid-action")] == [span(5, 18, 20), span(5, 24, 26)]
    assert [diagnostic.range for diagnostic in find(published, "operation-level-resource")] == [span(5, 30, 41)]


async def test_crlf_line_numbers(client: EditorClient):
    published = await client.open(EMOJI_AND_CJK.replace("\n", "\r\n"))

    [diagnostic] = find(published, "operation-level-resource")
    assert diagnostic.range == span(5, 30, 41)


async def test_completion_after_emoji(client: EditorClient):
    text, result = await complete_at(client, HEAD + '"action": ["😀", "kms:Enc|"], "resource": ["*"]}]}')
    item = item_labelled(result, "kms:Encrypt")

    assert item.text_edit.range == span(0, 71, 78)
    assert client.accept(text, item) == HEAD + '"action": ["😀", "kms:Encrypt"], "resource": ["*"]}]}'


async def test_incremental_edit_after_emoji(client: EditorClient):
    opened = await client.open(EMOJI_AND_CJK)

    published = await client.edit(opened.uri, 2, span(5, 34, 41), "Encrypt")

    assert [diagnostic.code for diagnostic in published.diagnostics] == ["invalid-action", "invalid-action"]


async def test_resource_template_plain_text(client: EditorClient):
    _, result = await complete_at(client, HEAD + '"action": ["kms:Encrypt"], "resource": ["|"]}]}')
    item = item_labelled(result, KEY_TEMPLATE)

    assert item.insert_text_format == types.InsertTextFormat.PlainText
    assert item.text_edit.new_text == "qcs::kms:ap-shanghai:uin/123456789012:key/creatorUin/<creatorUin>/<keyId>"


async def test_resource_template_accepted(client: EditorClient):
    text, result = await complete_at(client, HEAD + '"action": ["kms:Encrypt"], "resource": [|]}]}')

    accepted = client.accept(text, item_labelled(result, KEY_TEMPLATE))

    assert accepted == HEAD + (
        '"action": ["kms:Encrypt"], "resource": ["qcs::kms:ap-shanghai:uin/123456789012:key/creatorUin/<creatorUin>/<keyId>"]}]}'
    )


async def test_service_prefix_plain_text(client: EditorClient):
    text, result = await complete_at(client, HEAD + '"action": [|], "resource": ["*"]}]}')
    item = item_labelled(result, "kms:")

    assert item.insert_text_format == types.InsertTextFormat.PlainText
    assert item.command is None
    assert client.accept(text, item) == HEAD + '"action": ["kms:"], "resource": ["*"]}]}'


async def test_statement_key_plain_text(client: EditorClient):
    text, result = await complete_at(client, '{"version": "2.0", "statement": [{"effect": "allow", |}]}')
    item = item_labelled(result, "resource")

    assert item.insert_text_format == types.InsertTextFormat.PlainText
    assert client.accept(text, item) == '{"version": "2.0", "statement": [{"effect": "allow", "resource": }]}'


async def test_empty_document_skeleton(client: EditorClient):
    text, result = await complete_at(client, "|")
    item = item_labelled(result, "CAM policy")

    assert item.insert_text_format == types.InsertTextFormat.PlainText
    assert client.accept(text, item) == (
        '{\n\t"version": "2.0",\n\t"statement": [\n\t\t{\n\t\t\t"effect": "allow",\n\t\t\t"action": [""],\n'
        '\t\t\t"resource": ["*"]\n\t\t}\n\t]\n}'
    )


async def test_no_configuration_request_logged(client: EditorClient):
    messages = [message.message for message in client.log_messages]

    assert "settings from initializationOptions: default uin set, default region ap-shanghai" in messages
    assert not any("workspace/configuration" in message for message in messages)
