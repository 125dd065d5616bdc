"""Completion: each case applies the chosen item's edit and compares the whole resulting text."""

import pytest

from cam_policy_ls.completion import Request, complete
from cam_policy_ls.policy import parse_policy
from cam_policy_ls.settings import Settings

from .conftest import split_cursor

REGIONS = ("ap-guangzhou,ap-shanghai,ap-nanjing,ap-beijing,ap-chengdu,ap-chongqing,ap-hongkong,ap-singapore,"
           "ap-seoul,ap-tokyo,ap-bangkok,ap-jakarta,na-siliconvalley,na-ashburn,sa-saopaulo,eu-frankfurt,"
           "ap-mumbai,na-toronto,eu-moscow,ap-shenzhen-fsi,ap-shanghai-fsi,ap-beijing-fsi,ap-guangzhou-open")
KEY_SNIPPET = ("qcs::kms:${1|" + REGIONS + "|}:uin/${2:100000000001}:key/creatorUin/${3:creatorUin}/${4:keyId}")


def items_at(catalog, marked, **request):
    text, offset = split_cursor(marked)
    return text, complete(parse_policy(text), catalog, Request(offset, **request))


def apply(catalog, marked, label, **request):
    text, items = items_at(catalog, marked, **request)
    matching = [item for item in items if item.label == label]
    assert len(matching) == 1, [item.label for item in items]
    item = matching[0]
    return text[:item.start] + item.new_text + text[item.end:]


CASES = [
    ("action in unterminated string", '{"statement":[{"action":["kms:Enc‸', "kms:Encrypt",
     '{"statement":[{"action":["kms:Encrypt"'),
    ("action in string", '{"statement":[{"action":["kms:Enc‸"]}]}', "kms:Encrypt",
     '{"statement":[{"action":["kms:Encrypt"]}]}'),
    ("action cursor mid string", '{"statement":[{"action":["kms:‸Enc"]}]}', "kms:Encrypt",
     '{"statement":[{"action":["kms:Encrypt"]}]}'),
    ("action with name prefix", '{"statement":[{"action":["name/kms:D‸"]}]}', "name/kms:Decrypt",
     '{"statement":[{"action":["name/kms:Decrypt"]}]}'),
    ("action wildcard", '{"statement":[{"action":["kms:‸"]}]}', "kms:*",
     '{"statement":[{"action":["kms:*"]}]}'),
    ("action string value", '{"statement":[{"action":"kms:Dec‸"}]}', "kms:Decrypt",
     '{"statement":[{"action":"kms:Decrypt"}]}'),
    ("service prefix in string", '{"statement":[{"action":["k‸"]}]}', "kms:",
     '{"statement":[{"action":["kms:"]}]}'),
    ("service prefix outside string", '{"statement":[{"action":[‸]}]}', "kms:",
     '{"statement":[{"action":["kms:$0"]}]}'),
    ("action outside string", '{"statement":[{"action": ‸}]}', "*",
     '{"statement":[{"action": "*"}]}'),
    ("effect value", '{"statement":[{"effect":"‸"}]}', "deny",
     '{"statement":[{"effect":"deny"}]}'),
    ("effect value outside string", '{"statement":[{"effect": ‸}]}', "allow",
     '{"statement":[{"effect": "allow"}]}'),
    ("version value", '{"version": ‸}', "2.0", '{"version": "2.0"}'),
    ("statement key", '{"statement":[{‸}]}', "effect",
     '{"statement":[{"effect": "${1|allow,deny|}"}]}'),
    ("statement key in string", '{"statement":[{"ef‸"}]}', "effect",
     '{"statement":[{"effect": "${1|allow,deny|}"}]}'),
    ("statement key unterminated", '{"statement":[{"ef‸', "effect",
     '{"statement":[{"effect": "${1|allow,deny|}"'),
    ("statement key with colon", '{"statement":[{"ac‸": []}]}', "action",
     '{"statement":[{"action": []}]}'),
    ("policy key", '{‸}', "version", '{"version": "2.0"}'),
    ("bare word key", '{"statement":[{eff‸}]}', "effect",
     '{"statement":[{"effect": "${1|allow,deny|}"}]}'),
    ("operation level resource", '{"statement":[{"action":["kms:Decrypt"],"resource":["‸"]}]}', "*",
     '{"statement":[{"action":["kms:Decrypt"],"resource":["*"]}]}'),
    ("resource template", '{"statement":[{"action":["kms:Encrypt"],"resource":["‸"]}]}',
     "qcs::kms:${region}:uin/${uin}:key/creatorUin/${creatorUin}/${keyId}",
     '{"statement":[{"action":["kms:Encrypt"],"resource":["' + KEY_SNIPPET + '"]}]}'),
    ("data key template", '{"statement":[{"action":["kms:EnableDataKey"],"resource":‸}]}',
     "qcs::kms::uin/${uin}:key/creatorUin/${creatorUin}/${dataKeyId}",
     '{"statement":[{"action":["kms:EnableDataKey"],"resource":"qcs::kms::uin/${1:100000000001}:key/creatorUin/${2:creatorUin}/${3:dataKeyId}"}]}'),
    ("region segment", '{"statement":[{"action":["kms:Encrypt"],"resource":["qcs::kms:ap-gu‸:uin/1:key/*"]}]}',
     "ap-guangzhou", '{"statement":[{"action":["kms:Encrypt"],"resource":["qcs::kms:ap-guangzhou:uin/1:key/*"]}]}'),
    ("condition operator", '{"statement":[{"condition":{‸}}]}', "ip_equal",
     '{"statement":[{"condition":{"ip_equal": {$0}}}]}'),
    ("condition operator in string", '{"statement":[{"condition":{"ip_‸"}}]}', "ip_not_equal",
     '{"statement":[{"condition":{"ip_not_equal": {$0}}}]}'),
    ("qualified operator", '{"statement":[{"condition":{"for‸": {}}}]}', "for_any_value:string_equal",
     '{"statement":[{"condition":{"for_any_value:string_equal": {}}}]}'),
    ("condition key", '{"statement":[{"condition":{"ip_equal":{‸}}}]}', "qcs:ip",
     '{"statement":[{"condition":{"ip_equal":{"qcs:ip": ["$0"]}}}]}'),
    ("empty document", "‸", "CAM policy",
     '{\n\t"version": "2.0",\n\t"statement": [\n\t\t{\n\t\t\t"effect": "${1|allow,deny|}",\n'
     '\t\t\t"action": ["$2"],\n\t\t\t"resource": ["${3:*}"]\n\t\t}\n\t]\n}'),
]


@pytest.mark.parametrize(("name", "marked", "label", "expected"), CASES, ids=[case[0] for case in CASES])
def test_completion_result(catalog, name, marked, label, expected):
    assert apply(catalog, marked, label) == expected


def test_resource_template_plain_text(catalog):
    marked = '{"statement":[{"action":["kms:Encrypt"],"resource":["‸"]}]}'
    result = apply(catalog, marked, "qcs::kms:${region}:uin/${uin}:key/creatorUin/${creatorUin}/${keyId}",
                   snippet_support=False, settings=Settings(default_uin="123456789", default_region="ap-tokyo"))
    assert result == '{"statement":[{"action":["kms:Encrypt"],"resource":["qcs::kms:ap-tokyo:uin/123456789:key/creatorUin/<creatorUin>/<keyId>"]}]}'


def test_default_uin_in_snippet(catalog):
    marked = '{"statement":[{"action":["kms:Encrypt"],"resource":["‸"]}]}'
    _, items = items_at(catalog, marked, settings=Settings(default_uin="123456789"))
    assert "uin/${2:123456789}" in items[1].new_text


def test_star_first_for_operation_level(catalog):
    _, items = items_at(catalog, '{"statement":[{"action":["kms:Encrypt","kms:ListKeys"],"resource":["‸"]}]}')
    ordered = sorted(items, key=lambda item: item.sort_text)
    assert ordered[0].label == "*"


def test_star_last_for_resource_level(catalog):
    _, items = items_at(catalog, '{"statement":[{"action":["kms:Encrypt"],"resource":["‸"]}]}')
    ordered = sorted(items, key=lambda item: item.sort_text)
    assert ordered[-1].label == "*"


def test_action_items_documented(catalog):
    _, items = items_at(catalog, '{"statement":[{"action":["kms:‸"]}]}')
    decrypt = next(item for item in items if item.label == "kms:Decrypt")
    assert decrypt.detail == "Decrypt data (operation level)"
    assert "only `*` is authorized" in decrypt.documentation
    assert len(items) == 86


def test_existing_keys_not_offered(catalog):
    _, items = items_at(catalog, '{"statement":[{"effect":"allow", ‸}]}')
    assert [item.label for item in items] == ["action", "resource", "condition", "principal"]


def test_uncatalogued_service_empty(catalog):
    assert items_at(catalog, '{"statement":[{"action":["cvm:‸"]}]}')[1] == []


def test_outside_root_empty(catalog):
    assert items_at(catalog, '{"version": "2.0"}‸')[1] == []


def test_every_prefix_never_raises(catalog):
    text = ('{"version": "2.0", "statement": [{"effect": "allow", "action": ["name/kms:Encrypt", "kms:Decrypt"], '
            '"resource": ["qcs::kms:ap-guangzhou:uin/1:key/*"], "condition": {"ip_equal": {"qcs:ip": ["10.0.0.0/8"]}}}]}')
    for end in range(len(text) + 1):
        prefix = text[:end]
        for item in complete(parse_policy(prefix), catalog, Request(end)):
            assert 0 <= item.start <= end
            assert item.end == end


@pytest.mark.parametrize("marked", [
    '{"statement":[{"action":["kms:Decrypt"‸]}]}',
    '{"statement":[{"action":[‸"kms:Enc"]}]}',
    '{"statement":[{"resource":[‸"*"]}]}',
    '{"statement":[{"effect":"allow"‸}]}',
    '{"statement":[{"effect":"allow" ‸ }]}',
    '{"statement":[{"action":["a"] ‸}]}',
])
def test_no_items_next_to_complete_value(catalog, marked):
    assert items_at(catalog, marked)[1] == []


UNTERMINATED_REST = [
    ("action keeps closing brackets", '{"statement": [{"action": ["kms:Enc‸]}]}', "kms:Encrypt",
     '{"statement": [{"action": ["kms:Encrypt"]}]}'),
    ("action keeps text after space", '{"statement": [{"action": ["kms:Enc‸ ]}]}', "kms:Encrypt",
     '{"statement": [{"action": ["kms:Encrypt" ]}]}'),
    ("key keeps closing brackets", '{"statement": [{"effect": "allow", "ac‸}]}', "action",
     '{"statement": [{"effect": "allow", "action": ["$1"]}]}'),
]


@pytest.mark.parametrize(("name", "marked", "label", "expected"), UNTERMINATED_REST, ids=[case[0] for case in UNTERMINATED_REST])
def test_unterminated_string_keeps_rest(catalog, name, marked, label, expected):
    assert apply(catalog, marked, label) == expected
