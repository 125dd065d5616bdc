"""Completion and hover on every prefix of a real policy, as while typing it from the start, with the VS Code 1.65 capability set."""

from __future__ import annotations

from lsprotocol import types

from .conftest import EditorClient

POLICY = """\
{
  "version": "2.0",
  "statement": [
    {
      "effect": "allow",
      "action": ["name/kms:Encrypt", "kms:GenerateDataKey"],
      "resource": ["qcs::kms:ap-guangzhou:uin/100000000001:key/creatorUin/100000000001/*"],
      "condition": {"ip_equal": {"qcs:ip": ["10.0.0.0/8"]}}
    },
    {
      "effect": "deny",
      "action": ["kms:Decrypt"],
      "resource": "*"
    }
  ]
}
"""


def error_logs(client: EditorClient, since: int) -> list[str]:
    return [message.message for message in client.log_messages[since:] if message.type == types.MessageType.Error]


async def test_policy_length(client: EditorClient):
    assert 380 <= len(POLICY) <= 420


async def test_every_prefix_completion(client: EditorClient):
    opened = await client.open("")
    logs_before = len(client.log_messages)
    failures = []
    unexpected = []

    for length in range(len(POLICY) + 1):
        prefix = POLICY[:length]
        client.send_change(opened.uri, length + 2, types.TextDocumentContentChangeWholeDocument(text=prefix))
        try:
            result = await client.complete(opened.uri, client.position_at(prefix, length))
        except Exception as error:
            failures.append((length, repr(error)))
            continue
        if result is not None and not isinstance(result, types.CompletionList):
            unexpected.append((length, type(result).__name__))

    last = await client.diagnostics_after(0, opened.uri, len(POLICY) + 2)
    assert failures == []
    assert unexpected == []
    assert error_logs(client, logs_before) == []
    assert len(last.diagnostics) == 0


async def test_every_prefix_hover(client: EditorClient):
    opened = await client.open("")
    logs_before = len(client.log_messages)
    failures = []

    for length in range(1, len(POLICY) + 1):
        prefix = POLICY[:length]
        client.send_change(opened.uri, length + 1, types.TextDocumentContentChangeWholeDocument(text=prefix))
        try:
            # One character before the end: on the last token typed.
            await client.hover(opened.uri, client.position_at(prefix, length - 1))
        except Exception as error:
            failures.append((length, repr(error)))

    await client.diagnostics_after(0, opened.uri, len(POLICY) + 1)
    assert failures == []
    assert error_logs(client, logs_before) == []


async def test_prefix_action_completes(client: EditorClient):
    length = POLICY.index("Encrypt") + len("Enc")
    prefix = POLICY[:length]
    opened = await client.open(prefix)

    result = await client.complete(opened.uri, client.position_at(prefix, length))

    assert result is not None
    assert "name/kms:Encrypt" in [item.label for item in result.items]
