"""Command line: ``cam-policy-ls serve`` runs the language server, ``cam-policy-ls check`` checks files for CI."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Iterator, Sequence, TextIO

from cam_policy_ls import __version__
from cam_policy_ls.catalog import Catalog, CatalogError, load_catalog
from cam_policy_ls.document import analyze_text, is_policy_document
from cam_policy_ls.findings import Severity

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

EPILOG = """\
examples:
  cam-policy-ls serve                      start the language server on stdio (what editors run)
  cam-policy-ls serve --tcp --port 2087    listen on 127.0.0.1:2087 instead
  cam-policy-ls check policy.cam.json      check one file
  cam-policy-ls check policies/            check every policy under a folder

check prints one line per finding, path:line:column: severity code message,
and exits 1 when any finding is an error, 0 otherwise, 2 on a usage or I/O error.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cam-policy-ls",
        description="Language server and checker for Tencent Cloud CAM policies.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the language server (stdio by default)",
                                description="Run the language server on stdio, or on TCP with --tcp.")
    serve.add_argument("--tcp", action="store_true", help="listen on TCP instead of stdio")
    serve.add_argument("--host", default="127.0.0.1", help="TCP address to listen on (default: %(default)s)")
    serve.add_argument("--port", type=int, default=2087, help="TCP port to listen on (default: %(default)s)")
    serve.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                       help="level of the log written to stderr and to the client (default: %(default)s)")

    check = commands.add_parser("check", help="check policy files and folders, for CI",
                                description="Check CAM policy files. A folder is searched for *.json files "
                                            "that are policies: named *.cam.json, or JSON with a \"statement\" "
                                            "key or \"version\": \"2.0\". Files named explicitly are always checked.")
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="policy file or folder")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if arguments.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        catalog = load_catalog()
    except CatalogError as error:
        print(f"cam-policy-ls: invalid catalog: {error}", file=sys.stderr)
        return EXIT_USAGE
    if arguments.command == "serve":
        return serve(catalog, arguments)
    return check(catalog, arguments.paths, sys.stdout, sys.stderr)


def serve(catalog: Catalog, arguments: argparse.Namespace) -> int:
    from cam_policy_ls.server import ClientLogHandler, create_server

    logging.basicConfig(level=arguments.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if arguments.log_level != "DEBUG":
        # pygls.protocol logs every message it sends at INFO.
        logging.getLogger("pygls.protocol").setLevel(logging.WARNING)
    server = create_server(catalog)
    client_handler = ClientLogHandler(server)
    client_handler.setFormatter(logging.Formatter("%(message)s"))
    client_handler.setLevel(arguments.log_level)
    logging.getLogger("cam_policy_ls").addHandler(client_handler)
    if arguments.tcp:
        logging.getLogger(__name__).info("listening on %s:%d", arguments.host, arguments.port)
        server.start_tcp(arguments.host, arguments.port)
    else:
        server.start_io()
    return EXIT_OK


def _policy_files(path: Path) -> Iterator[Path]:
    """Yield the candidate files under a folder: *.json, sorted, skipping hidden folders."""
    for candidate in sorted(path.rglob("*.json")):
        if candidate.is_file() and not any(part.startswith(".") for part in candidate.relative_to(path).parts[:-1]):
            yield candidate


def check(catalog: Catalog, paths: Sequence[Path], out: TextIO, err: TextIO) -> int:
    """Check files and folders; print findings to ``out`` and I/O errors to ``err``; return the exit code."""
    status = EXIT_OK
    for path in paths:
        if path.is_dir():
            files = [(file, False) for file in _policy_files(path)]
        elif path.is_file():
            files = [(path, True)]
        else:
            print(f"cam-policy-ls: {path}: no such file or folder", file=err)
            status = EXIT_USAGE
            continue
        for file, named in files:
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                print(f"cam-policy-ls: {file}: cannot be read: {error}", file=err)
                status = EXIT_USAGE
                continue
            analysis = analyze_text(text, catalog)
            if not named and not is_policy_document(file.name, "json", analysis):
                continue
            for finding in analysis.findings:
                line, column = analysis.lines.position(finding.start, "utf-32")
                print(f"{file}:{line + 1}:{column + 1}: {finding.severity.label} {finding.code} {finding.message}", file=out)
                if finding.severity is Severity.ERROR and status == EXIT_OK:
                    status = EXIT_FINDINGS
    return status
