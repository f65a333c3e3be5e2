"""Score bands, NPS groups and problem tagging (with negation)."""

import pandas as pd

from reporting.text.classify import feedback_text, normalise_wording, nps_group, problem_distribution, score_band, tag_problems
from reporting.vocab import ProblemType, Taxonomy, load_taxonomy


def test_bands_and_groups():
    assert list(score_band(pd.Series([1, 2, 3, 4, 5]))) == ["不满意", "不满意", "一般", "一般", "非常满意"]
    assert list(nps_group(pd.Series([0, 6, 7, 8, 9, 10]))) == ["贬损者", "贬损者", "中立者", "中立者", "推荐者", "推荐者"]


def test_tagging_respects_negation():
    taxonomy = Taxonomy("t", ("不", "并不", "没有"), (ProblemType("响应速度", ("慢",), ()), ProblemType("价格异议", ("贵",), ())))
    texts = pd.Series(["处理太慢了", "一点都不慢", "价格并不贵", "有点贵，还很慢", None])
    tags = tag_problems(texts, taxonomy)
    assert tags["响应速度"].tolist() == [True, False, False, True, False]
    assert tags["价格异议"].tolist() == [False, False, False, True, False]


def test_bundled_taxonomy_on_typical_comments():
    tags = tag_problems(
        pd.Series(
            ["电话打了5次都没人接", "客服态度很差，很不耐烦", "APP经常闪退，登录不了", "师傅很专业，响应很快", "办理流程繁琐，材料太多"]
        ),
        load_taxonomy(),
    )
    found = [sorted(tags.columns[row].tolist()) for row in tags.to_numpy()]
    assert found == [["响应速度"], ["服务态度"], ["产品功能"], [], ["流程漏洞"]]


def test_pattern_keywords():
    tags = tag_problems(pd.Series(["等了三天才有人来", "等了一会儿"]), load_taxonomy())
    assert tags["响应速度"].tolist() == [True, False]


def test_feedback_text_joins_comment_and_suggestion():
    records = pd.DataFrame({"comment": ["很慢", None, "好"], "suggestion": ["希望快点", "建议加人", None]})
    assert feedback_text(records).tolist() == ["很慢；希望快点", "建议加人", "好"]


def test_wording_is_normalised_for_analysis_only():
    assert normalise_wording(pd.Series(["客服回复太慢了，电话打不通", None])).tolist() == ["客服响应速度慢了，电话无人接听", None]
    records = pd.DataFrame({"comment": ["态度不好，反应太慢"], "suggestion": [None]})
    assert feedback_text(records).tolist() == ["服务态度差，响应速度慢"]
    assert tag_problems(feedback_text(records), load_taxonomy()).loc[0, ["响应速度", "服务态度"]].tolist() == [True, True]


def test_second_level_causes_with_other():
    from reporting.text.classify import count_causes

    causes = (ProblemType("电话无人接听", ("没人接",), ()), ProblemType("处理不及时", ("迟迟", "才上门"), ()))
    texts = pd.Series(["电话没人接，迟迟没人管", "等了三天才上门", "太慢了", "没人接"])
    assert count_causes(texts, causes) == (("电话无人接听", 2, 0.5), ("处理不及时", 2, 0.5), ("其他", 1, 0.25))
    assert count_causes(pd.Series([], dtype=object), causes) == ()


def test_problem_trend_per_period():
    from datetime import date

    from reporting.report.weekly.trends import problem_trends
    from reporting.report.window import window_of

    records = pd.DataFrame(
        {
            "record_id": ["a", "b", "c", "d", "e"],
            "visit_at": pd.to_datetime(["2026-11-10", "2026-11-11", "2026-11-17", "2026-11-18", "2026-11-19"]),
            "valid": [True, True, True, True, True],
            "comment": ["很慢", "很好", "很慢", "太慢了", None],  # a response without words still counts
            "overall_satisfaction": [2, 5, 2, 1, 4],
            "nps": [3, 9, 4, 2, 8],
        }
    )
    window = window_of(records, date(2026, 11, 16), date(2026, 11, 22), 3)
    trend = problem_trends(window, load_taxonomy(), ("响应速度",), date(2026, 11, 16), date(2026, 11, 22), 3)["响应速度"]
    assert trend == ((date(2026, 11, 9), 0.5), (date(2026, 11, 16), 2 / 3))


def test_problem_distribution_orders_by_count_then_taxonomy_order():
    tags = pd.DataFrame({"响应速度": [True, False, True], "服务态度": [True, True, False], "价格异议": [False, False, False]})
    table = problem_distribution(tags, respondents=4)
    assert table.to_dict("records") == [
        {"type": "响应速度", "count": 2, "share": 0.5},
        {"type": "服务态度", "count": 2, "share": 0.5},
    ]
