"""Pull diagnostics: a client that supports textDocument/diagnostic gets diagnostics only that way."""

from lsprotocol import types

from .conftest import EditorClient

# Neovim 0.11 lists textDocument.diagnostic among its capabilities.
PROFILE = "utf-8"

TEXT = '{"version": "2.0", "statement": [{"effect": "allow", "action": "kms:Decrypt", "resource": "qcs::kms:::key/*"}]}'


async def test_pull_reports_findings(client: EditorClient):
    uri = client.new_uri("policy.cam.json")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="json", version=1, text=TEXT))
    )
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )

    assert report.kind == "full"
    assert [item.code for item in report.items] == ["operation-level-resource"]
    assert report.result_id == "1.0"


async def test_pull_unchanged_result(client: EditorClient):
    uri = client.new_uri("policy.cam.json")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="json", version=1, text=TEXT))
    )
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id="1.0")
    )

    assert report.kind == "unchanged"
    assert report.result_id == "1.0"


async def test_pull_client_gets_no_push(client: EditorClient):
    uri = client.new_uri("policy.cam.json")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="json", version=1, text=TEXT))
    )
    # A push client gets diagnostics while the server handles didOpen, so they would arrive before this response.
    await client.round_trip()

    assert [params.uri for params in client.published if params.uri == uri] == []
