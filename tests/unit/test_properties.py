"""Property tests: no input makes the analysis raise, ranges stay inside the text, results repeat, JSON round-trips."""

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cam_policy_ls.catalog import load_catalog
from cam_policy_ls.completion import Request, complete
from cam_policy_ls.document import analyze_text
from cam_policy_ls.hover import hover
from cam_policy_ls.jsonparse import parse, to_python
from cam_policy_ls.positions import UTF8, UTF16, UTF32, LineIndex

CATALOG = load_catalog()
EXAMPLE = (Path(__file__).resolve().parents[2] / "examples" / "ip-restricted-admin.json").read_text(encoding="utf-8")
JSON_ALPHABET = st.sampled_from(list('{}[]:,"\\ \n\r\t/*aA0-.eEtrufnl') + ["😀", "中", "\u2028", "\x00"])
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_in_text(analysis, text):
    for finding in analysis.findings:
        assert 0 <= finding.start <= finding.end <= len(text)
        for related in finding.related:
            assert 0 <= related.start <= related.end <= len(text)
        for fix in finding.fixes:
            for edit in fix.edits:
                assert 0 <= edit.start <= edit.end <= len(text)


@PROPERTY_SETTINGS
@given(st.text())
def test_any_text_analysed(text):
    analysis = analyze_text(text, CATALOG)
    assert_in_text(analysis, text)


@PROPERTY_SETTINGS
@given(st.text(JSON_ALPHABET, max_size=200))
def test_json_like_text_analysed(text):
    analysis = analyze_text(text, CATALOG)
    assert_in_text(analysis, text)
    assert analyze_text(text, CATALOG).findings == analysis.findings


@st.composite
def mutations(draw):
    """Return the example policy with a few characters inserted, deleted or replaced."""
    text = EXAMPLE
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        char = draw(JSON_ALPHABET)
        if action == "insert":
            text = text[:position] + char + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + 1:]
        else:
            text = text[:position] + char + text[position + 1:]
    return text


@PROPERTY_SETTINGS
@given(mutations(), st.data())
def test_mutated_policy_features(text, data):
    analysis = analyze_text(text, CATALOG)
    assert_in_text(analysis, text)
    offset = data.draw(st.integers(0, len(text)))
    for item in complete(analysis.policy, CATALOG, Request(offset)):
        assert 0 <= item.start <= offset <= item.end <= len(text)
    result = hover(analysis.policy, CATALOG, offset)
    if result is not None:
        assert 0 <= result.start <= offset <= result.end <= len(text)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@PROPERTY_SETTINGS
@given(JSON_VALUES, st.booleans())
def test_valid_json_round_trip(value, indent):
    text = json.dumps(value, indent=2 if indent else None, ensure_ascii=False)
    result = parse(text)
    assert result.problems == []
    assert to_python(result.root) == json.loads(text)


@PROPERTY_SETTINGS
@given(st.text(st.sampled_from(["a", "😀", "中", "\n", "\r", " "]), max_size=40), st.data())
def test_position_round_trip(text, data):
    index = LineIndex(text)
    offset = data.draw(st.integers(0, len(text)))
    if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n":
        offset -= 1
    for encoding in (UTF8, UTF16, UTF32):
        line, character = index.position(offset, encoding)
        assert index.offset(line, character, encoding) == offset
