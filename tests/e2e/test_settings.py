"""Settings with the VS Code 1.65 capability set, which supports the workspace/configuration request that follows initialized.

The tests run in file order and share one server, so each later test sees the settings of the earlier ones.
The uins differ from 100000000001, the sample uin that templates show when no uin is set.
"""

from __future__ import annotations

from lsprotocol import types

from .conftest import EditorClient, item_labelled

INITIALIZATION_OPTIONS = {"camPolicy": {"defaultUin": "123456789012"}}

ENCRYPT_RESOURCE = '{"version": "2.0", "statement": [{"effect": "allow", "action": ["kms:Encrypt"], "resource": [|]}]}'
KEY_TEMPLATE = "qcs::kms:${region}:uin/${uin}:key/creatorUin/${creatorUin}/${keyId}"


async def accepted_template(client: EditorClient) -> str:
    text, position = client.cursor(ENCRYPT_RESOURCE)
    published = await client.open(text)
    result = await client.complete(published.uri, position)
    return client.accept(text, item_labelled(result, KEY_TEMPLATE))


def with_uin(uin: str) -> str:
    return ENCRYPT_RESOURCE.replace("|", f'"qcs::kms:ap-guangzhou:uin/{uin}:key/creatorUin/creatorUin/keyId"')


async def test_initialization_options_logged(client: EditorClient):
    message = await client.log_containing("settings from initializationOptions")

    assert message.message == "settings from initializationOptions: default uin set, default region unset"


async def test_initialization_options_uin_kept(client: EditorClient):
    await client.log_containing("workspace/configuration returned no camPolicy settings")

    assert await accepted_template(client) == with_uin("123456789012")


async def test_valid_settings_no_message(client: EditorClient):
    await client.log_containing("workspace/configuration returned no camPolicy settings")

    assert client.messages == []


async def test_configuration_pull_uin(client: EditorClient):
    client.set_configuration({"defaultUin": "223456789012"}, section="camPolicy")
    since = len(client.log_messages)

    # A notification without the section makes the server request workspace/configuration.
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await client.log_containing("settings from workspace/configuration", since)

    assert await accepted_template(client) == with_uin("223456789012")


async def test_configuration_push_uin(client: EditorClient):
    since = len(client.log_messages)

    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"camPolicy": {"defaultUin": "323456789012", "defaultRegion": "ap-tokyo"}})
    )
    message = await client.log_containing("settings from workspace/didChangeConfiguration", since)

    assert message.message == "settings from workspace/didChangeConfiguration: default uin set, default region ap-tokyo"
    assert await accepted_template(client) == with_uin("323456789012").replace("ap-guangzhou", "ap-tokyo")
