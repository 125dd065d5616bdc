"""Project configuration: ``.cam-policy-ls.toml`` or ``[tool.cam-policy-ls]`` in ``pyproject.toml``.

The nearest file from a checked path upwards applies; in one folder
``.cam-policy-ls.toml`` wins over ``pyproject.toml``. ``check`` and the
language server read the same file, so the editor and CI agree.

Keys: ``select`` and ``ignore`` (lists of codes), ``severity`` (code to
error, warning, information or hint), ``exclude`` (globs), ``per-file-ignores``
(glob to list of codes), ``default-uin`` and ``default-region``. Globs are
fnmatch patterns on the path relative to the configuration's folder, with ``/``
separators. ``*`` also matches ``/``, and a pattern that matches a folder
matches everything in it.
"""

from __future__ import annotations

import fnmatch
import functools
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping

from cam_policy_ls.findings import Finding, Severity

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

CONFIG_FILE = ".cam-policy-ls.toml"
PYPROJECT_FILE = "pyproject.toml"
TOOL_SECTION = "cam-policy-ls"
_KEYS = ("select", "ignore", "severity", "exclude", "per-file-ignores", "default-uin", "default-region")
_SEVERITIES = {severity.label: severity for severity in Severity}


class ConfigError(ValueError):
    """A configuration file that cannot be read or has an invalid key or value."""


@dataclass(frozen=True)
class Config:
    root: Path
    """Folder that globs are relative to: the configuration file's folder, or the checked folder without one."""
    path: Path | None = None
    """The configuration file, or None when no file was found."""
    select: frozenset[str] | None = None
    """Codes to report; None reports every code."""
    ignore: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    default_uin: str | None = None
    default_region: str | None = None

    def relative(self, path: Path) -> str | None:
        """Return ``path`` relative to the root with ``/`` separators, or None outside the root."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return None

    def is_excluded(self, path: Path) -> bool:
        if not self.exclude:
            return False
        relative = self.relative(path)
        return relative is not None and any(_glob_matches(relative, pattern) for pattern in self.exclude)

    def apply(self, findings: Iterable[Finding], path: Path | None) -> list[Finding]:
        """Drop findings that ``select``, ``ignore`` or ``per-file-ignores`` turn off, and set configured severities."""
        relative = self.relative(path) if path is not None and self.per_file_ignores else None
        ignored = set(self.ignore)
        if relative is not None:
            for pattern, codes in self.per_file_ignores:
                if _glob_matches(relative, pattern):
                    ignored |= codes
        kept = []
        for finding in findings:
            if finding.code in ignored or (self.select is not None and finding.code not in self.select):
                continue
            severity = self.severity.get(finding.code)
            kept.append(replace(finding, severity=severity) if severity is not None else finding)
        return kept


def _glob_matches(relative: str, pattern: str) -> bool:
    pattern = pattern.strip("/")
    return fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(relative, pattern + "/*")


def find_config_file(start: Path) -> Path | None:
    """Return the nearest configuration file in ``start`` (a file's folder) or a folder above it."""
    folder = start if start.is_dir() else start.parent
    folder = folder.resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / CONFIG_FILE
        if own.is_file():
            return own
        pyproject = candidate / PYPROJECT_FILE
        if pyproject.is_file() and _has_tool_section(pyproject):
            return pyproject
    return None


def _has_tool_section(path: Path) -> bool:
    try:
        modified = path.stat().st_mtime_ns
    except OSError:
        return False
    return _file_has_tool_section(path, modified)


@functools.lru_cache(maxsize=256)
def _file_has_tool_section(path: Path, modified: int) -> bool:
    """Read a pyproject.toml once per modification time: the server looks for configuration on every request."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(data.get("tool"), dict) and TOOL_SECTION in data["tool"]


def load_config(path: Path, codes: Iterable[str], regions: Iterable[str]) -> Config:
    """Read and validate a configuration file; raise ConfigError naming the file and the key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot be read: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from error
    if path.name == PYPROJECT_FILE:
        data = data.get("tool", {}).get(TOOL_SECTION, {})
        where = f"{path}: [tool.{TOOL_SECTION}]"
    else:
        where = str(path)
    return parse_config(data, path, where, set(codes), set(regions))


def parse_config(data: Any, path: Path, where: str, codes: set[str], regions: set[str]) -> Config:
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a table of settings")
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r}; the keys are {', '.join(_KEYS)}")

    def code_list(key: str) -> frozenset[str] | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{where}: {key} must be a list of codes, got {value!r}")
        invalid = sorted(set(value) - codes)
        if invalid:
            raise ConfigError(f"{where}: {key}: unknown code {invalid[0]!r}")
        return frozenset(value)

    severity = {}
    for code, name in _table(data, "severity", where).items():
        if code not in codes:
            raise ConfigError(f"{where}: severity: unknown code {code!r}")
        if name not in _SEVERITIES:
            raise ConfigError(f"{where}: severity.{code}: expected one of {', '.join(_SEVERITIES)}, got {name!r}")
        severity[code] = _SEVERITIES[name]

    exclude = data.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(item, str) for item in exclude):
        raise ConfigError(f"{where}: exclude must be a list of globs, got {exclude!r}")

    per_file = []
    for pattern, value in _table(data, "per-file-ignores", where).items():
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{where}: per-file-ignores.{pattern!r} must be a list of codes, got {value!r}")
        invalid = sorted(set(value) - codes)
        if invalid:
            raise ConfigError(f"{where}: per-file-ignores.{pattern!r}: unknown code {invalid[0]!r}")
        per_file.append((pattern, frozenset(value)))

    uin = data.get("default-uin")
    if isinstance(uin, int) and not isinstance(uin, bool):
        uin = str(uin)
    if uin is not None and (not isinstance(uin, str) or not re.fullmatch(r"\d{5,20}", uin)):
        raise ConfigError(f"{where}: default-uin must be an account ID of 5 to 20 digits, got {uin!r}")
    region = data.get("default-region")
    if region is not None and region not in regions:
        raise ConfigError(f"{where}: default-region must be a region id such as \"ap-guangzhou\", got {region!r}")

    return Config(
        root=path.parent,
        path=path,
        select=code_list("select"),
        ignore=code_list("ignore") or frozenset(),
        severity=severity,
        exclude=tuple(exclude),
        per_file_ignores=tuple(per_file),
        default_uin=uin,
        default_region=region,
    )


def _table(data: dict, key: str, where: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: {key} must be a table, got {value!r}")
    return value
