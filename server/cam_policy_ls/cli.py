"""Command line: ``cam-policy-ls serve`` runs the language server, ``cam-policy-ls check`` checks files for CI."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence, TextIO

from cam_policy_ls import __version__
from cam_policy_ls.catalog import Catalog, CatalogError, load_catalog
from cam_policy_ls.config import ConfigError
from cam_policy_ls.findings import Severity

if TYPE_CHECKING:
    from cam_policy_ls.checker import FileResult

# check's modules (checker, reporters) are imported where check runs, so that serve starts faster.
FORMATS = ("text", "json", "sarif", "github")

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR"]
PROGRESS_MIN_FILES = 50
"""A progress bar is drawn on a terminal when more files than this are checked."""

EPILOG = """\
examples:
  cam-policy-ls serve                      start the language server on stdio (what editors run)
  cam-policy-ls serve --tcp --port 2087    listen on 127.0.0.1:2087 instead
  cam-policy-ls check policy.cam.json      check one file
  cam-policy-ls check policies/            check every policy under a folder
  cam-policy-ls check --fix policies/      apply the certain quick fixes in place
  cam-policy-ls check --format sarif . > cam-policy.sarif
  cat p.json | cam-policy-ls check - --stdin-filename p.json

check exits 0 when nothing at or above --fail-on was found, 1 when something was,
and 2 on a usage, configuration or I/O error.
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
    serve.add_argument("--log-level", default="INFO", choices=LOG_LEVELS,
                       help="level of the log sent to the client and written to stderr (default: %(default)s)")
    serve.add_argument("--stderr-log-level", choices=LOG_LEVELS,
                       help="level of the log written to stderr, when it differs from --log-level; "
                            "for clients that show stderr next to the log they receive")

    check = commands.add_parser(
        "check", help="check policy files and folders, for CI",
        description="Check CAM policy files. A folder is searched for *.json files that are policies: named "
                    "*.cam.json, or JSON with a \"statement\" key or \"version\": \"2.0\". Files named on the "
                    "command line are checked whatever their content, unless --skip-non-policies is given.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                       help="policy file or folder, or - for standard input (default: the current folder)")
    check.add_argument("--format", choices=FORMATS, default="text",
                       help="output format: text lines, JSON, SARIF 2.1.0, or GitHub Actions annotations (default: %(default)s)")
    check.add_argument("--fail-on", choices=["error", "warning", "never"], default="error",
                       help="lowest severity that makes the exit code 1 (default: %(default)s)")
    fixing = check.add_mutually_exclusive_group()
    fixing.add_argument("--fix", action="store_true",
                        help="apply the certain quick fixes in place; with -, print the fixed text to standard output")
    fixing.add_argument("--diff", action="store_true",
                        help="print the certain quick fixes as a unified diff instead of applying them; exit 1 if there are any")
    check.add_argument("--stdin-filename", metavar="NAME",
                       help="file name of the text read from -, for configuration and messages")
    check.add_argument("--config", type=Path, metavar="FILE",
                       help="configuration file to use instead of the nearest .cam-policy-ls.toml or pyproject.toml")
    check.add_argument("--skip-non-policies", action="store_true",
                       help="skip named files that are not CAM policies by the folder rule, as pre-commit passes every JSON file")
    check.add_argument("--no-progress", action="store_true", help="never draw the progress bar")
    check.add_argument("--catalog", action="append", default=[], metavar="DIR",
                       help="folder of service catalog YAML files that add services to the bundled catalog; repeatable")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if arguments.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        catalog = load_catalog(extra_directories=[Path(folder) for folder in getattr(arguments, "catalog", [])])
    except CatalogError as error:
        print(f"cam-policy-ls: invalid catalog: {error}", file=sys.stderr)
        return EXIT_USAGE
    if arguments.command == "serve":
        return serve(catalog, arguments)
    return check(catalog, arguments, sys.stdin, sys.stdout, sys.stderr)


class _DropFinishedCancellations(logging.Filter):
    """Drop pygls' warning about a $/cancelRequest for a request whose response was already sent.

    Clients cancel requests whose response crossed the cancellation on the wire, as VS Code
    does while the user types; pygls 2.1 logs each one as a warning.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Cancel notification for unknown message id")


def serve(catalog: Catalog, arguments: argparse.Namespace) -> int:
    from cam_policy_ls.server import ClientLogHandler, create_server

    stderr_handler = logging.StreamHandler(sys.stderr)
    stderr_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    stderr_handler.setLevel(arguments.stderr_log_level or arguments.log_level)
    root = logging.getLogger()
    root.addHandler(stderr_handler)
    root.setLevel(arguments.log_level)
    if arguments.log_level != "DEBUG":
        # pygls logs every registered feature and every message it sends at INFO; its "Serving on" line is kept.
        logging.getLogger("pygls").setLevel(logging.WARNING)
        logging.getLogger("pygls.server").setLevel(logging.INFO)
    logging.getLogger("pygls.protocol.json_rpc").addFilter(_DropFinishedCancellations())

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


def _progress_bar(err: TextIO) -> Callable[[int, int], None]:
    def draw(done: int, total: int) -> None:
        width = 30
        filled = width * done // total
        err.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{total} files")
        if done == total:
            err.write("\r" + " " * (width + 30) + "\r")
        err.flush()

    return draw


def check(catalog: Catalog, arguments: argparse.Namespace, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    """Run the check command; return the exit code."""
    from cam_policy_ls.checker import STDIN, Mode, collect_tasks, run_tasks
    from cam_policy_ls.reporters import summary

    if arguments.stdin_filename and STDIN not in arguments.paths:
        print("cam-policy-ls: --stdin-filename needs - among the paths", file=err)
        return EXIT_USAGE
    try:
        tasks, errors, notes = collect_tasks(arguments.paths, catalog, arguments.config, arguments.stdin_filename, stdin.read,
                                      tuple(arguments.catalog))
    except ConfigError as error:
        print(f"cam-policy-ls: invalid configuration: {error}", file=err)
        return EXIT_USAGE

    mode = Mode.CHECK
    if arguments.fix:
        mode = Mode.FIX
    elif arguments.diff:
        mode = Mode.DIFF
    progress = None
    if len(tasks) > PROGRESS_MIN_FILES and err.isatty() and not arguments.no_progress:
        progress = _progress_bar(err)
    results = run_tasks(tasks, mode, arguments.skip_non_policies, progress)
    errors += [result.error for result in results if result.error]
    for message in notes + errors:
        print(f"cam-policy-ls: {message}", file=err)

    if mode is Mode.DIFF:
        out.write("".join(result.diff for result in results))
        status = EXIT_FINDINGS if any(result.diff for result in results) else EXIT_OK
        return EXIT_USAGE if errors else status
    if mode is Mode.FIX:
        for result in results:
            if result.fixed_text is not None and arguments.paths == [STDIN]:
                out.write(result.fixed_text)

    printing_fixed_stdin = mode is Mode.FIX and arguments.paths == [STDIN]
    report = _report(results, arguments.format)
    if not printing_fixed_stdin:
        out.write(report)
    else:
        err.write(report)
    # The summary stays off standard output where that carries JSON, SARIF or fixed text.
    summary_stream = out if arguments.format in ("text", "github") and not printing_fixed_stdin else err
    if results or not errors:
        print(summary(results), file=summary_stream)

    if errors:
        return EXIT_USAGE
    return _status(results, arguments.fail_on)


def _report(results: list[FileResult], output_format: str) -> str:
    from cam_policy_ls.reporters import format_github, format_json, format_sarif, format_text

    if output_format == "json":
        return format_json(results)
    if output_format == "sarif":
        return format_sarif(results, Path.cwd())
    if output_format == "github":
        return format_github(results)
    return format_text(results)


def _status(results: list[FileResult], fail_on: str) -> int:
    if fail_on == "never":
        return EXIT_OK
    worst = {Severity.ERROR} if fail_on == "error" else {Severity.ERROR, Severity.WARNING}
    found = any(row.severity in worst for result in results for row in result.rows)
    return EXIT_FINDINGS if found else EXIT_OK
