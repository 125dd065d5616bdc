"""Protocol wiring: the pygls language server, its state, and conversion between offsets and LSP types.

Implements initialize, initialized, textDocument/didOpen, didChange, didClose,
completion, hover, codeAction, documentSymbol, inlayHint, diagnostic (pull) and
workspace/didChangeConfiguration. Analysis lives in pure modules; this module
only looks up documents, converts positions in the negotiated encoding and
sends results.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.uris import to_fs_path

from cam_policy_ls import __version__
from cam_policy_ls.catalog import Catalog, CatalogError, load_catalog
from cam_policy_ls.code_actions import ActionKind, quick_fixes, source_actions
from cam_policy_ls.completion import Request, complete
from cam_policy_ls.config import Config, ConfigError, find_config_file, load_config
from cam_policy_ls.convert import Converter, markup
from cam_policy_ls.diagnostics import CODES
from cam_policy_ls.document import Analysis, analyze_text, is_policy_document
from cam_policy_ls.documents import DocumentStore
from cam_policy_ls.findings import SOURCE, Finding
from cam_policy_ls.hover import hover
from cam_policy_ls.positions import UTF8, UTF16, UTF32
from cam_policy_ls.settings import SECTION, Settings, read_settings
from cam_policy_ls.symbols import document_symbols, inlay_hints

log = logging.getLogger(__name__)

DIAGNOSTICS_DELAY_SECONDS = 0.15
"""Wait after the last change before publishing diagnostics, so fast typing is analysed once."""

@dataclass
class CachedAnalysis:
    version: int | None
    analysis: Analysis
    is_policy: bool


@dataclass
class ServerState:
    """Everything the server keeps between messages."""

    catalog: Catalog
    settings: Settings = Settings()
    documents: DocumentStore = field(default_factory=DocumentStore)
    """Text of the open documents, with LSP line breaks."""
    analyses: dict[str, CachedAnalysis] = field(default_factory=dict)
    """Latest analysis of each open document, by URI; recomputed only when the version changes."""
    pending: dict[str, asyncio.TimerHandle] = field(default_factory=dict)
    """Scheduled diagnostics runs, by URI."""
    reported_settings_problems: set[str] = field(default_factory=set)
    """Settings and configuration problems already shown to the user, so each is shown once."""
    configs: dict[tuple[Path, int], Config] = field(default_factory=dict)
    """Loaded configuration files, by path and modification time, so an edited file is read again."""
    generation: int = 0
    """Count of catalog reloads; part of pull diagnostics' result ids, so a reload invalidates them."""


class CamPolicyProtocol(LanguageServerProtocol):
    """pygls' protocol, except that didChange goes to the server's handler untouched.

    pygls 2.1 applies each change to its own copy of the text, split into lines by
    ``str.splitlines``, and clamps the change's positions to those lines in place. After a
    U+2028 in a string that moves the edit to the wrong line. The server keeps its own text
    (``DocumentStore``) and needs the positions as the client sent them.
    """

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        if (user_handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield user_handler, (params,), None


class CamPolicyLanguageServer(LanguageServer):
    def __init__(self, catalog: Catalog):
        super().__init__("cam-policy-ls", __version__, protocol_cls=CamPolicyProtocol)
        self.state = ServerState(catalog)
        self.bundled_catalog = catalog
        """The catalog without extra catalogs, used again when an extra catalog is invalid."""
        self.loaded_extra_catalogs: tuple[str, ...] = ()
        """The extra catalog folders of the catalog in use."""
        self.client_name: str | None = None
        """Name of the client from initialize, such as "Visual Studio Code"; None before initialize."""

    @property
    def encoding(self) -> str:
        negotiated = self.workspace.position_encoding
        value = getattr(negotiated, "value", negotiated)
        return {"utf-8": UTF8, "utf-32": UTF32}.get(str(value), UTF16)

    def analysis(self, uri: str) -> CachedAnalysis | None:
        """Return the analysis of an open document, computing it once per version; None for unknown documents."""
        document = self.state.documents.get(uri)
        if document is None:
            log.debug("request for a document that is not open: %s", uri)
            return None
        cached = self.state.analyses.get(uri)
        if cached is not None and cached.version == document.version and cached.analysis.text == document.text:
            return cached
        analysis = analyze_text(document.text, self.state.catalog)
        cached = CachedAnalysis(document.version, analysis, is_policy_document(uri, document.language_id, analysis))
        self.state.analyses[uri] = cached
        return cached

    def policy_analysis(self, uri: str) -> CachedAnalysis | None:
        """Return the analysis of an open document that is a policy small enough to analyse, else None."""
        cached = self.analysis(uri)
        if cached is None or not cached.is_policy or cached.analysis.too_large:
            return None
        return cached

    def converter(self, uri: str, analysis: Analysis) -> Converter:
        return Converter(uri, analysis, self.encoding)

    @property
    def hierarchical_symbols(self) -> bool:
        document = self.client_capabilities.text_document
        symbols = document.document_symbol if document else None
        return bool(symbols and symbols.hierarchical_document_symbol_support)

    @property
    def pulls_diagnostics(self) -> bool:
        """Whether the client asks for diagnostics with textDocument/diagnostic, so none are pushed to it."""
        document = self.client_capabilities.text_document
        return document is not None and document.diagnostic is not None

    def config(self, uri: str) -> tuple[Config | None, Path | None]:
        """Return the project configuration that applies to a document, and the document's path.

        Documents that are not files, and documents under an invalid configuration, get None;
        the invalid configuration is reported once.
        """
        if not uri.startswith("file:"):
            return None, None
        path = Path(to_fs_path(uri))
        found = find_config_file(path)
        if found is None:
            return None, path
        try:
            key = (found, found.stat().st_mtime_ns)
            if key not in self.state.configs:
                self.state.configs[key] = load_config(found, CODES, self.state.catalog.regions)
            return self.state.configs[key], path
        except (OSError, ConfigError) as error:
            self.report_once(f"Invalid cam-policy-ls configuration, using the defaults: {error}")
            return None, path

    def report_once(self, problem: str) -> None:
        log.warning("%s", problem)
        if problem not in self.state.reported_settings_problems:
            self.state.reported_settings_problems.add(problem)
            self.window_show_message(types.ShowMessageParams(types.MessageType.Warning, problem))

    def finding_filter(self, uri: str) -> Callable[[list[Finding]], list[Finding]]:
        """Return a function that keeps the findings that the document's project configuration reports."""
        config, path = self.config(uri)
        if config is None:
            return list
        if path is not None and config.is_excluded(path):
            return lambda findings: []
        return lambda findings: config.apply(findings, path)

    def findings(self, uri: str, cached: CachedAnalysis) -> list[Finding]:
        """Return the findings of a policy document that its project configuration keeps."""
        if not cached.is_policy:
            return []
        return self.finding_filter(uri)(cached.analysis.findings)

    def effective_settings(self, uri: str) -> Settings:
        """Return the client's settings, with the project configuration's defaults where the client sets none."""
        settings = self.state.settings
        config, _ = self.config(uri)
        if config is None:
            return settings
        return replace(settings, default_uin=settings.default_uin or config.default_uin,
                       default_region=settings.default_region or config.default_region)

    def diagnostics(self, uri: str, cached: CachedAnalysis) -> list[types.Diagnostic]:
        converter = self.converter(uri, cached.analysis)
        return [converter.diagnostic(finding) for finding in self.findings(uri, cached)]

    def publish(self, uri: str) -> None:
        """Publish the diagnostics of an open document: its findings if it is a policy, else an empty list."""
        self.state.pending.pop(uri, None)
        if self.pulls_diagnostics:
            return
        cached = self.analysis(uri)
        if cached is None:
            return
        diagnostics = self.diagnostics(uri, cached)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=cached.version)
        )
        log.debug("published %d diagnostics for %s version %s", len(diagnostics), uri, cached.version)

    def publish_safely(self, uri: str) -> None:
        try:
            self.publish(uri)
        except Exception:
            log.exception("diagnostics failed for %s", uri)

    def schedule_publish(self, uri: str) -> None:
        pending = self.state.pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        loop = asyncio.get_running_loop()
        self.state.pending[uri] = loop.call_later(DIAGNOSTICS_DELAY_SECONDS, self.publish_safely, uri)

    def apply_settings(self, raw: object, origin: str) -> None:
        settings, problems = read_settings(raw, self.state.catalog.regions)
        hints_changed = settings.inlay_hints != self.state.settings.inlay_hints
        self.state.settings = settings
        workspace = self.client_capabilities.workspace
        inlay_hint = workspace.inlay_hint if workspace else None
        if hints_changed and inlay_hint and inlay_hint.refresh_support:
            self.workspace_inlay_hint_refresh(None)
        log.info("settings from %s: default uin %s, default region %s", origin,
                 "set" if settings.default_uin else "unset", settings.default_region or "unset")
        for problem in problems:
            self.report_once(problem)
        if settings.extra_catalogs != self.loaded_extra_catalogs:
            self.reload_catalog(settings.extra_catalogs)

    def reload_catalog(self, extra_catalogs: tuple[str, ...]) -> None:
        """Load the bundled catalog with extra catalog folders, then analyse every open document again.

        An invalid extra catalog is reported once, and the bundled catalog stays in use.
        """
        self.loaded_extra_catalogs = extra_catalogs
        catalog = self.bundled_catalog
        if extra_catalogs:
            try:
                catalog = load_catalog(extra_directories=[Path(folder).expanduser() for folder in extra_catalogs])
            except CatalogError as error:
                self.report_once(f"Invalid extra catalog, using the bundled catalog only: {error}")
        self.state.catalog = catalog
        self.state.analyses.clear()
        self.state.generation += 1
        log.info("%s", describe_versions(catalog))
        if self.pulls_diagnostics:
            workspace = self.client_capabilities.workspace
            if workspace and workspace.diagnostics and workspace.diagnostics.refresh_support:
                self.workspace_diagnostic_refresh(None)
            return
        for uri in list(self.state.documents.documents):
            self.schedule_publish(uri)

    async def pull_settings(self) -> None:
        capabilities = self.client_capabilities.workspace
        if capabilities is None or not capabilities.configuration:
            return
        try:
            result = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
            )
        except Exception:
            log.exception("workspace/configuration request failed")
            return
        if not result or result[0] is None:
            log.info("workspace/configuration returned no camPolicy settings; keeping the current ones")
            return
        self.apply_settings(result[0], "workspace/configuration")

    @property
    def snippet_support(self) -> bool:
        document = self.client_capabilities.text_document
        completion = document.completion if document else None
        item = completion.completion_item if completion else None
        return bool(item and item.snippet_support)

    @property
    def completion_formats(self) -> list[types.MarkupKind] | None:
        document = self.client_capabilities.text_document
        completion = document.completion if document else None
        item = completion.completion_item if completion else None
        return item.documentation_format if item else None

    @property
    def hover_formats(self) -> list[types.MarkupKind] | None:
        document = self.client_capabilities.text_document
        return document.hover.content_format if document and document.hover else None

class ClientLogHandler(logging.Handler):
    """Forward log records to the client as window/logMessage, once the client has sent initialize.

    Records of pygls itself are skipped: it logs the messages it writes, so
    forwarding them would loop.
    """

    _TYPES = {
        logging.ERROR: types.MessageType.Error,
        logging.WARNING: types.MessageType.Warning,
        logging.INFO: types.MessageType.Info,
    }

    def __init__(self, server: CamPolicyLanguageServer):
        super().__init__(logging.INFO)
        self.server = server

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("pygls") or self.server.client_name is None:
            return
        try:
            message_type = self._TYPES.get(record.levelno, types.MessageType.Log)
            self.server.window_log_message(types.LogMessageParams(message_type, self.format(record)))
        except Exception:
            self.handleError(record)


def _package_version(name: str) -> str:
    # importlib.metadata costs about 35 ms at start, so it is imported when the versions are logged.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def create_server(catalog: Catalog | None = None) -> CamPolicyLanguageServer:
    """Create the server with its handlers; the catalog defaults to the bundled one."""
    catalog = catalog or load_catalog()
    server = CamPolicyLanguageServer(catalog)

    @server.feature(types.INITIALIZE)
    def initialize(ls: CamPolicyLanguageServer, params: types.InitializeParams) -> None:
        client = params.client_info
        ls.client_name = client.name if client else ""
        name = f"{client.name} {client.version or ''}".strip() if client else "unknown client"
        log.info("client: %s; position encoding: %s", name, ls.encoding)
        options = params.initialization_options
        ls.apply_settings(options, "initializationOptions")

    @server.feature(types.INITIALIZED)
    async def initialized(ls: CamPolicyLanguageServer, params: types.InitializedParams) -> None:
        # Logged after the initialize result has gone out, so that looking up versions does not delay it.
        log.info("%s", describe_versions(ls.state.catalog))
        await ls.pull_settings()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: CamPolicyLanguageServer, params: types.DidChangeConfigurationParams) -> None:
        settings = params.settings
        if isinstance(settings, dict) and SECTION in settings:
            ls.apply_settings(settings, "workspace/didChangeConfiguration")
        else:
            await ls.pull_settings()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CamPolicyLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.state.documents.open(params.text_document)
        ls.publish_safely(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CamPolicyLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        document = params.text_document
        if ls.state.documents.change(document.uri, document.version, params.content_changes, ls.encoding):
            ls.schedule_publish(document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CamPolicyLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        pending = ls.state.pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        ls.state.analyses.pop(uri, None)
        ls.state.documents.close(uri)
        if not ls.pulls_diagnostics:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=['"', ":", "/"]),
    )
    def completion(ls: CamPolicyLanguageServer, params: types.CompletionParams) -> types.CompletionList | None:
        uri = params.text_document.uri
        cached = ls.policy_analysis(uri)
        if cached is None:
            return None
        analysis = cached.analysis
        converter = ls.converter(uri, analysis)
        offset = converter.offset(params.position)
        request = Request(offset, ls.effective_settings(uri), ls.snippet_support)
        try:
            items = complete(analysis.policy, ls.state.catalog, request)
        except Exception:
            log.exception("completion failed for %s at offset %d", uri, offset)
            return None
        # Only VS Code and its derivatives know the command that reopens the suggestion list.
        retrigger = "code" in (ls.client_name or "").lower()
        formats = ls.completion_formats
        return types.CompletionList(
            is_incomplete=False, items=[converter.completion_item(item, formats, retrigger) for item in items]
        )

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: CamPolicyLanguageServer, params: types.HoverParams) -> types.Hover | None:
        uri = params.text_document.uri
        cached = ls.policy_analysis(uri)
        if cached is None:
            return None
        analysis = cached.analysis
        converter = ls.converter(uri, analysis)
        offset = converter.offset(params.position)
        try:
            result = hover(analysis.policy, ls.state.catalog, offset)
        except Exception:
            log.exception("hover failed for %s at offset %d", uri, offset)
            return None
        if result is None:
            return None
        return types.Hover(
            contents=markup(result.markdown, ls.hover_formats),
            range=converter.range(result.start, result.end),
        )

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[kind.value for kind in ActionKind]),
    )
    def code_action(ls: CamPolicyLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        cached = ls.policy_analysis(uri)
        if cached is None:
            return None
        analysis = cached.analysis
        converter = ls.converter(uri, analysis)
        start = converter.offset(params.range.start)
        end = converter.offset(params.range.end)
        only = params.context.only

        def wanted(kind: ActionKind) -> bool:
            return only is None or any(kind.value == str(prefix) or kind.value.startswith(f"{prefix}.") for prefix in only)

        try:
            findings = ls.findings(uri, cached)
            actions = [action for action in quick_fixes(findings, start, end) if wanted(action.kind)]
            if wanted(ActionKind.FIX_ALL) or wanted(ActionKind.SORT_ACTIONS):
                keep = ls.finding_filter(uri)
                actions += [action for action in source_actions(analysis.policy, findings, ls.state.catalog, keep)
                            if wanted(action.kind)]
        except Exception:
            log.exception("code actions failed for %s", uri)
            return None
        return [converter.code_action(action) for action in actions]

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(
        ls: CamPolicyLanguageServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol] | list[types.SymbolInformation] | None:
        uri = params.text_document.uri
        cached = ls.policy_analysis(uri)
        if cached is None:
            return None
        converter = ls.converter(uri, cached.analysis)
        symbols = document_symbols(cached.analysis.policy)
        if ls.hierarchical_symbols:
            return [converter.document_symbol(symbol) for symbol in symbols]
        return [entry for symbol in symbols for entry in converter.symbol_information(symbol)]

    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
    def inlay_hint(ls: CamPolicyLanguageServer, params: types.InlayHintParams) -> list[types.InlayHint] | None:
        uri = params.text_document.uri
        cached = ls.policy_analysis(uri)
        if cached is None or not ls.state.settings.inlay_hints:
            return None
        analysis = cached.analysis
        converter = ls.converter(uri, analysis)
        start = converter.offset(params.range.start)
        end = converter.offset(params.range.end)
        return [
            types.InlayHint(
                position=converter.range(hint.offset, hint.offset).start,
                label=hint.label,
                padding_left=True,
                tooltip=hint.tooltip,
            )
            for hint in inlay_hints(analysis.policy, ls.state.catalog, start, end)
        ]

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier=SOURCE, inter_file_dependencies=False, workspace_diagnostics=False),
    )
    def pull_diagnostics(ls: CamPolicyLanguageServer, params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
        uri = params.text_document.uri
        cached = ls.analysis(uri)
        if cached is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        result_id = f"{cached.version}.{ls.state.generation}"
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return types.RelatedFullDocumentDiagnosticReport(items=ls.diagnostics(uri, cached), result_id=result_id)

    log.info("starting cam-policy-ls %s", __version__)
    return server


def describe_versions(catalog: Catalog) -> str:
    """Return the server, pygls and lsprotocol versions and the catalog's size and dates, for the log."""
    services = ", ".join(f"{service.abbreviation} updated {service.updated}" for service in catalog.services.values())
    return (
        f"cam-policy-ls {__version__} (pygls {_package_version('pygls')}, lsprotocol {_package_version('lsprotocol')}); "
        f"catalog: {len(catalog.services)} {'service' if len(catalog.services) == 1 else 'services'}, "
        f"{catalog.api_count} APIs ({services})"
    )
