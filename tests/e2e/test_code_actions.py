"""Code actions, document symbols, inlay hints and project configuration over stdio, with VS Code's capabilities."""

from pathlib import Path

from lsprotocol import types

from .conftest import EditorClient

MIXED = """\
{
  "version": "2.0",
  "statement": [
    {
      "effect": "allow",
      "action": ["kms:Encrypt", "kms:Decrypt"],
      "resource": ["qcs::kms:ap-guangzhou:uin/1:key/*"]
    }
  ]
}
"""

SPLIT = """\
{
  "version": "2.0",
  "statement": [
    {
      "effect": "allow",
      "action": ["kms:Encrypt"],
      "resource": ["qcs::kms:ap-guangzhou:uin/1:key/*"]
    },
    {
      "effect": "allow",
      "action": ["kms:Decrypt"],
      "resource": ["*"]
    }
  ]
}
"""


def apply_workspace_edit(client: EditorClient, text: str, uri: str, edit: types.WorkspaceEdit) -> str:
    """Apply the edits of one document from the end backwards, as an editor applies a workspace edit."""
    edits = edit.changes[uri]
    ordered = sorted(edits, key=lambda item: (item.range.start.line, item.range.start.character), reverse=True)
    for item in ordered:
        text = client.apply(text, item)
    return text


async def code_actions(client: EditorClient, uri: str, diagnostics, only=None) -> list[types.CodeAction]:
    first = diagnostics[0].range if diagnostics else types.Range(types.Position(0, 0), types.Position(0, 0))
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=first,
            context=types.CodeActionContext(diagnostics=list(diagnostics), only=only),
        )
    )
    return result or []


async def test_split_quick_fix(client: EditorClient):
    published = await client.open(MIXED)
    diagnostic = next(item for item in published.diagnostics if item.code == "operation-level-resource")

    actions = await code_actions(client, published.uri, [diagnostic], only=[types.CodeActionKind.QuickFix])
    split = next(action for action in actions if action.title == 'Split into a separate statement with resource "*"')

    assert split.kind == types.CodeActionKind.QuickFix
    assert split.is_preferred is True
    assert split.diagnostics[0].code == "operation-level-resource"
    assert apply_workspace_edit(client, MIXED, published.uri, split.edit) == SPLIT


async def test_split_quick_fix_crlf(client: EditorClient):
    text = MIXED.replace("\n", "\r\n")
    published = await client.open(text)
    diagnostic = next(item for item in published.diagnostics if item.code == "operation-level-resource")

    actions = await code_actions(client, published.uri, [diagnostic])
    split = next(action for action in actions if action.title.startswith("Split"))

    assert apply_workspace_edit(client, text, published.uri, split.edit) == SPLIT.replace("\n", "\r\n")


async def test_applied_fix_clears_diagnostic(client: EditorClient):
    published = await client.open(MIXED)
    diagnostic = next(item for item in published.diagnostics if item.code == "operation-level-resource")
    split = next(action for action in await code_actions(client, published.uri, [diagnostic]) if action.title.startswith("Split"))

    fixed = await client.change(published.uri, 2, apply_workspace_edit(client, MIXED, published.uri, split.edit))

    assert [item.code for item in fixed.diagnostics] == []


async def test_source_actions_only(client: EditorClient):
    text = '{"version": "2.0", "statement": [{"effect": "allow", "action": ["kms:Encrypt", "kms:Decrypt"], "resource": "*",}]}'
    published = await client.open(text)

    actions = await code_actions(client, published.uri, [], only=[types.CodeActionKind.Source])

    assert [action.title for action in actions] == ["Fix all certain problems", "Sort and deduplicate actions"]
    assert [action.kind for action in actions] == ["source.fixAll.camPolicy", "source.sortActions.camPolicy"]
    sorted_text = apply_workspace_edit(client, text, published.uri, actions[1].edit)
    assert sorted_text == text.replace('"kms:Encrypt", "kms:Decrypt"', '"kms:Decrypt", "kms:Encrypt"')


async def test_unnecessary_tag(client: EditorClient):
    published = await client.open('{"version": "2.0", "statement": [{"effect": "allow", "action": ["kms:Encrypt", "kms:*"], "resource": "qcs::kms:::key/*"}]}')
    redundant = next(item for item in published.diagnostics if item.code == "redundant-action")

    assert redundant.severity == types.DiagnosticSeverity.Hint
    assert list(redundant.tags) == [types.DiagnosticTag.Unnecessary]


async def test_document_symbols(client: EditorClient):
    published = await client.open(SPLIT)

    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=published.uri))
    )

    assert [symbol.name for symbol in symbols] == ["allow kms:Encrypt on 1 key", "allow kms:Decrypt on all resources"]
    assert symbols[0].range == types.Range(types.Position(3, 4), types.Position(7, 5))
    assert [child.name for child in symbols[0].children] == ["action", "resource"]
    assert symbols[0].children[0].kind == types.SymbolKind.Array


async def test_inlay_hints(client: EditorClient):
    published = await client.open(SPLIT)

    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=published.uri),
            range=types.Range(types.Position(0, 0), types.Position(20, 0)),
        )
    )

    assert [(hint.position.line, hint.position.character, hint.label) for hint in hints] == [
        (5, 30, "resource-level"),
        (10, 30, "operation-level"),
    ]


async def test_project_configuration(client: EditorClient, tmp_path: Path):
    (tmp_path / ".cam-policy-ls.toml").write_text('ignore = ["unknown-region"]\n[severity]\noperation-level-resource = "warning"\n')
    path = tmp_path / "policies" / "p.cam.json"
    path.parent.mkdir()
    text = ('{"version": "2.0", "statement": [{"effect": "allow", "action": "kms:Decrypt", '
            '"resource": "qcs::kms:gz:uin/1:key/*"}]}')
    path.write_text(text)
    uri = path.as_uri()
    mark = len(client.published)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="json", version=1, text=text))
    )
    published = await client.diagnostics_of(mark, uri, 1)

    assert [(item.code, item.severity) for item in published.diagnostics] == [
        ("operation-level-resource", types.DiagnosticSeverity.Warning)
    ]


async def test_invalid_project_configuration(client: EditorClient, tmp_path: Path):
    (tmp_path / ".cam-policy-ls.toml").write_text('select = ["no-such-code"]\n')
    uri = (tmp_path / "p.cam.json").as_uri()
    text = '{"version": "2.0", "statement": [{"effect": "allow", "action": "kms:Decrypt", "resource": "qcs::kms:::key/*"}]}'
    mark = len(client.published)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="json", version=1, text=text))
    )
    published = await client.diagnostics_of(mark, uri, 1)
    message = await client.until(
        lambda: next((item for item in client.messages if "no-such-code" in item.message), None), "a configuration warning")

    assert [item.code for item in published.diagnostics] == ["operation-level-resource"]
    assert message.type == types.MessageType.Warning
    assert message.message.startswith("Invalid cam-policy-ls configuration, using the defaults:")
