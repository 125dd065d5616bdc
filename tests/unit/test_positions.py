"""Offsets to LSP positions and back, in UTF-8, UTF-16 and UTF-32, with emoji, CJK and CRLF."""

import pytest

from cam_policy_ls.positions import UTF8, UTF16, UTF32, LineIndex

TEXT = 'ab\r\n"😀中x"\ny\rz'
# Offset of "x" on line 1 is 4 + 3 = 7: '"' is 1 unit, '😀' is 2 UTF-16 / 4 UTF-8 units, '中' is 1 / 3.


@pytest.mark.parametrize(("encoding", "character"), [(UTF16, 4), (UTF8, 8), (UTF32, 3)])
def test_position_after_emoji_and_cjk(encoding, character):
    assert LineIndex(TEXT).position(TEXT.index("x"), encoding) == (1, character)


@pytest.mark.parametrize(("encoding", "character"), [(UTF16, 4), (UTF8, 8), (UTF32, 3)])
def test_offset_after_emoji_and_cjk(encoding, character):
    assert LineIndex(TEXT).offset(1, character, encoding) == TEXT.index("x")


def test_line_breaks_crlf_lf_cr():
    index = LineIndex(TEXT)
    assert index.position(TEXT.index("y")) == (2, 0)
    assert index.position(TEXT.index("z")) == (3, 0)


def test_offset_in_middle_of_surrogate_pair():
    index = LineIndex(TEXT)
    assert index.offset(1, 2, UTF16) == TEXT.index("😀") + 1


def test_out_of_range_clamped():
    index = LineIndex(TEXT)
    assert index.offset(99, 0) == len(TEXT)
    assert index.offset(0, 99) == 2
    assert index.offset(-1, 0) == 0
    assert index.position(999) == (3, 1)


def test_position_on_line_break_is_line_end():
    assert LineIndex(TEXT).position(3) == (0, 2)
