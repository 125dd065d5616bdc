"""Which open documents the server treats as CAM policies, with the VS Code 1.65 capability set."""

from __future__ import annotations

from lsprotocol import types

from .conftest import EditorClient

PACKAGE_JSON = '{"name": "x", "version": "1.0.0"}'
STATEMENT_ONLY = '{"statement": [{"effect": "allow", "action": ["kms:Decrypt"], "resource": ["qcs::kms::uin/1:key/*"]}]}'
COMMENTED = '{\n  // keys\n  "version": "2.0",\n  "statement": [{"effect": "allow", "action": ["kms:Encrypt"], "resource": ["*"]}]\n}'


def codes(published: types.PublishDiagnosticsParams) -> list[str]:
    return [diagnostic.code for diagnostic in published.diagnostics]


async def test_package_json_no_diagnostics(client: EditorClient):
    published = await client.open(PACKAGE_JSON, name="package.json", language_id="json")

    assert len(published.diagnostics) == 0


async def test_package_json_null_completion(client: EditorClient):
    published = await client.open(PACKAGE_JSON, name="package.json", language_id="json")

    # Inside the value "1.0.0".
    result = await client.complete(published.uri, types.Position(line=0, character=28))

    assert result is None


async def test_package_json_null_hover(client: EditorClient):
    published = await client.open(PACKAGE_JSON, name="package.json", language_id="json")

    # On the key "version".
    result = await client.hover(published.uri, types.Position(line=0, character=17))

    assert result is None


async def test_lowercase_statement_json_policy(client: EditorClient):
    published = await client.open(STATEMENT_ONLY, name="keys.json", language_id="json")

    assert codes(published) == ["missing-element", "operation-level-resource"]
    assert '"version"' in published.diagnostics[0].message


async def test_capitalised_statement_json_ignored(client: EditorClient):
    published = await client.open(STATEMENT_ONLY.replace('"statement"', '"Statement"'), name="keys.json", language_id="json")

    assert len(published.diagnostics) == 0


async def test_version_two_json_policy(client: EditorClient):
    published = await client.open('{"version": "2.0"}', name="empty.json", language_id="json")

    assert codes(published) == ["missing-element"]
    assert '"statement"' in published.diagnostics[0].message


async def test_cam_policy_language_id(client: EditorClient):
    published = await client.open('{"effect": "allow"}', name="Untitled-1", language_id="cam-policy")

    assert codes(published) == ["missing-element", "missing-element", "unknown-element"]


async def test_cam_json_suffix_policy(client: EditorClient):
    published = await client.open(PACKAGE_JSON, name="package.cam.json", language_id="json")

    assert codes(published) == ["missing-element", "unknown-element", "invalid-version"]


async def test_plain_text_not_policy(client: EditorClient):
    published = await client.open(STATEMENT_ONLY, name="notes.txt", language_id="plaintext")

    assert len(published.diagnostics) == 0


async def test_jsonc_comment_still_error(client: EditorClient):
    published = await client.open(COMMENTED, name="policy.jsonc", language_id="jsonc")

    assert codes(published) == ["json-syntax"]
    diagnostic = published.diagnostics[0]
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.range == types.Range(start=types.Position(line=1, character=2), end=types.Position(line=1, character=9))
    assert "Comments are not allowed" in diagnostic.message


async def test_change_makes_json_policy(client: EditorClient):
    opened = await client.open(PACKAGE_JSON, name="draft.json", language_id="json")
    assert len(opened.diagnostics) == 0

    published = await client.change(opened.uri, 2, STATEMENT_ONLY)

    assert codes(published) == ["missing-element", "operation-level-resource"]


async def test_change_makes_json_plain(client: EditorClient):
    opened = await client.open(STATEMENT_ONLY, name="draft.json", language_id="json")
    assert len(opened.diagnostics) == 2

    published = await client.change(opened.uri, 2, PACKAGE_JSON)

    assert len(published.diagnostics) == 0
