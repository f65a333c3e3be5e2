"""Demand mining and customer tags."""

import pandas as pd

from reporting.text.demand import demand_statements, mine_demands, tag_customers

RULES = {
    "markers": ["希望", "建议", "能不能"],
    "value_weights": {"VIP客户": 3},
    "topics": {"延长服务时间": ["晚上", "周末"], "进度查询与通知": ["进度"]},
}


def test_demand_statements_are_the_clauses_with_a_marker():
    assert demand_statements("师傅很好。希望周末也能上门，能不能短信通知进度", ["希望", "能不能"]) == [
        "希望周末也能上门",
        "能不能短信通知进度",
    ]


def test_demands_grouped_counted_and_prioritised_by_customer_value():
    valid = pd.DataFrame({"customer_id": ["C1", "C2", "C1"], "customer_type": ["新客户", "VIP客户", "新客户"]})
    texts = pd.Series(["希望晚上也有人", "建议周末上门，能不能查看进度", "建议多笑笑"])
    table = mine_demands(valid, texts, RULES)
    assert table.to_dict("records") == [
        {"topic": "延长服务时间", "mentions": 2, "customers": 2, "priority": 4.0, "example": "建议周末上门"},
        {"topic": "进度查询与通知", "mentions": 1, "customers": 1, "priority": 3.0, "example": "能不能查看进度"},
        {"topic": "其他需求", "mentions": 1, "customers": 1, "priority": 1.0, "example": "建议多笑笑"},
    ]


def test_tags_follow_the_rules():
    valid = pd.DataFrame(
        {"overall_satisfaction": [1.0, 5.0, 4.0], "nps": [2.0, 10.0, 8.0], "customer_type": ["VIP客户", "老客户", "新客户"]}
    )
    texts = pd.Series(["太慢了", "想办理新套餐", "能不能便宜点"])
    feedback = pd.Series(["投诉", "表扬", "建议"])
    problems = pd.DataFrame({"价格异议": [False, False, True]})
    rules = {
        "高价值客户": [{"customer_type_in": ["VIP客户"]}],
        "投诉风险客户": [{"feedback_type": "投诉"}, {"overall_at_most": 2}],
        "高潜力客户": [{"text_has": ["新套餐"]}, {"overall_at_least": 4}],
        "对价格敏感": [{"problem_in": ["价格异议"]}],
    }
    tags = tag_customers(valid, texts, feedback, problems, rules)
    assert tags.to_dict("list") == {
        "高价值客户": [True, False, False],
        "投诉风险客户": [True, False, False],
        "高潜力客户": [False, True, False],
        "对价格敏感": [False, False, True],
    }
