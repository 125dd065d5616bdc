"""Hover: the markdown and range for actions, resources, condition operators and keys, and element keys."""

import pytest

from cam_policy_ls.hover import hover
from cam_policy_ls.policy import parse_policy

from .conftest import split_cursor


def hover_at(catalog, marked):
    text, offset = split_cursor(marked)
    result = hover(parse_policy(text), catalog, offset)
    return text, result


CONTAINS = [
    ("operation level", '{"statement":[{"action":["kms:Dec‸rypt"]}]}',
     ["**kms:Decrypt**: Decrypt data", "operation level: only `*` is authorized", "Category: write operations",
      "IP restriction: supported", "authorization by tag supported", "updated 2026-04-03"]),
    ("resource level", '{"statement":[{"action":["name/kms:Enc‸rypt"]}]}',
     ["resource level", "`qcs::kms:${region}:uin/${uin}:key/creatorUin/${creatorUin}/${keyId}`"]),
    ("no ip restriction", '{"statement":[{"action":["kms:Bind‸CloudResource"]}]}',
     ["IP restriction: not supported"]),
    ("wildcard", '{"statement":[{"action":["kms:Describe*‸"]}]}',
     ["matches 12 APIs: 9 resource-level, 3 operation-level", "| `DescribeKey` | resource level | yes |",
      "| `DescribeWhiteBoxServiceStatus` | operation level | yes |"]),
    ("infix wildcard", '{"statement":[{"action":["kms:*Key*‸"]}]}', ["matches 50 APIs"]),
    ("uncatalogued", '{"statement":[{"action":["cvm:Describe‸Instances"]}]}', ["`cvm` has no catalog"]),
    ("resource", '{"statement":[{"action":["kms:Encrypt","kms:ListKeys"],"resource":"qcs::kms:ap-guangzhou:uin/1:ke‸y/*"}]}',
     ["| region | `ap-guangzhou` | region: Guangzhou |", "| account | `uin/1` |", "Can match: `kms:Encrypt`",
      "Cannot match: `kms:ListKeys`"]),
    ("star resource", '{"statement":[{"action":["kms:ListKeys"],"resource":"‸*"}]}', ["all resources", "Can match: `kms:ListKeys`"]),
    ("element key", '{"statement":[{"eff‸ect":"allow"}]}', ["**effect** (statement element)"]),
    ("policy key", '{"vers‸ion":"2.0"}', ["**version** (policy element)"]),
    ("operator", '{"statement":[{"condition":{"for_any_value:string_equal_if_ex‸ist":{}}}]}',
     ["(condition operator, string)", "`_if_exist`", "`for_any_value:`"]),
    ("condition key", '{"statement":[{"condition":{"ip_equal":{"qcs:‸ip":"10.0.0.0/8"}}}]}',
     ["**qcs:ip** (condition key, ip)"]),
]


@pytest.mark.parametrize(("name", "marked", "fragments"), CONTAINS, ids=[case[0] for case in CONTAINS])
def test_hover_text(catalog, name, marked, fragments):
    _, result = hover_at(catalog, marked)
    for fragment in fragments:
        assert fragment in result.markdown


def test_hover_range_is_token(catalog):
    text, result = hover_at(catalog, '{"statement":[{"action":["kms:Dec‸rypt"]}]}')
    assert text[result.start:result.end] == '"kms:Decrypt"'


@pytest.mark.parametrize("marked", ['‸{"a": 1}', '{"statement": [‸]}', '{"unknown": "va‸lue"}', "‸"])
def test_hover_nothing(catalog, marked):
    assert hover_at(catalog, marked)[1] is None
