"""A comment's words and candidate phrases (word n-grams inside one clause)."""

from __future__ import annotations

from reporting.text.phrases import CommentTerms, clause_phrases, comment_terms, join_tokens


def test_phrases_are_runs_of_two_to_four_tokens_inside_one_clause():
    terms = comment_terms("客户反映：手机产生上网费用，要求处理，谢谢。")
    assert terms == CommentTerms(
        words=("客户", "反映", "手机", "产生", "上网", "费用", "要求", "处理", "谢谢"),
        phrases=(
            ("客户", "反映"),
            ("手机", "产生"),
            ("手机", "产生", "上网"),
            ("手机", "产生", "上网", "费用"),
            ("产生", "上网"),
            ("产生", "上网", "费用"),
            ("上网", "费用"),
            ("要求", "处理"),
        ),
    )


def test_a_phrase_may_open_with_a_negation_and_close_on_a_single_character_but_not_on_a_localiser():
    assert clause_phrases(("没有", "热水")) == [("没有", "热水")]
    assert clause_phrases(("手机", "充不进", "电")) == [("手机", "充不进"), ("手机", "充不进", "电"), ("充不进", "电")]
    assert clause_phrases(("房间", "里", "很", "冷")) == [("房间", "里", "很", "冷")]  # never 房间里
    assert clause_phrases(("的", "了")) == []


def test_a_phrase_repeats_no_token_and_stays_short():
    assert clause_phrases(("差评", "差评")) == []
    # all three: thirteen characters, over ten
    assert clause_phrases(("中华人民共和国", "国务院", "办公厅")) == [("中华人民共和国", "国务院"), ("国务院", "办公厅")]


def test_tokens_are_joined_as_written():
    assert join_tokens(("上菜", "太慢")) == "上菜太慢"
    assert join_tokens(("iPhone", "12", "屏幕")) == "iPhone 12屏幕"
