"""The tolerant parser: problems with exact ranges, recovery, offsets and decoded values."""

import json

import pytest

from cam_policy_ls.jsonparse import Kind, parse, source_offset, to_python

PROBLEMS = [
    ('{"a": 1} // note', "// note", "Comments are not allowed"),
    ('{"a": /* x */ 1}', "/* x */", "Comments are not allowed"),
    ('{"a": [1, 2,]}', ",", "Trailing comma before ']'"),
    ('{"a": 1,}', ",", "Trailing comma before '}'"),
    ('["x" "y"]', '"y"', "Missing ',' before '\"y\"'"),
    ('{"a": 1 "b": 2}', '"b"', "Missing ',' before '\"b\"'"),
    ("{effect: 1}", "effect", 'Property names must be in double quotes: write "effect"'),
    ('{"a": allow}', "allow", "Unexpected text 'allow'"),
    ("{'a': 1}", "'a'", 'Property names must be in double quotes: write "a"'),
    ('{"a": \'b\'}', "'b'", 'Strings must use double quotes: write "b"'),
    ('{"a": True}', "True", "Invalid literal 'True': JSON literals are lowercase, write true"),
    ('{"a": 01}', "01", "Invalid number '01'"),
    ('{"a": +1}', "+1", "Invalid number '+1'"),
    ('{"a": "x\ty"}', "\t", "Control character U+0009"),
    ('{"a": "x\\qy"}', "\\q", "Invalid escape '\\q'"),
    ('{"a": "\\u12"}', "\\u12", "Invalid \\u escape"),
    ('{"a": "open\n}', '"open', "Unterminated string"),
    ('{"a": 1}}', "}", "Unexpected text after the end of the policy"),
    ('{"a": }', "}", "Expected a value, found '}'"),
    ('{"a" 1}', "", "Missing ':' after \"a\""),
    ("[1,,2]", ",", "Extra ','"),
    ("", "", "Empty document"),
]


@pytest.mark.parametrize(("text", "problem_text", "message"), PROBLEMS)
def test_problem_range_and_message(text, problem_text, message):
    problems = parse(text).problems
    matching = [problem for problem in problems if problem.message.startswith(message)]
    assert len(matching) == 1, problems
    assert text[matching[0].start:matching[0].end] == problem_text


def test_truncated_document_keeps_nesting():
    text = '{"statement":[{"action":["kms:Enc'
    result = parse(text)
    action = result.root.get("statement").value.items[0].get("action").value
    assert action.kind is Kind.ARRAY
    assert action.closed is False
    assert action.items[0].value == "kms:Enc"
    assert action.items[0].closed is False


def test_truncated_document_one_end_problem():
    result = parse('{"statement":[{"action":["kms:Enc"')
    assert [problem.message for problem in result.problems] == [
        "Unexpected end of text: add ']}]}' to close the open brackets"
    ]


def test_recovery_after_missing_comma():
    result = parse('{"statement":[{"effect":"allow" "action":"cos:*"}]}')
    statement = result.root.get("statement").value.items[0]
    assert [member.key.value for member in statement.members] == ["effect", "action"]
    assert statement.get("action").value.value == "cos:*"


def test_duplicate_keys_all_kept():
    result = parse('{"a": 1, "a": 2}')
    assert [member.value.value for member in result.root.members] == [1, 2]
    assert to_python(result.root) == {"a": 2}


def test_escapes_decoded():
    result = parse(r'{"a": "qcs::cos:ap-guangzhou:uid/1:prefix\/x\u00e9"}')
    assert result.root.get("a").value.value == "qcs::cos:ap-guangzhou:uid/1:prefix/xé"


def test_source_offset_after_escape():
    text = r'["a\/b:c"]'
    node = parse(text).root.items[0]
    assert text[source_offset(node, text, 4)] == "c"


def test_lone_surrogate_replaced():
    assert parse('"\\ud800"').root.value == "\ufffd"


def test_deep_nesting_reported():
    result = parse("[" * 1000 + "]" * 1000)
    assert any(problem.message.startswith("Nesting deeper than 256 levels") for problem in result.problems)


VALID = [
    '{"version": "2.0", "statement": [{"effect": "allow", "action": ["kms:*"], "resource": "*"}]}',
    '[1, -2.5e3, true, false, null, "x\\n\\"y\\""]',
    '{"a": {"b": [[], {}]}, "c": "😀 中文"}',
]


@pytest.mark.parametrize("text", VALID)
def test_valid_json_round_trip(text):
    result = parse(text)
    assert result.problems == []
    assert to_python(result.root) == json.loads(text)


def test_offsets_are_code_points():
    text = '{"😀": "中文"}'
    value = parse(text).root.members[0].value
    assert text[value.start:value.end] == '"中文"'


def test_trailing_unicode_space_range():
    text = "0 \u2028"
    problem = parse(text).problems[0]
    assert problem.message.startswith("Unexpected text after the end of the policy")
    assert text[problem.start:problem.end] == "\u2028"
