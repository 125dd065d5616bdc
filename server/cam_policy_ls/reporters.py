"""Output formats of ``cam-policy-ls check``: text, JSON, SARIF 2.1.0 and GitHub workflow annotations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from cam_policy_ls import __version__
from cam_policy_ls.checker import FileResult
from cam_policy_ls.diagnostics import CODES
from cam_policy_ls.findings import Severity
from cam_policy_ls.rule_docs import RULE_DOCS

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFORMATION: "note", Severity.HINT: "note"}
_GITHUB_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFORMATION: "notice", Severity.HINT: "notice"}


def _rows(results: Sequence[FileResult]):
    for result in results:
        for row in result.rows:
            yield result, row


def format_text(results: Sequence[FileResult]) -> str:
    lines = []
    for result, row in _rows(results):
        location = row.location
        lines.append(f"{result.display}:{location.line}:{location.column}: {row.severity.label} {row.code} {row.message}")
    return "".join(line + "\n" for line in lines)


def format_json(results: Sequence[FileResult]) -> str:
    findings = []
    for result, row in _rows(results):
        location = row.location
        findings.append({
            "file": result.display,
            "line": location.line,
            "column": location.column,
            "end_line": location.end_line,
            "end_column": location.end_column,
            "code": row.code,
            "severity": row.severity.label,
            "message": row.message,
            "fixes": list(row.fixes),
        })
    return json.dumps(findings, indent=2, ensure_ascii=False) + "\n"


def _sarif_region(location) -> dict:
    return {
        "startLine": location.line,
        "startColumn": location.column,
        "endLine": location.end_line,
        "endColumn": location.end_column,
    }


def _artifact(display: str) -> dict:
    path = Path(display)
    if path.is_absolute():
        return {"uri": path.as_uri()}
    return {"uri": path.as_posix(), "uriBaseId": "%SRCROOT%"}


def _sarif_rule(code: str) -> dict:
    doc = RULE_DOCS[code]
    return {
        "id": code,
        "name": "".join(part.capitalize() for part in code.split("-")),
        "shortDescription": {"text": doc.short},
        "fullDescription": {"text": f"{doc.short} {doc.help}"},
        "help": {"text": doc.help, "markdown": doc.help},
        "defaultConfiguration": {"level": doc.level},
    }


def format_sarif(results: Sequence[FileResult], root: Path) -> str:
    """Return one SARIF 2.1.0 log with a rule per code and a result per finding; relative paths resolve from ``root``."""
    index = {code: position for position, code in enumerate(CODES)}
    sarif_results = []
    for result, row in _rows(results):
        entry = {
            "ruleId": row.code,
            "ruleIndex": index[row.code],
            "level": _SARIF_LEVELS[row.severity],
            "message": {"text": row.message},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(result.display),
                                                "region": _sarif_region(row.location)}}],
        }
        if row.related:
            entry["relatedLocations"] = [
                {"id": number, "message": {"text": message},
                 "physicalLocation": {"artifactLocation": _artifact(result.display), "region": _sarif_region(location)}}
                for number, (location, message) in enumerate(row.related, start=1)
            ]
        sarif_results.append(entry)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "cam-policy-ls",
                "version": __version__,
                "rules": [_sarif_rule(code) for code in CODES],
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root.resolve().as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": sarif_results,
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(results: Sequence[FileResult]) -> str:
    """Return workflow commands that GitHub Actions shows as annotations on the changed lines."""
    lines = []
    for result, row in _rows(results):
        location = row.location
        properties = ",".join([
            f"file={_escape_property(result.display)}",
            f"line={location.line}",
            f"col={location.column}",
            f"endLine={location.end_line}",
            f"endColumn={location.end_column}",
            f"title={_escape_property('cam-policy ' + row.code)}",
        ])
        lines.append(f"::{_GITHUB_COMMANDS[row.severity]} {properties}::{_escape_data(row.message)}")
    return "".join(line + "\n" for line in lines)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def summary(results: Sequence[FileResult]) -> str:
    """Return ``N files, E errors, W warnings``, then the hints and information and the files fixed, when any."""
    checked = [result for result in results if not result.skipped and result.error is None]
    severities = [row.severity for _, row in _rows(results)]
    parts = [
        _count(len(checked), "file"),
        _count(severities.count(Severity.ERROR), "error"),
        _count(severities.count(Severity.WARNING), "warning"),
    ]
    for severity, noun in ((Severity.INFORMATION, "information finding"), (Severity.HINT, "hint")):
        if severity in severities:
            parts.append(_count(severities.count(severity), noun))
    fixed = sum(1 for result in results if result.fixed)
    if fixed:
        parts.append(f"{_count(fixed, 'file')} fixed")
    return ", ".join(parts)
