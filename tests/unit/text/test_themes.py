"""Themes discovered in the dissatisfied comments the taxonomy left untyped, named by their own phrases."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix

from reporting.text.phrases import comment_terms
from reporting.text.themes import (
    SEED,
    TermMatrix,
    Theme,
    _sample,
    attach_leftovers,
    class_tfidf,
    content_text,
    discover_themes,
    find_boilerplate,
    group_embeddings,
    name_themes,
    representative,
    term_matrix,
    with_subject,
)

DELIVERY = ["快递三天还没到", "快递等了三天都没到", "三天了快递还没到", "快递三天没到，怎么回事", "等了三天快递还没到，太慢了"]
INVOICE = ["发票开错了抬头", "发票抬头写错了", "发票抬头错了", "发票的抬头不对", "发票抬头错误"]
FEE = ["手机莫名产生上网费用", "上网费用太高了", "没开流量却扣了上网费用", "上网费用扣错了", "这个月上网费用翻倍了"]
SLOW = ["上菜太慢了", "等了一个小时，上菜太慢", "上菜太慢，菜也凉了", "周末人多上菜太慢", "上菜太慢，催了三次"]
NOISE = ["隔壁装修太吵", "楼上装修太吵了", "装修太吵睡不着", "早上七点装修太吵", "装修太吵，投诉没用"]
LOCK = ["门禁卡刷不开大门", "门禁卡又刷不开了", "大门门禁卡刷不开", "门禁卡失灵，大门刷不开", "刷门禁卡，大门还是不开"]
TEMPLATE = "客户反映：{}，要求处理，谢谢。"
TEMPLATE_WORDS = {"客户", "反映", "要求", "处理", "谢谢"}


def test_five_near_identical_complaints_form_one_theme():
    (theme,) = discover_themes(pd.Series(DELIVERY))
    # no phrase is held by three of them: the name falls back to the two strongest words
    assert theme == Theme("三天·快递", ("三天", "快递", "没到"), (0, 1, 2, 3, 4))


def test_each_theme_is_named_by_the_phrase_its_comments_share():
    themes = discover_themes(pd.Series(FEE + SLOW))
    assert themes == (
        Theme("上网费用", ("上网", "费用"), (0, 1, 2, 3, 4)),
        Theme("上菜太慢", ("上菜", "太慢"), (5, 6, 7, 8, 9)),
    )


def test_two_kinds_of_complaint_form_two_themes():
    themes = discover_themes(pd.Series(DELIVERY + INVOICE))
    assert sorted(t.positions for t in themes) == [(0, 1, 2, 3, 4), (5, 6, 7, 8, 9)]
    assert Theme("发票抬头", ("发票", "抬头"), (5, 6, 7, 8, 9)) in themes


def test_a_template_shared_by_every_comment_is_boilerplate_and_never_a_theme_or_a_name():
    texts = pd.Series([TEMPLATE.format(t) for t in FEE + SLOW + NOISE + LOCK])
    matrix = term_matrix([comment_terms(t) for t in texts])
    boilerplate = find_boilerplate(matrix, None, _sample(len(texts), SEED), 8)
    assert boilerplate == {("客户",), ("反映",), ("要求",), ("处理",), ("谢谢",), ("客户", "反映"), ("要求", "处理")}
    themes = discover_themes(texts)
    # the comments group by what they say, exactly as without the template
    assert [t.positions for t in themes] == [t.positions for t in discover_themes(pd.Series(FEE + SLOW + NOISE + LOCK))]
    assert [t.name for t in themes] == ["上网费用", "上菜太慢", "装修太吵", "门禁卡·大门"]
    for theme in themes:
        assert not any(w in theme.name for w in TEMPLATE_WORDS) and not TEMPLATE_WORDS & set(theme.keywords)


def test_comments_sharing_no_words_make_no_theme():
    assert discover_themes(pd.Series(["快递没到", "发票开错"])) == ()
    assert discover_themes(pd.Series([], dtype=object)) == ()


def test_same_input_same_themes():
    texts = pd.Series(DELIVERY + INVOICE + ["师傅迟到了两个小时", "迟到两个小时还不道歉"])
    assert discover_themes(texts) == discover_themes(texts)


def matrix_of(terms: list[tuple[str, ...]], rows: list[list[int]]) -> TermMatrix:
    """A term matrix by hand: which terms (by index) each comment holds."""
    data = csr_matrix(np.array([[1.0 if j in row else 0.0 for j in range(len(terms))] for row in rows]))
    return TermMatrix(terms, sum(len(t) == 1 for t in terms), data)


def test_class_tfidf_weighs_a_terms_share_of_the_group_by_its_rarity():
    # terms: a (both groups), b (group 0 only); group 0 holds a, b twice; group 1 holds a twice
    matrix = matrix_of([("a",), ("b",)], [[0, 1], [0, 1], [0], [0]])
    scores, held = class_tfidf(matrix.presence, np.array([0, 0, 1, 1]), [0, 1])
    assert held.tolist() == [[2.0, 2.0], [2.0, 0.0]]
    average = 3.0  # term occurrences per group: (4 + 2) / 2
    expected = [[0.5 * np.log1p(average / 4), 0.5 * np.log1p(average / 2)], [1.0 * np.log1p(average / 4), 0.0]]
    assert np.allclose(scores, expected)


def test_names_are_characteristic_phrases_unique_and_free_of_boilerplate():
    terms = [("房间",), ("太吵",), ("隔音",), ("房间", "太吵"), ("隔音", "差"), ("谢谢", "师傅")]
    boilerplate = frozenset({("谢谢",)})
    # group 0: five comments holding 房间太吵 and 谢谢师傅; group 1: one holding 房间太吵, three 隔音差
    matrix = matrix_of(terms, [[0, 1, 3, 5]] * 5 + [[0, 1, 3]] + [[2, 4]] * 3)
    themes = name_themes(matrix, np.array([0] * 5 + [1] * 4), boilerplate)
    # 谢谢师傅 is held by all of group 0 but holds boilerplate; group 1 may not take the larger group's name
    assert themes == (Theme("房间太吵", ("太吵", "房间"), (0, 1, 2, 3, 4)), Theme("隔音差", ("隔音", "太吵", "房间"), (5, 6, 7, 8)))


def test_a_theme_whose_best_phrase_names_a_larger_theme_joins_it():
    terms = [("房间",), ("太吵",), ("隔音",), ("房间", "太吵"), ("隔音", "差")]
    matrix = matrix_of(terms, [[0, 1, 3]] * 8 + [[2, 4]])
    themes = name_themes(matrix, np.array([0] * 5 + [1] * 4), frozenset())
    assert themes == (Theme("房间太吵", ("太吵", "房间"), tuple(range(9))),)


def test_a_theme_without_a_phrase_held_by_three_of_its_comments_is_named_by_its_two_strongest_words():
    terms = [("房间",), ("太吵",), ("隔音",), ("房间", "太吵"), ("隔音", "差")]
    matrix = matrix_of(terms, [[0, 1, 3]] * 5 + [[2, 4], [1, 2], [1, 2], [2]])
    themes = name_themes(matrix, np.array([0] * 5 + [1] * 4), frozenset())
    assert [t.name for t in themes] == ["房间太吵", "隔音·太吵"]  # 隔音差 is held by one comment of four


def test_a_left_out_comment_joins_its_nearest_theme_only_when_as_close_as_a_typical_member():
    # theme 0 along the first axis, theme 1 along the second; one member of each leans towards the other
    members = [[1, 0], [1, 0], [1, 0], [0.8, 0.6], [0, 1], [0, 1], [0, 1], [0.6, 0.8]]
    # centroid 0 = (3.8, 0.6) / |.|: members' similarities 0.884, 0.988 (x3), lower quartile 0.962
    left_out = [[0.96, 0.28], [0.28, 0.96], [0.6, 0.8], [2**-0.5, 2**-0.5], [0, 0]]
    features = csr_matrix(np.array(members + left_out))
    assignment = np.array([0, 0, 0, 0, 1, 1, 1, 1, -1, -1, -1, -1, -1])
    joined = attach_leftovers(features, assignment)
    # 0.992 and 0.992 reach the quartile; 0.884 (a member's own place) and 0.807 (between both) do not; no words, no theme
    assert joined.tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 0, 1, -1, -1, -1]
    assert assignment[8] == -1  # the input is not changed


def test_without_themes_or_left_out_comments_nothing_moves():
    features = csr_matrix(np.array([[1.0, 0.0], [0.0, 1.0]]))
    assert attach_leftovers(features, np.array([-1, -1])).tolist() == [-1, -1]
    assert attach_leftovers(features, np.array([0, 1])).tolist() == [0, 1]


def test_content_text_drops_the_tokens_of_boilerplate_words_and_phrases_and_keeps_the_clauses():
    boilerplate = frozenset({("客户",), ("反映",), ("要求", "处理"), ("谢谢",)})
    assert content_text("客户反映：屏幕不清晰，充电很慢，要求处理，谢谢。", boilerplate) == "屏幕不清晰，充电很慢"
    assert content_text("要求退款", boilerplate) == "要求退款"  # 要求 alone is no boilerplate here
    assert content_text("客户反映，谢谢", boilerplate) == ""


def test_embeddings_group_by_k_means_with_the_count_the_silhouette_prefers():
    rng = np.random.default_rng(0)
    centres = np.eye(8)[:3] * 5
    vectors = np.vstack([centres[k] + rng.normal(0, 0.3, size=(6, 8)) for k in range(3)])
    groups, centrality = group_embeddings(vectors, np.arange(18), SEED, 12)
    assert [set(np.flatnonzero(groups == g)) for g in sorted(set(groups), key=lambda g: np.flatnonzero(groups == g)[0])] == [
        set(range(0, 6)),
        set(range(6, 12)),
        set(range(12, 18)),
    ]
    assert centrality.shape == (18,) and (centrality > 0.8).all()
    single, _ = group_embeddings(vectors[:5], np.arange(5), SEED, 12)  # too few to split: one group
    assert single.tolist() == [0, 0, 0, 0, 0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no k-means warning reaches the run's log
        same, _ = group_embeddings(np.tile(vectors[:1], (10, 1)), np.arange(10), SEED, 12)
    assert same.tolist() == [0] * 10  # ten identical comments: one group, not one k-means fit per count


def test_a_group_is_represented_by_the_most_central_short_first_clause():
    contents = ["快递三天还没到，催了也没用", "物流太慢", "配送拖了好几天还没有任何消息通知我们"]
    assert representative(contents, np.array([0.9, 0.8, 0.95])) == "快递三天还没到"  # the most central is too long
    assert representative(contents[2:], np.array([0.9])) == "配送拖了好几天还没有任何…"
    assert representative([], np.array([])) == ""
    assert representative(["", ""], np.array([0.9, 0.8])) == ""  # no words left: no name, the group is dropped


def test_a_group_sharing_no_word_is_named_by_its_representative_words():
    terms = [comment_terms(t) for t in ["客服态度恶劣", "接线员很不耐烦", "快递太慢", "物流太慢"]]
    matrix = term_matrix(terms)
    themes = name_themes(matrix, np.array([0, 0, 1, 1]), frozenset(), {0: "客服态度恶劣", 1: "快递太慢"})
    assert [(t.name, t.positions) for t in themes] == [("太慢", (2, 3)), ("客服态度恶劣", (0, 1))]


def test_a_name_phrase_that_mentions_no_subject_gets_the_themes_strongest_word_before_it():
    assert with_subject("不满意", ("裤子", "衣服", "颜色")) == "裤子·不满意"
    assert with_subject("衣服质量", ("裤子", "衣服", "颜色")) == "衣服质量"  # the second strongest word is a subject too
    assert with_subject("头皮痒", ("头皮屑", "假货")) == "头皮痒"  # two characters of 头皮屑 are mention enough
    assert with_subject("不新鲜", ("苹果", "水果", "新鲜")) == "苹果·不新鲜"  # 新鲜 is only the third
    assert with_subject("", ("裤子",)) == "" and with_subject("不满意", ()) == "不满意"
