"""One analysis of one document text: parse, policy view, findings and line index, computed together once."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cam_policy_ls.catalog import Catalog
from cam_policy_ls.diagnostics import analyze
from cam_policy_ls.findings import Finding, Severity
from cam_policy_ls.jsonparse import parse
from cam_policy_ls.policy import Policy, build_policy, is_policy_text
from cam_policy_ls.positions import LineIndex

MAX_ANALYZED_CHARS = 1_000_000
"""Longer documents get one Warning and no analysis. CAM itself limits a policy to 6,144 characters.

Analysis takes about 0.7 s per million characters on one core of a 2-core x86-64 machine, and
the server runs it on its event loop, so this bound keeps it responsive.
"""

DETECTION_PREFIX_CHARS = 4096
"""How far into a document too large to parse a "statement" key is looked for."""
_STATEMENT_KEY = re.compile(r'"statement"\s*:')

POLICY_LANGUAGE_ID = "cam-policy"
POLICY_SUFFIXES = (".cam.json", ".cam-policy.json")
JSON_LANGUAGE_IDS = ("json", "jsonc")


@dataclass(frozen=True)
class Analysis:
    text: str
    policy: Policy
    findings: list[Finding]
    lines: LineIndex
    too_large: bool = False


def analyze_text(text: str, catalog: Catalog) -> Analysis:
    """Parse and check a document text."""
    lines = LineIndex(text)
    if len(text) > MAX_ANALYZED_CHARS:
        finding = Finding(
            "document-too-large", Severity.WARNING, 0, min(1, len(text)),
            f"Document has {len(text):,} characters: analysis is skipped above {MAX_ANALYZED_CHARS:,} "
            f"characters, and CAM accepts policies of at most 6,144 characters",
        )
        return Analysis(text, build_policy(parse("")), [finding], lines, too_large=True)
    policy = build_policy(parse(text))
    return Analysis(text, policy, analyze(policy, catalog), lines)


def is_policy_document(name: str, language_id: str | None, analysis: Analysis) -> bool:
    """Return whether a document is a CAM policy.

    It is when its language id is ``cam-policy``, its name ends in ``.cam.json`` or ``.cam-policy.json``,
    or it is JSON whose top-level object has a ``statement`` key or ``"version": "2.0"``.
    """
    if language_id == POLICY_LANGUAGE_ID or name.lower().endswith(POLICY_SUFFIXES):
        return True
    is_json = language_id in JSON_LANGUAGE_IDS or name.lower().endswith((".json", ".jsonc"))
    if not is_json:
        return False
    if analysis.too_large:
        # Too large to parse: a "statement" key near the start is enough to report the size.
        return _STATEMENT_KEY.search(analysis.text, 0, DETECTION_PREFIX_CHARS) is not None
    return is_policy_text(analysis.policy.root)
