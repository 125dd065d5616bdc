"""Protocol misuse and hostile input: the server returns an empty result or an error, logs, and keeps serving."""

from pathlib import Path

from lsprotocol import types

from .conftest import EditorClient

TEXT = '{"version": "2.0", "statement": [{"effect": "allow", "action": "kms:Decrypt", "resource": "qcs::kms:::key/*"}]}'

INITIALIZATION_OPTIONS = {"camPolicy": {"inlayHints": "yes"}}


async def still_serving(client: EditorClient) -> None:
    published = await client.open(TEXT)
    assert [item.code for item in published.diagnostics] == ["operation-level-resource"]


async def test_edit_range_past_end(client: EditorClient):
    published = await client.open(TEXT)
    past_end = types.Range(types.Position(40, 0), types.Position(50, 3))

    edited = await client.edit(published.uri, 2, past_end, " ")

    assert [item.code for item in edited.diagnostics] == ["operation-level-resource"]
    await still_serving(client)


async def test_edit_range_reversed(client: EditorClient):
    published = await client.open(TEXT)
    start = TEXT.index("qcs::kms")
    reversed_range = types.Range(types.Position(0, start + 16), types.Position(0, start))

    edited = await client.edit(published.uri, 2, reversed_range, "*")

    assert [item.code for item in edited.diagnostics] == []


async def test_change_before_open_logged(client: EditorClient):
    uri = client.new_uri("never-opened.cam.json")
    since = len(client.log_messages)
    client.send_change(uri, 2, types.TextDocumentContentChangeWholeDocument(text=TEXT))

    message = await client.log_containing("didChange for a document that is not open", since)

    assert uri in message.message
    await still_serving(client)


async def test_cancel_request_keeps_serving(client: EditorClient):
    published = await client.open(TEXT)
    client.protocol.notify("$/cancelRequest", types.CancelParams(id=987654))
    result = await client.hover(published.uri, types.Position(0, TEXT.index("Decrypt")))

    assert "operation level" in result.contents.value


async def test_ten_megabyte_document(client: EditorClient):
    text = '{"version": "2.0", "statement": [' + ('{"effect": "allow", "action": "kms:Encrypt", "resource": "*"},' * 170_000) + "{}]}"
    assert len(text) > 10_000_000

    published = await client.open(text)

    assert [item.code for item in published.diagnostics] == ["document-too-large"]
    assert await client.hover(published.uri, types.Position(0, 60)) is None


async def test_invalid_inlay_hints_setting(client: EditorClient):
    message = await client.until(
        lambda: next((item for item in client.messages if "camPolicy.inlayHints" in item.message), None),
        "a warning about camPolicy.inlayHints")

    assert message.message == "Invalid camPolicy.inlayHints 'yes': expected true or false; using true"


async def test_malformed_extra_catalog(client: EditorClient, tmp_path: Path):
    (tmp_path / "broken.yaml").write_text("service: {abbreviation: demo}\napis: []\n")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"camPolicy": {"extraCatalogs": [str(tmp_path)]}})
    )

    message = await client.until(
        lambda: next((item for item in client.messages if "Invalid extra catalog" in item.message), None),
        "a warning about the extra catalog")

    assert message.type == types.MessageType.Warning
    assert message.message.endswith("broken.yaml: source: missing")
    await still_serving(client)


async def test_extra_catalog_adds_service(client: EditorClient, tmp_path: Path):
    (tmp_path / "demo.yaml").write_text(
        "service: {name: Demo, abbreviation: demo, console_access: true, authorization_by_tag: false,\n"
        "          granularity: resource, ip_restriction: supported}\n"
        "source: {url: 'https://example.invalid/demo', updated: '2026-01-01'}\n"
        "apis:\n  - {name: ListJobs, description: List jobs, category: list, granularity: operation,"
        " resources: ['*'], ip_restriction: true}\n")
    since = len(client.log_messages)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"camPolicy": {"extraCatalogs": [str(tmp_path)]}})
    )
    await client.log_containing("catalog: 2 services, 86 APIs", since)

    published = await client.open('{"version": "2.0", "statement": [{"effect": "allow", "action": "demo:ListJob", "resource": "*"}]}')

    assert [item.code for item in published.diagnostics] == ["unknown-action"]
    assert "did you mean demo:ListJobs?" in published.diagnostics[0].message
