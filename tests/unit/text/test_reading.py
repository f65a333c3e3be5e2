"""Reading a period's comments: coverage gauge, themes of untyped complaints, the ranking and suggestions."""

from __future__ import annotations

import pandas as pd
import yaml

from reporting.text.reading import TextCoverage, problem_ranking, read_comments
from reporting.text.suggestions import suggest_types, suggestions_yaml
from reporting.vocab import load_taxonomy

UNTYPED = ["门禁卡刷不开大门", "门禁卡又刷不开了", "大门门禁卡刷不开", "门禁卡失灵，大门刷不开", "刷门禁卡，大门还是不开"]
TYPED = ["等了三天没人上门，太慢了", "客服态度很差"]
PRAISE = ["师傅很专业，非常满意"]


def responses() -> pd.DataFrame:
    texts = UNTYPED + TYPED + PRAISE
    ratings = [1.0] * (len(UNTYPED) + len(TYPED)) + [5.0]
    n = len(texts)
    return pd.DataFrame(
        {
            "comment": texts,
            "suggestion": [None] * n,
            "overall_satisfaction": ratings,
            "nps": [0.0] * n,
            "record_id": [f"R{i}" for i in range(n)],
        }
    )


def test_untyped_complaints_form_a_theme_and_the_gauge_counts_them():
    reading = read_comments(responses(), load_taxonomy())
    assert reading.coverage == TextCoverage(classified=2, themed=5, total=7)
    assert reading.coverage.share == 2 / 7 and reading.coverage.share_with_themes == 1.0
    (theme,) = reading.themes
    assert theme.positions == (0, 1, 2, 3, 4) and {"门禁卡", "大门"} <= set(theme.keywords)
    assert reading.theme_of.iloc[:5].eq(theme.name).all() and reading.theme_of.iloc[5:].isna().all()
    assert reading.learned.method == "prior"  # eight rated comments are too few to learn from


def test_themes_count_toward_the_ranking():
    reading = read_comments(responses(), load_taxonomy())
    ranking = problem_ranking(reading, respondents=8)
    assert ranking.iloc[0].to_dict() == {"type": f"主题「{reading.themes[0].name}」", "count": 5, "share": 5 / 8, "kind": "theme"}
    assert set(ranking["kind"]) == {"theme", "type"}


def test_suggestions_are_a_pastable_type_entry_without_existing_keywords():
    reading = read_comments(responses(), load_taxonomy())
    taxonomy = load_taxonomy()
    entries = suggest_types(reading.themes, taxonomy, reading.texts, reading.complaints)
    ((name, entry),) = entries.items()
    assert name.startswith("新类型·") and entry["patterns"] == []
    existing = {k for t in taxonomy.types for k in t.keywords}
    assert "门禁卡" in entry["keywords"] and not existing & set(entry["keywords"])
    assert yaml.safe_load(suggestions_yaml(entries)) == {"types": entries}


def test_suggested_keywords_leave_out_words_that_praise_also_uses():
    from reporting.text.themes import Theme

    texts = pd.Series(["说好当天回电，结果第三天才打过来", "说好当天回电，第四天才打来", "当天就处理好了，很满意", "当天上门，很专业"])
    complaints = pd.Series([True, True, False, False])
    theme = Theme("回电·当天", ("当天", "回电"), (0, 1))
    entries = suggest_types((theme,), load_taxonomy(), texts, complaints)
    assert entries == {"新类型·回电·当天": {"keywords": ["回电"], "patterns": []}}  # 当天 is half praise


def test_dissatisfied_voices_are_rated_one_to_three_or_negative_by_their_words_but_not_praise():
    from reporting.text.reading import dissatisfied_voices

    feedback = pd.DataFrame(
        {
            "sentiment": ["中性", "负面", "正面", "负面", "正面", "中性", "负面"],
            "feedback_type": [None, "投诉", "表扬", None, None, None, "投诉"],
        }
    )
    ratings = pd.Series([3.0, 5.0, 2.0, 4.0, 1.0, 4.0, None])
    has_words = pd.Series([True] * 6 + [False])
    # a neutral 3 is heard; a complaint rated 5 too; praise rated 2 is not (nor any positive comment without a complaint)
    assert dissatisfied_voices(has_words, ratings, feedback).tolist() == [True, True, False, True, False, False, False]
