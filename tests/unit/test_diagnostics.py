"""Diagnostics: each rule's code, severity, range text and message on small policies."""

import json
from pathlib import Path

import pytest

from cam_policy_ls.diagnostics import CODES, analyze
from cam_policy_ls.findings import Severity
from cam_policy_ls.policy import parse_policy

E, W, H = Severity.ERROR, Severity.WARNING, Severity.HINT
KEY = "qcs::kms:ap-guangzhou:uin/100000000001:key/creatorUin/100000000001/23e80852-1e38-11e9-b129-5cb9019b4b01"


def policy(**statement) -> str:
    """Return a policy text with one statement; keyword names are the statement's elements."""
    body = {"effect": "allow", "action": ["kms:Encrypt"], "resource": [KEY]}
    body.update(statement)
    return json.dumps({"version": "2.0", "statement": [{k: v for k, v in body.items() if v is not None}]})


def findings(text, catalog):
    return [(f.code, f.severity, text[f.start:f.end]) for f in analyze(parse_policy(text), catalog)]


CASES = [
    ("clean", policy(), []),
    ("operation level allow", policy(action=["name/kms:Decrypt"]),
     [("operation-level-resource", E, "name/kms:Decrypt")]),
    ("operation level deny", policy(effect="deny", action=["kms:ListKeys"]),
     [("operation-level-resource", W, "kms:ListKeys")]),
    ("operation level with star", policy(action=["kms:Decrypt"], resource=["*"]), []),
    ("operation level with star among others", policy(action=["kms:Decrypt"], resource=[KEY, "*"]), []),
    ("wildcard of operation level", policy(action=["kms:ListKey*"]),
     [("operation-level-resource", E, "kms:ListKey*")]),
    ("mixed wildcard", policy(action=["kms:Describe*"]), []),
    ("resource mismatch", policy(action=["kms:Encrypt"], resource=["qcs::cos:ap-guangzhou:uid/1:prefix/*"]),
     [("resource-mismatch", W, "kms:Encrypt")]),
    ("data key with region", policy(action=["kms:EnableDataKey"], resource=["qcs::kms:ap-guangzhou:uin/1:key/*"]),
     [("resource-mismatch", W, "kms:EnableDataKey")]),
    ("data key without region", policy(action=["kms:EnableDataKey"], resource=["qcs::kms::uin/1:key/*"]), []),
    ("unknown action", policy(action=["kms:Encrpt"]), [("unknown-action", E, "Encrpt")]),
    ("action case", policy(action=["kms:encrypt"]), [("action-case", W, "encrypt")]),
    ("wildcard no match", policy(action=["kms:Foo*"]), [("wildcard-no-match", W, "Foo*")]),
    ("double colon", policy(action=["kms::Encrypt"]), [("invalid-action", E, "kms::Encrypt")]),
    ("no service", policy(action=["Encrypt"]), [("invalid-action", E, "Encrypt")]),
    ("space", policy(action=["kms: Encrypt"]), [("invalid-action", E, "kms: Encrypt")]),
    ("uppercase service", policy(action=["KMS:Encrypt"]), [("invalid-action", E, "KMS:Encrypt")]),
    ("uncatalogued service", policy(action=["cvm:Whatever*"], resource=["*"]), []),
    ("feature set", policy(action=["permid/280655"], resource=["*"]), []),
    ("star action", policy(action="*", resource="*"), [("overly-permissive", W, "*")]),
    ("star action with condition", policy(action="*", resource="*", condition={"ip_equal": {"qcs:ip": "10.0.0.0/8"}}), []),
    ("whole service", policy(action=["name/kms:*"], resource="*"), [("overly-permissive", W, "name/kms:*")]),
    ("whole service denied", policy(effect="deny", action=["kms:*"], resource="*"), []),
    ("repeated action", policy(action=["kms:Encrypt", "name/kms:Encrypt"]), [("redundant-action", H, "name/kms:Encrypt")]),
    ("covered action", policy(action=["kms:Encrypt", "kms:*"]), [("redundant-action", H, "kms:Encrypt")]),
    ("covered wildcard", policy(action=["kms:Describe*", "kms:DescribeKey*"]), [("redundant-action", H, "kms:DescribeKey*")]),
    ("uncatalogued covered", policy(action=["cvm:DescribeInstances", "cvm:Describe*"], resource="*"),
     [("redundant-action", H, "cvm:DescribeInstances")]),
    ("unused resource", policy(resource=[KEY, "qcs::cos:ap-guangzhou:uid/1:prefix/*"]),
     [("unused-resource", W, "qcs::cos:ap-guangzhou:uid/1:prefix/*")]),
    ("statement object", '{"version": "2.0", "statement": {"effect": "allow", "action": "kms:Decrypt", "resource": "*"}}',
     [("statement-object", W, "{")]),
    ("principal root", policy(principal={"qcs": ["qcs::cam::uin/100000000001:root"]}), []),
    ("principal sub-account", policy(principal={"qcs": "qcs::cam::uin/1:uin/2"}), []),
    ("principal saml", policy(principal={"federated": ["qcs::cam::uin/1:saml-provider/corp"]}), []),
    ("principal service", policy(principal={"service": "cloudaudit.cloud.tencent.com"}), []),
    ("principal bad qcs", policy(principal={"qcs": ["uin/1"]}), [("invalid-principal", E, "uin/1")]),
    ("principal bad type", policy(principal={"aws": ["x"]}), [("invalid-principal", E, "aws")]),
    ("principal string", policy(principal="anyone"), [("invalid-principal", E, "anyone")]),
    ("double encoded", policy(action='["kms:Encrypt"]'),
     [("double-encoded", W, '[\\"kms:Encrypt\\"]'), ("invalid-action", E, '[\\"kms:Encrypt\\"]')]),
    ("invalid effect", policy(effect="permit"), [("invalid-effect", E, "permit")]),
    ("capitalised effect", policy(effect="Allow"), [("invalid-effect", W, "Allow")]),
    ("effect type", policy(effect=True), [("invalid-type", E, "true")]),
    ("action type", policy(action={"a": 1}), [("invalid-type", E, '{"a": 1}')]),
    ("action item type", policy(action=["kms:Encrypt", 3]), [("invalid-type", E, "3")]),
    ("empty action list", policy(action=[]), [("invalid-type", E, "[]")]),
    ("missing effect", policy(effect=None), [("missing-element", E, "{")]),
    ("missing resource", policy(resource=None), [("missing-element", E, "{")]),
    ("trust policy without resource",
     policy(resource=None, action=["name/sts:AssumeRole"], principal={"service": ["cvm.qcloud.com"]}), []),
    ("wrong case element", policy(Condition={}), [("unknown-element", E, "Condition")]),
    ("unknown element", policy(sid="x"), [("unknown-element", W, "sid")]),
    ("empty resource", policy(resource=[""]), [("invalid-resource", E, '""')]),
    ("five segments", policy(resource=["qcs::kms:ap-guangzhou:key/*"]), [("invalid-resource", E, "qcs::kms:ap-guangzhou:key/*")]),
    ("project segment", policy(resource=["qcs:1:kms:ap-guangzhou:uin/1:key/*"]), [("invalid-resource", E, "1")]),
    ("bad prefix", policy(resource=["qcx::kms:ap-guangzhou:uin/1:key/*"]), [("invalid-resource", E, "qcx")]),
    ("bad account", policy(resource=["qcs::kms:ap-guangzhou:uin/abc:key/*"]), [("invalid-resource", E, "uin/abc")]),
    ("empty resource segment", policy(resource=["qcs::kms:ap-guangzhou:uin/1:"]), [("invalid-resource", E, ":")]),
    ("template placeholders left", policy(resource=["qcs::kms:ap-guangzhou:uin/1:key/creatorUin/creatorUin/keyId"]),
     [("invalid-resource", W, "creatorUin"), ("invalid-resource", W, "keyId")]),
    ("unknown region", policy(resource=["qcs::kms:ap-guangzou:uin/1:key/*"]), [("unknown-region", W, "ap-guangzou")]),
    ("legacy region", policy(resource=["qcs::kms:gz:uin/1:key/*"]), [("unknown-region", W, "gz")]),
    ("empty segments", policy(action=["cmqtopic:*"], resource=["qcs::cmqtopic:::topicName/uin/${uin}/*"]), []),
    ("ip unsupported", policy(action=["kms:BindCloudResource"], condition={"ip_equal": {"qcs:ip": "10.0.0.0/8"}}),
     [("ip-condition-unsupported", W, "kms:BindCloudResource")]),
    ("ip supported", policy(condition={"ip_equal": {"qcs:ip": ["10.0.0.0/8", "10.1.2.3"]}}), []),
    ("unknown operator", policy(condition={"string_equals": {"qcs:resource_tag": "a&b"}}),
     [("unknown-condition-operator", E, "string_equals")]),
    ("if exist on null", policy(condition={"null_equal_if_exist": {"qcs:ip": "true"}}),
     [("unknown-condition-operator", E, "null_equal_if_exist")]),
    ("unknown qualifier", policy(condition={"for_some_value:string_equal": {"qcs:resource_tag": "a&b"}}),
     [("unknown-condition-operator", E, "for_some_value:string_equal")]),
    ("qualified operator", policy(condition={"for_any_value:string_equal_if_exist": {"qcs:resource_tag": ["a&b"]}}), []),
    ("unknown key", policy(condition={"string_equal": {"cvm:region": "x"}}),
     [("unknown-condition-key", W, "cvm:region")]),
    ("service key of statement", policy(action=["cos:GetObject"], resource=["*"], condition={"string_equal": {"cos:prefix": "x"}}), []),
    ("bad ip", policy(condition={"ip_equal": {"qcs:ip": "10.0.0.300"}}), [("invalid-condition-value", E, "10.0.0.300")]),
    ("bad date", policy(condition={"date_less_than": {"qcs:current_time": "tomorrow"}}),
     [("invalid-condition-value", E, "tomorrow")]),
    ("good date", policy(condition={"date_less_than": {"qcs:current_time": "2022-05-31 00:00:00"}}), []),
    ("bad number", policy(condition={"numeric_equal": {"cos:content-length": "big"}}, action=["cos:PutObject"], resource=["*"]),
     [("invalid-condition-value", E, "big")]),
    ("bad boolean", policy(condition={"bool_equal": {"cos:secure-transport": "yes"}}, action=["cos:PutObject"], resource=["*"]),
     [("invalid-condition-value", E, "yes")]),
    ("bad tag", policy(condition={"for_any_value:string_equal": {"qcs:resource_tag": "team"}}),
     [("invalid-condition-value", E, "team")]),
    ("policy variable value", policy(condition={"string_equal": {"qcs:resource_tag": "owner&${uin}"}}), []),
    ("condition type", policy(condition=["x"]), [("invalid-type", E, '["x"]')]),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[case[0] for case in CASES])
def test_rule(catalog, name, text, expected):
    assert findings(text, catalog) == expected


def test_document_level_rules(catalog):
    text = '{"Version": "2.0", "version": "1.0", "statement": {}, "version": "2.0"}'
    result = findings(text, catalog)
    assert ("unknown-element", E, "Version") in result
    assert ("invalid-version", E, "1.0") in result
    assert result.count(("duplicate-key", E, "version")) == 2


def test_missing_version_and_statement(catalog):
    assert findings("{}", catalog) == [("missing-element", E, "{"), ("missing-element", E, "{")]


def test_root_not_object(catalog):
    assert findings("[1]", catalog) == [("invalid-type", E, "[1]")]


def test_operation_level_related_resources(catalog):
    text = policy(action=["kms:Decrypt"], resource=[KEY, "qcs::kms:ap-guangzhou:uin/1:key/*"])
    finding = analyze(parse_policy(text), catalog)[0]
    assert [text[r.start:r.end] for r in finding.related] == [KEY, "qcs::kms:ap-guangzhou:uin/1:key/*"]


def test_operation_level_message(catalog):
    finding = analyze(parse_policy(policy(action=["kms:Decrypt"])), catalog)[0]
    assert finding.message.startswith('"kms:Decrypt" is an operation-level API: CAM authorizes it only on resource "*"')


def test_unknown_action_suggestions(catalog):
    finding = analyze(parse_policy(policy(action=["kms:Encrpt"])), catalog)[0]
    assert finding.data == {"replacements": ["Encrypt", "ReEncrypt", "Decrypt"]}
    assert "did you mean kms:Encrypt" in finding.message


def test_duplicate_key_related(catalog):
    text = '{"version": "2.0", "statement": [], "statement": []}'
    duplicates = [f for f in analyze(parse_policy(text), catalog) if f.code == "duplicate-key"]
    assert len(duplicates) == 2
    assert [r.start for r in duplicates[0].related] == [duplicates[1].start]


def test_syntax_error_keeps_analysis(catalog):
    text = '{"version": "2.0", // note\n "statement": [{"effect": "allow", "action": ["kms:Nope"], "resource": "*",}]}'
    codes = [code for code, _, _ in findings(text, catalog)]
    assert codes == ["json-syntax", "unknown-action", "json-syntax"]


def test_range_after_escape(catalog):
    text = '{"version": "2.0", "statement": [{"effect": "allow", "action": "kms:Decrypt", "resource": "qcs::kms:g\\/z:uin/1:key/*"}]}'
    result = findings(text, catalog)
    assert ("unknown-region", W, "g\\/z") in result


def test_every_code_documented():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"`{code}`" in readme
