"""Quick fixes: each case applies one fix's edits and compares the whole resulting text, with LF and CRLF."""

import json

import pytest

from cam_policy_ls.diagnostics import analyze
from cam_policy_ls.edits import apply_edits
from cam_policy_ls.policy import parse_policy

MULTILINE_MIXED = """\
{
  "version": "2.0",
  "statement": [
    {
      "effect": "allow",
      "action": [
        "name/kms:Encrypt",
        "name/kms:Decrypt",
        "name/kms:GenerateDataKey",
        "kms:ListKeys"
      ],
      "resource": ["qcs::kms:ap-guangzhou:uin/1:key/*"],
      "condition": {"ip_equal": {"qcs:ip": ["10.0.0.0/8"]}}
    }
  ]
}
"""

MULTILINE_SPLIT = """\
{
  "version": "2.0",
  "statement": [
    {
      "effect": "allow",
      "action": [
        "name/kms:Encrypt",
        "name/kms:GenerateDataKey"
      ],
      "resource": ["qcs::kms:ap-guangzhou:uin/1:key/*"],
      "condition": {"ip_equal": {"qcs:ip": ["10.0.0.0/8"]}}
    },
    {
      "effect": "allow",
      "action": ["name/kms:Decrypt", "kms:ListKeys"],
      "resource": ["*"],
      "condition": {"ip_equal": {"qcs:ip": ["10.0.0.0/8"]}}
    }
  ]
}
"""

TAB_LAST_ITEMS = '{\n\t"version": "2.0",\n\t"statement": [{\n\t\t"effect": "deny",\n\t\t"action": ["kms:Encrypt", "kms:Decrypt"],\n\t\t"resource": "qcs::kms:ap-guangzhou:uin/1:key/*"\n\t}]\n}'
TAB_LAST_ITEMS_SPLIT = ('{\n\t"version": "2.0",\n\t"statement": [{\n\t\t"effect": "deny",\n\t\t"action": ["kms:Encrypt"],\n'
                        '\t\t"resource": "qcs::kms:ap-guangzhou:uin/1:key/*"\n\t},\n\t{\n\t\t"effect": "deny",\n'
                        '\t\t"action": ["kms:Decrypt"],\n\t\t"resource": ["*"]\n\t}]\n}')

ONE_LINE = '{"version": "2.0", "statement": [{"effect": "allow", "action": ["kms:Decrypt", "kms:Encrypt"], "resource": "qcs::kms:::key/*"}]}'
ONE_LINE_SPLIT = ('{"version": "2.0", "statement": [{"effect": "allow", "action": ["kms:Encrypt"], "resource": "qcs::kms:::key/*"}, '
                  '{"effect": "allow", "action": ["kms:Decrypt"], "resource": ["*"]}]}')


def fixed(catalog, text: str, code: str, title: str | None = None) -> str:
    findings = [finding for finding in analyze(parse_policy(text), catalog) if finding.code == code]
    assert findings, f"no {code} finding"
    fixes = [fix for fix in findings[0].fixes if title is None or fix.title == title]
    assert fixes, [fix.title for fix in findings[0].fixes]
    return apply_edits(text, fixes[0].edits)


CASES = [
    ("split multi-line", MULTILINE_MIXED, "operation-level-resource", None, MULTILINE_SPLIT),
    ("split tabs last items", TAB_LAST_ITEMS, "operation-level-resource", None, TAB_LAST_ITEMS_SPLIT),
    ("split one line", ONE_LINE, "operation-level-resource", None, ONE_LINE_SPLIT),
    ("replace resources", '{"version": "2.0", "statement": [{"effect": "allow", "action": ["kms:Decrypt", "kms:List*"], "resource": ["qcs::kms:::key/*", "qcs::kms:::key/a"]}]}',
     "operation-level-resource", 'Replace the resources with "*"',
     '{"version": "2.0", "statement": [{"effect": "allow", "action": ["kms:Decrypt", "kms:List*"], "resource": ["*"]}]}'),
    ("replace string resource", '{"version": "2.0", "statement": [{"effect": "allow", "action": "kms:Decrypt", "resource": "qcs::kms:::key/*"}]}',
     "operation-level-resource", None,
     '{"version": "2.0", "statement": [{"effect": "allow", "action": "kms:Decrypt", "resource": "*"}]}'),
    ("unknown action first", '{"version": "2.0", "statement": [{"effect": "allow", "action": "name/kms:Encrpt", "resource": "*"}]}',
     "unknown-action", "Change to kms:Encrypt",
     '{"version": "2.0", "statement": [{"effect": "allow", "action": "name/kms:Encrypt", "resource": "*"}]}'),
    ("unknown action third", '{"version": "2.0", "statement": [{"effect": "allow", "action": "kms:Encrpt", "resource": "*"}]}',
     "unknown-action", "Change to kms:Decrypt",
     '{"version": "2.0", "statement": [{"effect": "allow", "action": "kms:Decrypt", "resource": "*"}]}'),
    ("action case", '{"version": "2.0", "statement": [{"effect": "allow", "action": ["kms:listkeys"], "resource": "*"}]}',
     "action-case", None, '{"version": "2.0", "statement": [{"effect": "allow", "action": ["kms:ListKeys"], "resource": "*"}]}'),
    ("wildcard case", '{"version": "2.0", "statement": [{"effect": "allow", "action": ["kms:describe*"], "resource": "*"}]}',
     "wildcard-no-match", None, '{"version": "2.0", "statement": [{"effect": "allow", "action": ["kms:Describe*"], "resource": "*"}]}'),
    ("element case", '{"version": "2.0", "statement": [{"Effect": "allow", "action": "kms:Decrypt", "resource": "*"}]}',
     "unknown-element", None, '{"version": "2.0", "statement": [{"effect": "allow", "action": "kms:Decrypt", "resource": "*"}]}'),
    ("effect case", '{"version": "2.0", "statement": [{"effect": "Deny", "action": "kms:Decrypt", "resource": "*"}]}',
     "invalid-effect", None, '{"version": "2.0", "statement": [{"effect": "deny", "action": "kms:Decrypt", "resource": "*"}]}'),
    ("missing version multi-line", '{\n  "statement": []\n}', "missing-element", None,
     '{\n  "version": "2.0",\n  "statement": []\n}'),
    ("missing version one line", '{"statement": []}', "missing-element", None, '{"version": "2.0", "statement": []}'),
    ("wrong version", '{"version": "1.0", "statement": []}', "invalid-version", None, '{"version": "2.0", "statement": []}'),
    ("statement object", '{"version": "2.0", "statement": {"effect": "allow", "action": "kms:Decrypt", "resource": "*"}}',
     "statement-object", None, '{"version": "2.0", "statement": [{"effect": "allow", "action": "kms:Decrypt", "resource": "*"}]}'),
    ("missing comma", '{"version": "2.0" "statement": []}', "json-syntax", None, '{"version": "2.0", "statement": []}'),
    ("trailing comma", '{"version": "2.0", "statement": [],}', "json-syntax", None, '{"version": "2.0", "statement": []}'),
    ("comment line", '{\n  // note\n  "version": "2.0", "statement": []\n}', "json-syntax", None,
     '{\n  "version": "2.0", "statement": []\n}'),
    ("comment after value", '{"version": "2.0", /* x */ "statement": []}', "json-syntax", None,
     '{"version": "2.0", "statement": []}'),
    ("redundant first of two", '{"version": "2.0", "statement": [{"effect": "allow", "action": ["kms:Encrypt", "kms:*"], "resource": "qcs::kms:::key/*"}]}',
     "redundant-action", None, '{"version": "2.0", "statement": [{"effect": "allow", "action": ["kms:*"], "resource": "qcs::kms:::key/*"}]}'),
    ("redundant last", '{"version": "2.0", "statement": [{"effect": "allow", "action": ["kms:*", "kms:Encrypt"], "resource": "qcs::kms:::key/*"}]}',
     "redundant-action", None, '{"version": "2.0", "statement": [{"effect": "allow", "action": ["kms:*"], "resource": "qcs::kms:::key/*"}]}'),
    ("legacy region", '{"version": "2.0", "statement": [{"effect": "allow", "action": "kms:Encrypt", "resource": "qcs::kms:gz::key/*"}]}',
     "unknown-region", None, '{"version": "2.0", "statement": [{"effect": "allow", "action": "kms:Encrypt", "resource": "qcs::kms:ap-guangzhou::key/*"}]}'),
    ("unknown operator", '{"version": "2.0", "statement": [{"effect": "allow", "action": "kms:Encrypt", "resource": "*", "condition": {"for_any_value:string_equals": {}}}]}',
     "unknown-condition-operator", None,
     '{"version": "2.0", "statement": [{"effect": "allow", "action": "kms:Encrypt", "resource": "*", "condition": {"for_any_value:string_equal": {}}}]}'),
]

@pytest.mark.parametrize(("name", "text", "code", "title", "expected"), CASES, ids=[case[0] for case in CASES])
def test_fix_result(catalog, name, text, code, title, expected):
    assert fixed(catalog, text, code, title) == expected


@pytest.mark.parametrize(("name", "text", "code", "title", "expected"), CASES, ids=[case[0] for case in CASES])
def test_fix_result_crlf(catalog, name, text, code, title, expected):
    assert fixed(catalog, text.replace("\n", "\r\n"), code, title) == expected.replace("\n", "\r\n")


@pytest.mark.parametrize(("name", "text", "code", "title", "expected"), CASES, ids=[case[0] for case in CASES])
def test_fix_keeps_json_valid(catalog, name, text, code, title, expected):
    if parse_policy(text).parsed.problems:
        pytest.skip("input is not valid JSON")
    json.loads(fixed(catalog, text, code, title))


def test_split_fixes_every_operation_level_action(catalog):
    result = fixed(catalog, MULTILINE_MIXED, "operation-level-resource")
    codes = [finding.code for finding in analyze(parse_policy(result), catalog)]
    assert "operation-level-resource" not in codes
