"""Source actions and outline: fix-all, sort and deduplicate, document symbols and inlay hints."""

import pytest

from cam_policy_ls.code_actions import (
    ActionKind,
    difference,
    fix_all_edits,
    fix_all_text,
    quick_fixes,
    sort_actions_edits,
    source_actions,
)
from cam_policy_ls.diagnostics import analyze
from cam_policy_ls.edits import apply_edits
from cam_policy_ls.policy import parse_policy
from cam_policy_ls.symbols import SymbolKind, document_symbols, inlay_hints

SORT_CASES = [
    ("one line", '{"statement": [{"action": ["kms:Encrypt", "name/kms:Decrypt", "kms:Encrypt", "cvm:Run"]}]}',
     '{"statement": [{"action": ["cvm:Run", "name/kms:Decrypt", "kms:Encrypt"]}]}'),
    ("multi-line", '{"statement": [{"action": [\n    "kms:Encrypt",\n    "kms:Decrypt"\n  ]}]}',
     '{"statement": [{"action": [\n    "kms:Decrypt",\n    "kms:Encrypt"\n  ]}]}'),
    ("multi-line crlf", '{"statement": [{"action": [\r\n    "kms:Encrypt",\r\n    "kms:Decrypt"\r\n  ]}]}',
     '{"statement": [{"action": [\r\n    "kms:Decrypt",\r\n    "kms:Encrypt"\r\n  ]}]}'),
    ("sorted already", '{"statement": [{"action": ["kms:Decrypt", "kms:Encrypt"]}]}',
     '{"statement": [{"action": ["kms:Decrypt", "kms:Encrypt"]}]}'),
    ("two statements", '{"statement": [{"action": ["b:X", "a:Y"]}, {"action": ["d:Z", "c:W"]}]}',
     '{"statement": [{"action": ["a:Y", "b:X"]}, {"action": ["c:W", "d:Z"]}]}'),
]


@pytest.mark.parametrize(("name", "text", "expected"), SORT_CASES, ids=[case[0] for case in SORT_CASES])
def test_sort_actions(name, text, expected):
    assert apply_edits(text, sort_actions_edits(parse_policy(text))) == expected


def test_fix_all_applies_preferred_fixes(catalog):
    text = '{"statement": [{"Effect": "Allow", "action": ["kms:encrypt", "kms:Decrypt"], "resource": "qcs::kms:gz::key/*",}]}'
    findings = analyze(parse_policy(text), catalog)
    result = apply_edits(text, fix_all_edits(findings))
    assert result == ('{"version": "2.0", "statement": [{"effect": "allow", "action": ["kms:Encrypt"], '
                      '"resource": "qcs::kms:ap-guangzhou::key/*"}, {"effect": "Allow", "action": ["kms:Decrypt"], "resource": ["*"]}]}')


def test_fix_all_skips_unsure_fixes(catalog):
    text = '{"version": "2.0", "statement": [{"effect": "allow", "action": ["kms:Encrpt"], "resource": "*"}]}'
    assert fix_all_edits(analyze(parse_policy(text), catalog)) == []


def test_quick_fixes_in_range_only(catalog):
    text = '{"version": "2.0", "statement": [{"effect": "Allow", "action": ["kms:encrypt"], "resource": "*"}]}'
    findings = analyze(parse_policy(text), catalog)
    offset = text.index("encrypt")
    actions = quick_fixes(findings, offset, offset)
    assert [action.title for action in actions] == ["Change to kms:Encrypt"]
    assert actions[0].kind is ActionKind.QUICK_FIX
    assert actions[0].preferred is True


def test_source_actions_offered(catalog):
    text = '{"version": "2.0", "statement": [{"effect": "allow", "action": ["kms:Encrypt", "kms:Decrypt"], "resource": "*",}]}'
    policy = parse_policy(text)
    titles = [action.title for action in source_actions(policy, analyze(policy, catalog), catalog, list)]
    assert titles == ["Fix all certain problems", "Sort and deduplicate actions"]


def test_statement_symbols():
    text = ('{"version": "2.0", "statement": ['
            '{"effect": "allow", "action": ["name/kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], "resource": ["qcs::kms:::key/a"]},'
            '{"effect": "deny", "action": "kms:*", "resource": "*", "condition": {"ip_not_equal": {}}},'
            '{"effect": "allow", "action": "sts:AssumeRole", "principal": {"service": "cvm.qcloud.com"}}]}')
    symbols = document_symbols(parse_policy(text))
    assert [symbol.name for symbol in symbols] == [
        "allow kms:Encrypt +2 on 1 key", "deny kms:* on all resources", "allow sts:AssumeRole for service"]
    assert [child.name for child in symbols[1].children] == ["action", "resource", "condition"]
    assert symbols[0].children[0].kind is SymbolKind.LIST
    assert symbols[0].children[0].detail == "3 items"
    assert text[symbols[0].start:symbols[0].end].startswith('{"effect": "allow"')


def test_inlay_hints(catalog):
    text = '{"statement": [{"action": ["kms:Decrypt", "kms:BindCloudResource", "kms:List*", "cvm:Run", "kms:Nope"]}]}'
    hints = inlay_hints(parse_policy(text), catalog, 0, len(text))
    assert [(text[:hint.offset].rsplit('"', 2)[-2], hint.label) for hint in hints] == [
        ("kms:Decrypt", "operation-level"),
        ("kms:BindCloudResource", "resource-level, no IP restriction"),
        ("kms:List*", "10 APIs, 10 operation-level"),
    ]


def test_inlay_hints_range(catalog):
    text = '{"statement": [{"action": ["kms:Decrypt", "kms:Encrypt"]}]}'
    start = text.index("kms:Encrypt")
    hints = inlay_hints(parse_policy(text), catalog, start, len(text))
    assert [hint.label for hint in hints] == ["resource-level"]


def test_fix_all_action_runs_until_clean(catalog):
    text = '{"statement": [{"Effect": "Allow", "action": ["kms:encrypt", "kms:Decrypt"], "resource": "qcs::kms:gz::key/*",}]}'
    policy = parse_policy(text)
    action = source_actions(policy, analyze(policy, catalog), catalog, list)[0]
    fixed = apply_edits(text, action.edits)
    assert fixed == fix_all_text(text, catalog, list)
    assert [finding.code for finding in analyze(parse_policy(fixed), catalog)] == []


@pytest.mark.parametrize(("old", "new"), [("abcdef", "abXYef"), ("aaa", "aaaa"), ("abc", ""), ("", "x"), ("same", "same")])
def test_difference_edit(old, new):
    edit = difference(old, new)
    assert apply_edits(old, [edit]) == new
