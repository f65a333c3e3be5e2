"""Distinguishing keywords: segmentation with the domain dictionary and weighted log-odds."""

import math
from collections import Counter

import pandas as pd
import pytest

from reporting.text.keywords import distinguishing_keywords, log_odds, segment


def test_segmentation_keeps_domain_words_and_drops_stopwords():
    assert segment("客服回复太慢，电话打了5次都没人接，师傅很专业") == ["客服", "回复", "太慢", "电话", "没人接", "师傅", "专业"]


def test_log_odds_by_hand():
    group_a, group_b = Counter({"慢": 8, "好": 2}), Counter({"慢": 2, "好": 8})
    prior = group_a + group_b
    scores = log_odds(group_a, group_b, prior, prior_strength=10)
    alpha = 10 * 10 / 20  # each word is half of the background
    delta = math.log((8 + alpha) / (10 + 10 - 8 - alpha)) - math.log((2 + alpha) / (10 + 10 - 2 - alpha))
    assert scores["慢"] == pytest.approx(delta / math.sqrt(1 / (8 + alpha) + 1 / (2 + alpha)))
    assert scores["好"] == pytest.approx(-scores["慢"])


def test_detractor_and_promoter_words():
    texts = pd.Series(["处理太慢，没人接"] * 12 + ["师傅专业，上门准时"] * 12)
    nps = pd.Series([2] * 12 + [10] * 12)
    detractor_words, promoter_words = distinguishing_keywords(texts, nps)
    assert {k.word for k in detractor_words} == {"处理", "太慢", "没人接"}
    assert {k.word for k in promoter_words} == {"师傅", "专业", "上门", "准时"}
    assert distinguishing_keywords(texts.head(15), nps.head(15)) is None


def test_the_prefix_dictionary_cache_is_written_reused_and_rebuilt_when_damaged(tmp_path):
    import jieba

    from reporting.text.keywords import _prefix_dictionary

    plain = jieba.Tokenizer()
    plain.initialize()
    built = _prefix_dictionary(jieba.Tokenizer(), tmp_path)
    (cached,) = tmp_path.glob("jieba-*.pickle")
    assert built == (plain.FREQ, plain.total) and cached.name.startswith(f"jieba-{jieba.__version__}-")
    assert _prefix_dictionary(jieba.Tokenizer(), tmp_path) == built  # read back from the file
    cached.write_bytes(b"not a pickle")
    assert _prefix_dictionary(jieba.Tokenizer(), tmp_path) == built and cached.stat().st_size > 1000


def test_an_unwritable_cache_folder_still_segments(tmp_path):
    import jieba

    from reporting.text.keywords import _prefix_dictionary

    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    freq, total = _prefix_dictionary(jieba.Tokenizer(), blocked / "cache")
    assert freq["师傅"] > 0 and total > 0
