"""Analysis of damaged text: every prefix and every one-character deletion of each real-world policy.

No input may raise, and every finding's range must lie inside the text.
"""

from pathlib import Path

import pytest

from cam_policy_ls.completion import Request, complete
from cam_policy_ls.document import analyze_text
from cam_policy_ls.hover import hover

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
REAL_WORLD = Path(__file__).resolve().parents[3] / "shared" / "cases" / "real-world"
SOURCES = sorted(EXAMPLES.glob("*.json")) + sorted(REAL_WORLD.glob("*.json"))


def variants(text: str):
    for end in range(len(text) + 1):
        yield text[:end]
    for index in range(len(text)):
        yield text[:index] + text[index + 1:]


@pytest.mark.parametrize("path", SOURCES, ids=[path.name for path in SOURCES])
def test_damaged_policy_analysed(catalog, path):
    text = path.read_text(encoding="utf-8")
    for variant in variants(text):
        analysis = analyze_text(variant, catalog)
        for finding in analysis.findings:
            assert 0 <= finding.start <= finding.end <= len(variant), (variant, finding)
            for related in finding.related:
                assert 0 <= related.start <= related.end <= len(variant), (variant, related)


@pytest.mark.parametrize("path", SOURCES, ids=[path.name for path in SOURCES])
def test_every_offset_completes_and_hovers(catalog, path):
    text = path.read_text(encoding="utf-8")
    policy = analyze_text(text, catalog).policy
    for offset in range(len(text) + 1):
        for item in complete(policy, catalog, Request(offset)):
            assert 0 <= item.start <= offset <= item.end <= len(text), (offset, item)
        result = hover(policy, catalog, offset)
        if result is not None:
            assert result.start <= offset <= result.end


def test_real_world_cases_present():
    if not REAL_WORLD.is_dir():
        pytest.skip(f"{REAL_WORLD} not found; these cases live beside the repository")
    assert len(list(REAL_WORLD.glob("*.json"))) >= 10


def test_too_large_document_skipped(catalog):
    text = '{"version": "2.0", "statement": []}' + " " * 1_000_000
    analysis = analyze_text(text, catalog)
    assert [finding.code for finding in analysis.findings] == ["document-too-large"]
    assert analysis.findings[0].message.startswith("Document has 1,000,035 characters")
