"""Summary statistics of timing samples."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    """Repeated measurements of one quantity, in nanoseconds (or bytes, for memory)."""

    values: tuple[int, ...]

    @classmethod
    def of(cls, values: list[int]) -> Sample:
        if not values:
            raise ValueError("a sample needs at least one value")
        return cls(tuple(values))

    @property
    def count(self) -> int:
        return len(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def p95(self) -> float:
        """95th percentile by the nearest-rank method: a value that was measured."""
        ordered = sorted(self.values)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def median_ms(self) -> float:
        return self.median / 1e6

    @property
    def p95_ms(self) -> float:
        return self.p95 / 1e6


def format_ms(value_ms: float) -> str:
    if value_ms >= 100:
        return f"{value_ms:,.0f} ms"
    if value_ms >= 10:
        return f"{value_ms:.1f} ms"
    return f"{value_ms:.2f} ms"


def format_sample(sample: Sample) -> str:
    """Return "median (p95 x)" in milliseconds."""
    return f"{format_ms(sample.median_ms)} (p95 {format_ms(sample.p95_ms)})"
