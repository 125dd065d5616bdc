"""Hover with the VS Code 1.65 capability set: Markdown on actions, resources, condition operators and keys, and element keys.

A "|" in a test text marks the hover position, and the client removes it before sending the text.
"""

from __future__ import annotations

from lsprotocol import types

from .conftest import EditorClient

HEAD = '{"version": "2.0", "statement": [{"effect": "allow", '
DESCRIBE_APIS = (
    "DescribeDataKey", "DescribeDataKeys", "DescribeKey", "DescribeKeys", "DescribeWhiteBoxDecryptKey",
    "DescribeWhiteBoxKey", "DescribeWhiteBoxServiceStatus", "DescribeMonitorActionList", "DescribeResourceIds",
    "DescribeServiceList", "DescribeWhiteBoxDeviceFingerprints", "DescribeWhiteBoxKeyDetails",
)


async def hover_at(client: EditorClient, marked: str) -> types.Hover | None:
    text, position = client.cursor(marked)
    published = await client.open(text)
    return await client.hover(published.uri, position)


def markdown(result: types.Hover | None) -> str:
    assert result is not None, "hover returned null"
    assert isinstance(result.contents, types.MarkupContent)
    assert result.contents.kind == types.MarkupKind.Markdown
    return result.contents.value


def span(start: int, end: int) -> types.Range:
    return types.Range(start=types.Position(line=0, character=start), end=types.Position(line=0, character=end))


async def test_operation_level_action(client: EditorClient):
    text = markdown(await hover_at(client, HEAD + '"action": ["kms:De|crypt"], "resource": ["*"]}]}'))

    assert text.startswith("**kms:Decrypt**: Decrypt data")
    assert "operation level" in text
    assert "only `*`" in text


async def test_action_hover_range(client: EditorClient):
    result = await hover_at(client, HEAD + '"action": ["kms:De|crypt"], "resource": ["*"]}]}')

    # The whole string token "kms:Decrypt", quotes included.
    assert result is not None
    assert result.range == span(64, 77)


async def test_resource_level_action(client: EditorClient):
    text = markdown(await hover_at(client, HEAD + '"action": ["kms:Enc|rypt"], "resource": ["*"]}]}'))

    assert "resource level: can be authorized on specific resources" in text
    assert "`qcs::kms:${region}:uin/${uin}:key/creatorUin/${creatorUin}/${keyId}`" in text


async def test_wildcard_lists_apis(client: EditorClient):
    text = markdown(await hover_at(client, HEAD + '"action": ["kms:Des|cribe*"], "resource": ["*"]}]}'))

    assert text.startswith("`kms:Describe*` matches 12 APIs: 9 resource-level, 3 operation-level.")
    for api in DESCRIBE_APIS:
        assert f"| `{api}` |" in text


async def test_wildcard_no_other_apis(client: EditorClient):
    text = markdown(await hover_at(client, HEAD + '"action": ["kms:Des|cribe*"], "resource": ["*"]}]}'))

    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == len(DESCRIBE_APIS)


async def test_uncatalogued_service(client: EditorClient):
    text = markdown(await hover_at(client, HEAD + '"action": ["cvm:Des|cribeInstances"], "resource": ["*"]}]}'))

    assert text.startswith("**cvm:DescribeInstances**")
    assert "`cvm` has no catalog" in text


async def test_unknown_api(client: EditorClient):
    text = markdown(await hover_at(client, HEAD + '"action": ["kms:Dec|rypy"], "resource": ["*"]}]}'))

    assert text.startswith("**kms:Decrypy**: no Key Management Service API has this name.")


async def test_resource_segments(client: EditorClient):
    marked = HEAD + '"action": ["kms:Encrypt"], "resource": ["qcs::kms:ap-gua|ngzhou:uin/100000000001:key/creatorUin/100000000001/k1"]}]}'

    text = markdown(await hover_at(client, marked))

    assert text.startswith("**Six-segment resource**")
    assert "| qcs | `qcs` | fixed prefix (qcloud service) |" in text
    assert "| project | (empty) | project; must be empty |" in text
    assert "| service | `kms` |" in text
    assert "| region | `ap-guangzhou` | region: Guangzhou |" in text
    assert "| account | `uin/100000000001` |" in text
    assert "| resource | `key/creatorUin/100000000001/k1` |" in text
    assert "Can match: `kms:Encrypt`" in text


async def test_resource_cannot_match(client: EditorClient):
    marked = HEAD + '"action": ["kms:Decrypt"], "resource": ["qcs::kms:ap-gua|ngzhou:uin/100000000001:key/*"]}]}'

    text = markdown(await hover_at(client, marked))

    assert "Cannot match: `kms:Decrypt`" in text


async def test_resource_star(client: EditorClient):
    text = markdown(await hover_at(client, HEAD + '"action": ["kms:Decrypt"], "resource": ["|*"]}]}'))

    assert text.startswith("**`*`**: all resources. Operation-level APIs are authorized only on `*`.")


async def test_condition_operator(client: EditorClient):
    marked = HEAD + '"action": ["kms:Encrypt"], "resource": ["*"], "condition": {"ip_eq|ual": {"qcs:ip": ["10.0.0.0/8"]}}}]}'

    text = markdown(await hover_at(client, marked))

    assert text == "**ip_equal** (condition operator, ip)\n\nThe IP address lies in one of the listed addresses or CIDR blocks."


async def test_qualified_operator_if_exist(client: EditorClient):
    marked = HEAD + '"action": ["kms:Encrypt"], "resource": ["*"], "condition": {"for_any_value:string_equal_if|_exist": {"qcs:resource_tag": ["a&b"]}}}]}'

    text = markdown(await hover_at(client, marked))

    assert text.startswith("**for_any_value:string_equal_if_exist** (condition operator, string)")
    assert "`_if_exist`" in text
    assert "`for_any_value:`" in text


async def test_condition_key(client: EditorClient):
    marked = HEAD + '"action": ["kms:Encrypt"], "resource": ["*"], "condition": {"ip_equal": {"qcs:i|p": ["10.0.0.0/8"]}}}]}'

    text = markdown(await hover_at(client, marked))

    assert text.startswith("**qcs:ip** (condition key, ip)")


async def test_statement_element_key(client: EditorClient):
    result = await hover_at(client, '{"version": "2.0", "statement": [{"eff|ect": "allow"}]}')

    assert markdown(result).startswith("**effect** (statement element)")
    assert result.range == span(34, 42)


async def test_policy_element_key(client: EditorClient):
    text = markdown(await hover_at(client, '{"vers|ion": "2.0", "statement": [{"effect": "allow"}]}'))

    assert text == '**version** (policy element)\n\nVersion of the policy language. The only value is "2.0".'


async def test_effect_value(client: EditorClient):
    text = markdown(await hover_at(client, '{"version": "2.0", "statement": [{"effect": "al|low"}]}'))

    assert text.startswith("**effect**: `allow`")


async def test_unknown_key_null(client: EditorClient):
    result = await hover_at(client, '{"version": "2.0", "statement": [{"effect": "allow", "no|tes": "x"}]}')

    assert result is None


async def test_punctuation_null(client: EditorClient):
    result = await hover_at(client, '{"version": "2.0",| "statement": []}')

    assert result is None
