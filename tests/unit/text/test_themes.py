"""Themes discovered in the complaints the taxonomy left untyped."""

from __future__ import annotations

import pandas as pd

from reporting.text.themes import discover_themes

DELIVERY = ["快递三天还没到", "快递等了三天都没到", "三天了快递还没到", "快递三天没到，怎么回事", "等了三天快递还没到，太慢了"]
INVOICE = ["发票开错了抬头", "发票抬头写错了", "发票抬头错了", "发票的抬头不对", "发票抬头错误"]


def test_five_near_identical_complaints_form_one_theme():
    (theme,) = discover_themes(pd.Series(DELIVERY))
    assert theme.positions == (0, 1, 2, 3, 4)
    assert {"快递", "三天"} <= set(theme.keywords) and theme.name.count("·") >= 1


def test_two_kinds_of_complaint_form_two_themes():
    themes = discover_themes(pd.Series(DELIVERY + INVOICE))
    assert sorted(t.positions for t in themes) == [(0, 1, 2, 3, 4), (5, 6, 7, 8, 9)]
    assert any("发票" in t.keywords and "抬头" in t.keywords for t in themes)


def test_comments_sharing_no_words_make_no_theme():
    assert discover_themes(pd.Series(["快递没到", "发票开错"])) == ()
    assert discover_themes(pd.Series([], dtype=object)) == ()


def test_same_input_same_themes():
    texts = pd.Series(DELIVERY + INVOICE + ["师傅迟到了两个小时", "迟到两个小时还不道歉"])
    assert discover_themes(texts) == discover_themes(texts)
