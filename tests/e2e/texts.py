"""Policy texts and helpers shared by the position tests of each client.

The texts put an emoji and CJK text before ``kms:Decrypt`` on the same line, so each
client's position encoding changes the expected columns.
"""

from __future__ import annotations

from lsprotocol import types

HEAD = '{"version": "2.0", "statement": [{"effect": "allow", '
KEY = "qcs::kms:ap-guangzhou:uin/100000000001:key/creatorUin/100000000001/k1"
EMOJI_LINE = HEAD + '"action": ["😀", "kms:Decrypt"], "resource": ["' + KEY + '"]}]}'
EMOJI_AND_CJK = """\
{
  "version": "2.0",
  "statement": [
    {
      "effect": "allow",
      "action": ["😀", "中文", "kms:Decrypt"],
      "resource": ["KEY"]
    }
  ]
}
""".replace("KEY", KEY)
CRLF = EMOJI_AND_CJK.replace('"😀", "中文", ', "").replace("\n", "\r\n")


def span(line: int, start: int, end: int) -> types.Range:
    return types.Range(start=types.Position(line=line, character=start), end=types.Position(line=line, character=end))


def find(published: types.PublishDiagnosticsParams, code: str) -> list[types.Diagnostic]:
    return [diagnostic for diagnostic in published.diagnostics if diagnostic.code == code]
