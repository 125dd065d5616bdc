"""Conversion of analysis results to LSP types, in the position encoding that the client negotiated."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types

from cam_policy_ls.code_actions import CodeAction
from cam_policy_ls.completion import Item, ItemKind
from cam_policy_ls.document import Analysis
from cam_policy_ls.findings import SOURCE, Finding
from cam_policy_ls.symbols import Symbol, SymbolKind

TRIGGER_SUGGEST_COMMAND = "editor.action.triggerSuggest"
"""VS Code's command that opens the suggestion list again, as after inserting a service prefix."""

_SYMBOL_KINDS = {
    SymbolKind.STATEMENT: types.SymbolKind.Object,
    SymbolKind.LIST: types.SymbolKind.Array,
    SymbolKind.OBJECT: types.SymbolKind.Object,
}

_ITEM_KINDS = {
    ItemKind.PROPERTY: types.CompletionItemKind.Property,
    ItemKind.VALUE: types.CompletionItemKind.Value,
    ItemKind.MODULE: types.CompletionItemKind.Module,
    ItemKind.FUNCTION: types.CompletionItemKind.Function,
    ItemKind.OPERATOR: types.CompletionItemKind.Operator,
    ItemKind.VARIABLE: types.CompletionItemKind.Variable,
    ItemKind.SNIPPET: types.CompletionItemKind.Snippet,
}


def markup(text: str, formats: list[types.MarkupKind] | None) -> types.MarkupContent | str:
    """Return Markdown when the client lists it among ``formats``, plain text when it lists only that,
    and a bare string, which every client accepts, when it lists neither."""
    if formats and types.MarkupKind.Markdown in formats:
        return types.MarkupContent(types.MarkupKind.Markdown, text)
    if formats and types.MarkupKind.PlainText in formats:
        return types.MarkupContent(types.MarkupKind.PlainText, text)
    return text


@dataclass(frozen=True)
class Converter:
    """Converts the offsets of one document's analysis to LSP positions and types, and back."""

    uri: str
    analysis: Analysis
    encoding: str

    def range(self, start: int, end: int) -> types.Range:
        start_line, start_character = self.analysis.lines.position(start, self.encoding)
        end_line, end_character = self.analysis.lines.position(end, self.encoding)
        return types.Range(types.Position(start_line, start_character), types.Position(end_line, end_character))

    def offset(self, position: types.Position) -> int:
        return self.analysis.lines.offset(position.line, position.character, self.encoding)

    def diagnostic(self, finding: Finding) -> types.Diagnostic:
        related = [
            types.DiagnosticRelatedInformation(types.Location(self.uri, self.range(item.start, item.end)), item.message)
            for item in finding.related
        ]
        return types.Diagnostic(
            range=self.range(finding.start, finding.end),
            message=finding.message,
            severity=types.DiagnosticSeverity(int(finding.severity)),
            code=finding.code,
            source=SOURCE,
            related_information=related or None,
            tags=[types.DiagnosticTag.Unnecessary] if finding.unnecessary else None,
            data=finding.data,
        )

    def code_action(self, action: CodeAction) -> types.CodeAction:
        edits = [types.TextEdit(self.range(edit.start, edit.end), edit.new_text) for edit in action.edits]
        diagnostics = [self.diagnostic(action.finding)] if action.finding is not None else None
        return types.CodeAction(
            title=action.title,
            kind=action.kind.value,
            diagnostics=diagnostics,
            is_preferred=action.preferred or None,
            edit=types.WorkspaceEdit(changes={self.uri: edits}),
        )

    def document_symbol(self, symbol: Symbol) -> types.DocumentSymbol:
        return types.DocumentSymbol(
            name=symbol.name,
            detail=symbol.detail or None,
            kind=_SYMBOL_KINDS[symbol.kind],
            range=self.range(symbol.start, symbol.end),
            selection_range=self.range(symbol.selection_start, symbol.selection_end),
            children=[self.document_symbol(child) for child in symbol.children] or None,
        )

    def symbol_information(self, symbol: Symbol, container: str | None = None) -> list[types.SymbolInformation]:
        """Flatten a symbol and its children for clients without hierarchical symbols."""
        entries = [types.SymbolInformation(
            name=symbol.name,
            kind=_SYMBOL_KINDS[symbol.kind],
            location=types.Location(self.uri, self.range(symbol.start, symbol.end)),
            container_name=container,
        )]
        for child in symbol.children:
            entries.extend(self.symbol_information(child, symbol.name))
        return entries

    def completion_item(self, item: Item, documentation_formats: list[types.MarkupKind] | None,
                        retrigger: bool) -> types.CompletionItem:
        documentation = markup(item.documentation, documentation_formats) if item.documentation else None
        command = None
        if item.retrigger and retrigger:
            command = types.Command(title="Suggest", command=TRIGGER_SUGGEST_COMMAND)
        return types.CompletionItem(
            label=item.label,
            kind=_ITEM_KINDS[item.kind],
            detail=item.detail or None,
            documentation=documentation,
            sort_text=item.sort_text or None,
            filter_text=item.filter_text,
            text_edit=types.TextEdit(self.range(item.start, item.end), item.new_text),
            insert_text_format=types.InsertTextFormat.Snippet if item.snippet else types.InsertTextFormat.PlainText,
            command=command,
        )
