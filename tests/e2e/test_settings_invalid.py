"""Invalid settings with the VS Code 1.65 capability set: one window/showMessage warning per problem, then the defaults.

The tests run in file order and share one server.
"""

from __future__ import annotations

from lsprotocol import types

from .conftest import EditorClient, item_labelled

INITIALIZATION_OPTIONS = {"camPolicy": {"defaultUin": "abc"}}

ENCRYPT_RESOURCE = '{"version": "2.0", "statement": [{"effect": "allow", "action": ["kms:Encrypt"], "resource": [|]}]}'
KEY_TEMPLATE = "qcs::kms:${region}:uin/${uin}:key/creatorUin/${creatorUin}/${keyId}"


async def test_invalid_uin_one_warning(client: EditorClient):
    await client.log_containing("workspace/configuration returned no camPolicy settings")

    assert len(client.messages) == 1
    assert client.messages[0].type == types.MessageType.Warning
    assert "camPolicy.defaultUin 'abc'" in client.messages[0].message


async def test_invalid_uin_logged_warning(client: EditorClient):
    warnings = [message for message in client.log_messages if message.type == types.MessageType.Warning]

    assert len(warnings) == 1
    assert "camPolicy.defaultUin 'abc'" in warnings[0].message


async def test_invalid_uin_falls_back(client: EditorClient):
    text, position = client.cursor(ENCRYPT_RESOURCE)
    published = await client.open(text)

    result = await client.complete(published.uri, position)
    item = item_labelled(result, KEY_TEMPLATE)

    assert "uin/${2:100000000001}" in item.text_edit.new_text
    assert client.accept(text, item) == ENCRYPT_RESOURCE.replace(
        "|", '"qcs::kms:ap-guangzhou:uin/100000000001:key/creatorUin/creatorUin/keyId"'
    )


async def test_repeated_problem_not_shown(client: EditorClient):
    since = len(client.log_messages)

    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"camPolicy": {"defaultUin": "abc"}}))
    # The server logs the problem again, then would show it right after.
    await client.log_containing("camPolicy.defaultUin 'abc'", since)
    await client.round_trip()

    assert len(client.messages) == 1


async def test_invalid_region_new_warning(client: EditorClient):
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"camPolicy": {"defaultRegion": "mars-north-1"}})
    )
    await client.until(lambda: client.messages[1:] or None, "a second window/showMessage")

    assert len(client.messages) == 2
    assert client.messages[1].type == types.MessageType.Warning
    assert "camPolicy.defaultRegion 'mars-north-1'" in client.messages[1].message
