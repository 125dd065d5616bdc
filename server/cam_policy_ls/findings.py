"""Findings: what the analysis reports, in code-point offsets, before any protocol conversion."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from cam_policy_ls.edits import TextEdit

SOURCE = "cam-policy"


class Severity(enum.IntEnum):
    """Severity with the numbering of LSP's ``DiagnosticSeverity``."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Related:
    """The other half of a bad combination: a place in the same document and what it is."""

    start: int
    end: int
    message: str


@dataclass(frozen=True)
class Fix:
    """A quick fix: edits that repair a finding without changing anything else."""

    title: str
    edits: tuple[TextEdit, ...]
    preferred: bool = False
    """Whether this is the one fix to apply without asking, as ``check --fix`` does."""


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    start: int
    end: int
    message: str
    related: tuple[Related, ...] = ()
    data: Any = field(default=None, compare=False)
    """JSON-serialisable facts sent to the client with the diagnostic."""
    fixes: tuple[Fix, ...] = field(default=(), compare=False)
    unnecessary: bool = False
    """Whether the flagged text can be removed; editors fade it out."""
