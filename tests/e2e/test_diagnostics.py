"""Diagnostics over the protocol with the VS Code 1.65 capability set: publish on open, change and close."""

from __future__ import annotations

from lsprotocol import types

from .conftest import EditorClient

DECRYPT_ONE_KEY = """\
{
  "version": "2.0",
  "statement": [
    {
      "effect": "EFFECT",
      "action": ["name/kms:Decrypt"],
      "resource": ["qcs::kms:ap-guangzhou:uin/100000000001:key/creatorUin/100000000001/k1"]
    }
  ]
}
"""
# "name/kms:Decrypt" spans characters 18-34 of line 5, and the resource spans 20-89 of line 6.
ACTION_RANGE = types.Range(start=types.Position(line=5, character=18), end=types.Position(line=5, character=34))
RESOURCE_RANGE = types.Range(start=types.Position(line=6, character=20), end=types.Position(line=6, character=89))

SYNTAX_ERRORS = """\
{
  "version": "2.0",
  // read and write keys
  "statement": [
    {
      "effect": "allow",
      "action": ["kms:Encrypt" "kms:GenerateDataKey",],
      "resource": ["*"],
    },
    {
      "effect": "allow",
      "action": ["kms:Decrypy"],
      "resource": ["*"]
    }
  ]
}
"""


def span(line: int, start: int, end: int) -> types.Range:
    return types.Range(start=types.Position(line=line, character=start), end=types.Position(line=line, character=end))


async def test_operation_level_allow_error(client: EditorClient):
    published = await client.open(DECRYPT_ONE_KEY.replace("EFFECT", "allow"))

    assert len(published.diagnostics) == 1
    diagnostic = published.diagnostics[0]
    assert diagnostic.code == "operation-level-resource"
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.source == "cam-policy"
    assert diagnostic.range == ACTION_RANGE
    assert '"kms:Decrypt" is an operation-level API' in diagnostic.message
    assert "this allow grants nothing for it" in diagnostic.message


async def test_operation_level_related_resource(client: EditorClient):
    published = await client.open(DECRYPT_ONE_KEY.replace("EFFECT", "allow"))

    related = published.diagnostics[0].related_information
    assert related is not None
    assert len(related) == 1
    assert related[0].location.uri == published.uri
    assert related[0].location.range == RESOURCE_RANGE
    assert related[0].message == 'specific resource that "kms:Decrypt" cannot match'


async def test_operation_level_deny_warning(client: EditorClient):
    published = await client.open(DECRYPT_ONE_KEY.replace("EFFECT", "deny"))

    assert len(published.diagnostics) == 1
    diagnostic = published.diagnostics[0]
    assert diagnostic.code == "operation-level-resource"
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert diagnostic.range == ACTION_RANGE
    assert "this deny does not deny it" in diagnostic.message


async def test_change_to_star_clears(client: EditorClient):
    text = DECRYPT_ONE_KEY.replace("EFFECT", "allow")
    opened = await client.open(text)
    assert len(opened.diagnostics) == 1

    fixed = text.replace('"resource": ["qcs::kms:ap-guangzhou:uin/100000000001:key/creatorUin/100000000001/k1"]',
                         '"resource": ["*"]')
    published = await client.change(opened.uri, 2, fixed)

    assert published.version == 2
    assert len(published.diagnostics) == 0
    assert len(client.diagnostics[opened.uri]) == 0


async def test_change_reintroduces_error(client: EditorClient):
    text = DECRYPT_ONE_KEY.replace("EFFECT", "allow")
    opened = await client.open(text.replace('"action": ["name/kms:Decrypt"]', '"action": ["name/kms:Encrypt"]'))
    assert len(opened.diagnostics) == 0

    published = await client.change(opened.uri, 2, text)

    assert published.version == 2
    assert [diagnostic.code for diagnostic in published.diagnostics] == ["operation-level-resource"]
    assert published.diagnostics[0].range == ACTION_RANGE


async def test_close_publishes_empty(client: EditorClient):
    opened = await client.open(DECRYPT_ONE_KEY.replace("EFFECT", "allow"))
    assert len(opened.diagnostics) == 1

    published = await client.close(opened.uri)

    assert len(published.diagnostics) == 0
    assert published.version is None


async def test_syntax_errors_exact_ranges(client: EditorClient):
    published = await client.open(SYNTAX_ERRORS)

    syntax = [(diagnostic.range, diagnostic.message) for diagnostic in published.diagnostics if diagnostic.code == "json-syntax"]
    assert syntax == [
        (span(2, 2, 24), "Comments are not allowed in JSON and CAM rejects them: remove the comment"),
        (span(6, 31, 52), "Missing ',' before '\"kms:GenerateDataKey\"': add a comma after the previous item"),
        (span(6, 52, 53), "Trailing comma before ']': remove the comma"),
        (span(7, 23, 24), "Trailing comma before '}': remove the comma"),
    ]


async def test_syntax_errors_are_errors(client: EditorClient):
    published = await client.open(SYNTAX_ERRORS)

    severities = {diagnostic.severity for diagnostic in published.diagnostics if diagnostic.code == "json-syntax"}
    assert severities == {types.DiagnosticSeverity.Error}


async def test_analysis_continues_after_syntax(client: EditorClient):
    published = await client.open(SYNTAX_ERRORS)

    unknown = [diagnostic for diagnostic in published.diagnostics if diagnostic.code == "unknown-action"]
    assert len(unknown) == 1
    # Only the API name after "kms:" is marked.
    assert unknown[0].range == span(11, 22, 29)
    assert unknown[0].severity == types.DiagnosticSeverity.Error
    assert 'Unknown action "kms:Decrypy"' in unknown[0].message
    assert "did you mean kms:Decrypt" in unknown[0].message


async def test_syntax_document_codes(client: EditorClient):
    published = await client.open(SYNTAX_ERRORS)

    codes = [diagnostic.code for diagnostic in published.diagnostics]
    assert codes == ["json-syntax", "json-syntax", "json-syntax", "json-syntax", "unknown-action"]


async def test_codes_are_known_rules(client: EditorClient):
    published = await client.open(DECRYPT_ONE_KEY.replace("EFFECT", "Allow").replace('"version": "2.0"', '"version": "1.0"'))

    codes = sorted(diagnostic.code for diagnostic in published.diagnostics)
    assert codes == ["invalid-effect", "invalid-version", "operation-level-resource"]
