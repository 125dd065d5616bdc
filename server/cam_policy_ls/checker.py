"""The engine of ``cam-policy-ls check``: find policy files, analyse them in parallel, apply fixes.

Checking a file returns a :class:`FileResult`. A file that cannot be read or
written becomes that result's ``error`` instead of an exception, so the other
files are still checked.
"""

from __future__ import annotations

import difflib
import enum
import os
import stat
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator, Sequence

from cam_policy_ls.catalog import Catalog, load_catalog
from cam_policy_ls.code_actions import fix_all_text
from cam_policy_ls.config import Config, find_config_file, load_config
from cam_policy_ls.diagnostics import CODES
from cam_policy_ls.document import Analysis, analyze_text, is_policy_document
from cam_policy_ls.findings import Severity

STDIN = "-"
PARALLEL_THRESHOLD = 16
"""Fewer files than this are checked in the calling process, where starting workers would cost more."""
_SKIPPED_FOLDERS = {"node_modules", "__pycache__"}


class Mode(enum.Enum):
    CHECK = "check"
    FIX = "fix"
    DIFF = "diff"


@dataclass(frozen=True)
class Location:
    """A 1-based range: columns count code points, and the end column is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Row:
    """One finding of one file, located in lines and columns."""

    code: str
    severity: Severity
    message: str
    location: Location
    fixes: tuple[str, ...] = ()
    related: tuple[tuple[Location, str], ...] = ()


@dataclass(frozen=True)
class Task:
    path: Path
    display: str
    """The path as printed: as given on the command line or found under a folder."""
    named: bool
    """Whether the path was named on the command line, so it is checked even if not detected as a policy."""
    config: Config
    stdin_text: str | None = None
    extra_catalogs: tuple[str, ...] = ()


@dataclass
class FileResult:
    display: str
    rows: list[Row] = field(default_factory=list)
    skipped: bool = False
    """Not a policy, so not checked."""
    error: str | None = None
    fixed: bool = False
    """The file was rewritten with fixes."""
    fixed_text: str | None = None
    """The text after fixes, for standard input and ``--diff``."""
    diff: str = ""


@lru_cache(maxsize=4)
def _catalog(extra_catalogs: tuple[str, ...]) -> Catalog:
    """Return the catalog with extra catalog folders, loaded once per process."""
    return load_catalog(extra_directories=[Path(folder) for folder in extra_catalogs])


def _config_loader(catalog: Catalog) -> Callable[[Path], Config]:
    """Return a function that finds and loads the configuration of a path, cached per file."""

    @lru_cache(maxsize=None)
    def load(config_path: Path) -> Config:
        return load_config(config_path, CODES, catalog.regions)

    @lru_cache(maxsize=None)
    def for_folder(folder: Path) -> Config:
        found = find_config_file(folder)
        return load(found) if found is not None else Config(root=Path.cwd())

    def config_for(path: Path) -> Config:
        return for_folder((path if path.is_dir() else path.parent).resolve())

    return config_for


def _same_config(config: Config) -> Callable[[Path], Config]:
    """Return a function that gives ``config`` for every path, for ``--config``."""

    def config_for(path: Path) -> Config:
        return config

    return config_for


def _walk(folder: Path) -> Iterator[Path]:
    """Yield the *.json files under a folder, sorted, skipping hidden folders and node_modules."""
    for root, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if not name.startswith(".") and name not in _SKIPPED_FOLDERS)
        for name in sorted(files):
            if name.endswith(".json"):
                yield Path(root) / name


def collect_tasks(paths: Sequence[str], catalog: Catalog, config_file: Path | None, stdin_filename: str | None,
                  read_stdin: Callable[[], str], extra_catalogs: tuple[str, ...] = ()
                  ) -> tuple[list[Task], list[str], list[str]]:
    """Turn command-line paths into tasks; return them, the errors of paths that do not exist, and notes on
    named files that the configuration excludes.

    Raises ConfigError for an invalid configuration file.
    """
    if config_file is not None:
        config_for = _same_config(load_config(config_file, CODES, catalog.regions))
    else:
        config_for = _config_loader(catalog)
    tasks, errors, notes = [], [], []
    for given in paths:
        if given == STDIN:
            name = Path(stdin_filename) if stdin_filename else Path.cwd() / "stdin.json"
            config = config_for(name)
            text = read_stdin()
            if stdin_filename and config.is_excluded(name):
                notes.append(f"{stdin_filename}: skipped, excluded by {config.path}")
            else:
                tasks.append(Task(name, stdin_filename or STDIN, True, config, text, extra_catalogs))
            continue
        path = Path(given)
        if path.is_dir():
            for file in _walk(path):
                config = config_for(file)
                if not config.is_excluded(file):
                    tasks.append(Task(file, str(file), False, config, extra_catalogs=extra_catalogs))
        elif path.is_file():
            config = config_for(path)
            if config.is_excluded(path):
                notes.append(f"{given}: skipped, excluded by {config.path}")
            else:
                tasks.append(Task(path, given, True, config, extra_catalogs=extra_catalogs))
        else:
            errors.append(f"{given}: no such file or folder")
    return tasks, errors, notes


def _location(analysis: Analysis, start: int, end: int) -> Location:
    line, column = analysis.lines.position(start, "utf-32")
    end_line, end_column = analysis.lines.position(end, "utf-32")
    return Location(line + 1, column + 1, end_line + 1, end_column + 1)


def _rows(analysis: Analysis, config: Config, path: Path) -> list[Row]:
    rows = []
    for finding in config.apply(analysis.findings, path):
        related = tuple((_location(analysis, item.start, item.end), item.message) for item in finding.related)
        rows.append(Row(finding.code, finding.severity, finding.message, _location(analysis, finding.start, finding.end),
                        tuple(fix.title for fix in finding.fixes), related))
    return rows


def _fixed_text(text: str, config: Config, path: Path, catalog: Catalog) -> str:
    return fix_all_text(text, catalog, lambda findings: config.apply(findings, path))


def _write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder and rename it over ``path``, keeping its mode."""
    mode = stat.S_IMODE(path.stat().st_mode)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(text.encode("utf-8"))
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def check_task(task: Task, mode: Mode, skip_non_policies: bool) -> FileResult:
    """Check one file or standard input; in fix mode rewrite it, in diff mode describe the rewrite."""
    catalog = _catalog(task.extra_catalogs)
    result = FileResult(task.display)
    if task.stdin_text is not None:
        text = task.stdin_text
    else:
        try:
            text = task.path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            result.error = f"{task.display}: cannot be read: {error}"
            return result

    analysis = analyze_text(text, catalog)
    if (not task.named or skip_non_policies) and not is_policy_document(task.path.name, "json", analysis):
        result.skipped = True
        return result

    if mode is not Mode.CHECK:
        fixed = _fixed_text(text, task.config, task.path, catalog)
        if fixed != text:
            result.fixed_text = fixed
            if mode is Mode.DIFF:
                result.diff = "".join(difflib.unified_diff(
                    text.splitlines(keepends=True), fixed.splitlines(keepends=True), task.display, task.display))
            elif task.stdin_text is None:
                try:
                    _write_atomically(task.path, fixed)
                except OSError as error:
                    result.error = f"{task.display}: cannot be written: {error}"
                    return result
                result.fixed = True
            text = fixed
            analysis = analyze_text(text, catalog)
        elif task.stdin_text is not None:
            result.fixed_text = text

    result.rows = _rows(analysis, task.config, task.path)
    return result


def run_tasks(tasks: list[Task], mode: Mode, skip_non_policies: bool,
              progress: Callable[[int, int], None] | None = None) -> list[FileResult]:
    """Check every task, in parallel processes when there are many; results keep the order of ``tasks``."""
    workers = min(os.cpu_count() or 1, 8)
    if len(tasks) < PARALLEL_THRESHOLD or workers < 2:
        results = []
        for task in tasks:
            results.append(check_task(task, mode, skip_non_policies))
            if progress:
                progress(len(results), len(tasks))
        return results
    results = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        chunk = max(1, len(tasks) // (workers * 8))
        for result in pool.map(check_task, tasks, [mode] * len(tasks), [skip_non_policies] * len(tasks), chunksize=chunk):
            results.append(result)
            if progress:
                progress(len(results), len(tasks))
    return results

