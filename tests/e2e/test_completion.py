"""Completion with the VS Code 1.65 capability set: each accepted item is applied to the text and the result compared whole.

A "|" in a test text marks the cursor, and the client removes it before sending the text.
"""

from __future__ import annotations

from lsprotocol import types

from .conftest import EditorClient, item_labelled

HEAD = '{"version": "2.0", "statement": [{"effect": "allow", '
KEY_TEMPLATE = "qcs::kms:${region}:uin/${uin}:key/creatorUin/${creatorUin}/${keyId}"
REGIONS = (
    "ap-guangzhou,ap-shanghai,ap-nanjing,ap-beijing,ap-chengdu,ap-chongqing,ap-hongkong,ap-singapore,"
    "ap-seoul,ap-tokyo,ap-bangkok,ap-jakarta,na-siliconvalley,na-ashburn,sa-saopaulo,eu-frankfurt,ap-mumbai,"
    "na-toronto,eu-moscow,ap-shenzhen-fsi,ap-shanghai-fsi,ap-beijing-fsi,ap-guangzhou-open"
)
MULTILINE = """\
{
  "version": "2.0",
  "statement": [
    {
      "effect": "allow",
      "action": ["kms:Encrypt"],
      "resource": ["qcs::kms:ap-|:uin/100000000001:key/creatorUin/100000000001/*"]
    }
  ]
}
"""


async def complete_at(client: EditorClient, marked: str) -> tuple[str, types.CompletionList | None]:
    text, position = client.cursor(marked)
    published = await client.open(text)
    return text, await client.complete(published.uri, position)


async def accept(client: EditorClient, marked: str, label: str) -> str:
    text, result = await complete_at(client, marked)
    return client.accept(text, item_labelled(result, label))


def first_by_sort_text(result: types.CompletionList | None) -> str:
    assert result is not None
    return min(result.items, key=lambda item: item.sort_text or item.label).label


async def test_action_unterminated_string(client: EditorClient):
    result = await accept(client, HEAD + '"action": ["kms:Enc|', "kms:Encrypt")

    assert result == HEAD + '"action": ["kms:Encrypt"'


async def test_action_terminated_string(client: EditorClient):
    result = await accept(client, HEAD + '"action": ["kms:Enc|"], "resource": ["*"]}]}', "kms:Encrypt")

    assert result == HEAD + '"action": ["kms:Encrypt"], "resource": ["*"]}]}'


async def test_action_one_pair_quotes(client: EditorClient):
    result = await accept(client, HEAD + '"action": ["kms:Enc|"]}]}', "kms:Encrypt")

    assert result.count('"kms:Encrypt"') == 1
    assert '""' not in result
    assert "kms:kms:" not in result


async def test_action_cursor_mid_string(client: EditorClient):
    result = await accept(client, HEAD + '"action": ["kms:En|crypt"], "resource": ["*"]}]}', "kms:Encrypt")

    assert result == HEAD + '"action": ["kms:Encrypt"], "resource": ["*"]}]}'


async def test_action_name_prefix(client: EditorClient):
    result = await accept(client, HEAD + '"action": ["name/kms:D|"], "resource": ["*"]}]}', "name/kms:Decrypt")

    assert result == HEAD + '"action": ["name/kms:Decrypt"], "resource": ["*"]}]}'


async def test_action_service_wildcard(client: EditorClient):
    result = await accept(client, HEAD + '"action": ["kms:|"], "resource": ["*"]}]}', "kms:*")

    assert result == HEAD + '"action": ["kms:*"], "resource": ["*"]}]}'


async def test_action_items_cover_catalog(client: EditorClient):
    _, result = await complete_at(client, HEAD + '"action": ["kms:|"]}]}')

    assert result is not None
    # 85 kms APIs and "kms:*".
    assert len(result.items) == 86


async def test_action_service_prefix_outside_string(client: EditorClient):
    text, result = await complete_at(client, HEAD + '"action": [|], "resource": ["*"]}]}')
    item = item_labelled(result, "kms:")

    assert item.insert_text_format == types.InsertTextFormat.Snippet
    assert client.accept(text, item) == HEAD + '"action": ["kms:"], "resource": ["*"]}]}'
    assert item.command is not None
    assert item.command.command == "editor.action.triggerSuggest"


async def test_action_star_outside_string(client: EditorClient):
    result = await accept(client, HEAD + '"action": [|], "resource": ["*"]}]}', "*")

    assert result == HEAD + '"action": ["*"], "resource": ["*"]}]}'


async def test_statement_key_labels(client: EditorClient):
    _, result = await complete_at(client, '{"version": "2.0", "statement": [{"effect": "allow", |}]}')

    assert result is not None
    assert [item.label for item in result.items] == ["action", "resource", "condition", "principal"]


async def test_statement_key_outside_string(client: EditorClient):
    text, result = await complete_at(client, '{"version": "2.0", "statement": [{"effect": "allow", |}]}')
    item = item_labelled(result, "action")

    assert item.text_edit.new_text == '"action": ["$1"]'
    assert item.insert_text_format == types.InsertTextFormat.Snippet
    assert client.accept(text, item) == '{"version": "2.0", "statement": [{"effect": "allow", "action": [""]}]}'


async def test_statement_key_typed_prefix(client: EditorClient):
    result = await accept(client, '{"version": "2.0", "statement": [{"effect": "allow", "res|"}]}', "resource")

    assert result == '{"version": "2.0", "statement": [{"effect": "allow", "resource": [""]}]}'


async def test_statement_key_before_colon(client: EditorClient):
    result = await accept(client, '{"version": "2.0", "statement": [{"effect": "allow", "act|": ["*"]}]}', "action")

    assert result == '{"version": "2.0", "statement": [{"effect": "allow", "action": ["*"]}]}'


async def test_statement_key_unterminated_keeps_rest(client: EditorClient):
    result = await accept(client, '{"version": "2.0", "statement": [{"effect": "allow", "ac|}]}', "action")

    assert result == '{"version": "2.0", "statement": [{"effect": "allow", "action": [""]}]}'


async def test_action_unterminated_keeps_rest(client: EditorClient):
    result = await accept(client, HEAD + '"action": ["kms:Enc|]}]}', "kms:Encrypt")

    assert result == HEAD + '"action": ["kms:Encrypt"]}]}'


async def test_policy_key_labels(client: EditorClient):
    _, result = await complete_at(client, '{"version": "2.0", |}')

    assert result is not None
    assert [item.label for item in result.items] == ["statement", "principal"]


async def test_version_value(client: EditorClient):
    result = await accept(client, '{"version": "|"}', "2.0")

    assert result == '{"version": "2.0"}'


async def test_effect_labels(client: EditorClient):
    _, result = await complete_at(client, '{"version": "2.0", "statement": [{"effect": "|"}]}')

    assert result is not None
    assert [item.label for item in result.items] == ["allow", "deny"]


async def test_effect_inside_string(client: EditorClient):
    result = await accept(client, '{"version": "2.0", "statement": [{"effect": "|"}]}', "deny")

    assert result == '{"version": "2.0", "statement": [{"effect": "deny"}]}'


async def test_effect_replaces_typed_value(client: EditorClient):
    result = await accept(client, '{"version": "2.0", "statement": [{"effect": "al|"}]}', "allow")

    assert result == '{"version": "2.0", "statement": [{"effect": "allow"}]}'


async def test_effect_outside_string(client: EditorClient):
    result = await accept(client, '{"version": "2.0", "statement": [{"effect": |}]}', "allow")

    assert result == '{"version": "2.0", "statement": [{"effect": "allow"}]}'


async def test_resource_template_snippet(client: EditorClient):
    _, result = await complete_at(client, HEAD + '"action": ["kms:Encrypt"], "resource": ["|"]}]}')
    item = item_labelled(result, KEY_TEMPLATE)

    assert item.insert_text_format == types.InsertTextFormat.Snippet
    assert item.text_edit.new_text == (
        "qcs::kms:${1|" + REGIONS + "|}:uin/${2:100000000001}:key/creatorUin/${3:creatorUin}/${4:keyId}"
    )


async def test_resource_template_accepted(client: EditorClient):
    result = await accept(client, HEAD + '"action": ["kms:Encrypt"], "resource": ["|"]}]}', KEY_TEMPLATE)

    assert result == HEAD + (
        '"action": ["kms:Encrypt"], "resource": ["qcs::kms:ap-guangzhou:uin/100000000001:key/creatorUin/creatorUin/keyId"]}]}'
    )


async def test_resource_template_outside_string(client: EditorClient):
    result = await accept(client, HEAD + '"action": ["kms:Encrypt"], "resource": [|]}]}', KEY_TEMPLATE)

    assert result == HEAD + (
        '"action": ["kms:Encrypt"], "resource": ["qcs::kms:ap-guangzhou:uin/100000000001:key/creatorUin/creatorUin/keyId"]}]}'
    )


async def test_resource_level_template_first(client: EditorClient):
    _, result = await complete_at(client, HEAD + '"action": ["kms:Encrypt"], "resource": ["|"]}]}')

    assert first_by_sort_text(result) == KEY_TEMPLATE


async def test_operation_level_star_first(client: EditorClient):
    _, result = await complete_at(client, HEAD + '"action": ["kms:Decrypt", "kms:Encrypt"], "resource": ["|"]}]}')

    assert first_by_sort_text(result) == "*"


async def test_operation_level_only_star(client: EditorClient):
    _, result = await complete_at(client, HEAD + '"action": ["kms:Decrypt"], "resource": ["|"]}]}')

    assert result is not None
    assert [item.label for item in result.items] == ["*"]


async def test_resource_star_accepted(client: EditorClient):
    result = await accept(client, HEAD + '"action": ["kms:Decrypt", "kms:Encrypt"], "resource": ["|"]}]}', "*")

    assert result == HEAD + '"action": ["kms:Decrypt", "kms:Encrypt"], "resource": ["*"]}]}'


async def test_region_segment_labels(client: EditorClient):
    _, result = await complete_at(client, MULTILINE)

    assert result is not None
    assert ",".join(item.label for item in sorted(result.items, key=lambda item: item.sort_text)) == REGIONS


async def test_region_segment_replaced(client: EditorClient):
    result = await accept(client, MULTILINE, "ap-shanghai")

    assert result == MULTILINE.replace("ap-|", "ap-shanghai")


async def test_region_segment_range(client: EditorClient):
    _, result = await complete_at(client, MULTILINE)
    item = item_labelled(result, "ap-shanghai")

    # The region segment "ap-" spans characters 29-32 of line 6.
    assert item.text_edit.range == types.Range(start=types.Position(line=6, character=29), end=types.Position(line=6, character=32))


async def test_condition_operator_typed(client: EditorClient):
    marked = HEAD + '"action": ["kms:Encrypt"], "resource": ["*"], "condition": {"ip_|"}}]}'

    result = await accept(client, marked, "ip_equal")

    assert result == HEAD + '"action": ["kms:Encrypt"], "resource": ["*"], "condition": {"ip_equal": {}}}]}'


async def test_condition_operator_labels(client: EditorClient):
    _, result = await complete_at(client, HEAD + '"action": ["kms:Encrypt"], "resource": ["*"], "condition": {|}}]}')

    assert result is not None
    labels = {item.label for item in result.items}
    assert "ip_equal_if_exist" in labels
    assert "for_any_value:string_equal" in labels
    assert "null_equal" in labels
    assert "null_equal_if_exist" not in labels


async def test_condition_key_accepted(client: EditorClient):
    marked = HEAD + '"action": ["kms:Encrypt"], "resource": ["*"], "condition": {"ip_equal": {"|"}}}]}'

    result = await accept(client, marked, "qcs:ip")

    assert result == HEAD + '"action": ["kms:Encrypt"], "resource": ["*"], "condition": {"ip_equal": {"qcs:ip": [""]}}}]}'


async def test_condition_key_labels(client: EditorClient):
    _, result = await complete_at(client, HEAD + '"action": ["*"], "resource": ["*"], "condition": {"ip_equal": {|}}}]}')

    assert result is not None
    assert [item.label for item in result.items] == [
        "qcs:current_time", "qcs:ip", "qcs:resource_tag", "qcs:request_tag", "qcs:tag", "qcs:create_uin",
    ]


async def test_empty_document_skeleton(client: EditorClient):
    result = await accept(client, "|", "CAM policy")

    assert result == (
        '{\n\t"version": "2.0",\n\t"statement": [\n\t\t{\n\t\t\t"effect": "allow",\n\t\t\t"action": [""],\n'
        '\t\t\t"resource": ["*"]\n\t\t}\n\t]\n}'
    )


async def test_outside_root_empty(client: EditorClient):
    _, result = await complete_at(client, HEAD + '"action": ["*"], "resource": ["*"]}]}\n|')

    assert result is not None
    assert len(result.items) == 0
