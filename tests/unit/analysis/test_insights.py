"""Strengths, weaknesses and rule-based recommendations."""

from datetime import date

import pandas as pd
import pytest

from reporting.analysis.insights import Finding, find_strengths, find_weaknesses, lagging_agent, recommend
from reporting.vocab import load_rules

MEANS = {
    "overall_satisfaction": (3.9, 100),
    "score_speed": (3.1, 100),
    "score_professional": (4.4, 100),
    "score_clarity": (4.1, 100),
    "score_attitude": (4.5, 98),
}
EMPTY = pd.DataFrame()


def agents(means):
    return pd.DataFrame(
        {"visitor": [f"KF{i}" for i in range(len(means))], "valid": [20] * len(means), "satisfaction_mean": means, "shown": True}
    )


def test_strengths_are_the_best_dimensions():
    found = find_strengths(MEANS, EMPTY)
    assert [(f.subject, f.value, f.n) for f in found] == [("score_attitude", 4.5, 98), ("score_professional", 4.4, 100)]


def test_weaknesses_worst_first_with_top_problem():
    problems = pd.DataFrame([{"type": "响应速度", "count": 30, "share": 0.3}])
    found = find_weaknesses(MEANS, problems, 100, EMPTY, agent_gap=0.5)
    assert [(f.kind, f.subject) for f in found] == [("dimension", "score_speed"), ("dimension", "score_clarity"), ("problem", "响应速度")]


def test_lagging_agent_needs_the_gap():
    assert lagging_agent(agents([4.0, 4.0, 4.0, 3.8]), gap=0.5) is None
    found = lagging_agent(agents([4.2, 4.2, 4.2, 3.0]), gap=0.5)
    assert (found.subject, found.value) == ("KF3", 3.0)
    assert dict(found.extra)["gap"] == pytest.approx(0.9)


def test_recommendation_targets_are_computed_from_current_values():
    rules = load_rules()
    weaknesses = (Finding("dimension", "score_speed", 3.1, 100), Finding("dimension", "score_clarity", 4.1, 100))
    problems = pd.DataFrame([{"type": "响应速度", "count": 30, "share": 0.3}, {"type": "价格异议", "count": 1, "share": 0.01}])
    found = recommend(weaknesses, problems, rules, date(2026, 11, 22))
    summary = [(r.kind, r.subject, r.owner, r.due, r.current, r.target) for r in found]
    assert summary == [
        # speed: max(3.1 + 0.3, floor 4.0) = 4.0, due in 28 days
        ("dimension", "score_speed", "客服主管", date(2026, 12, 20), 3.1, 4.0),
        # clarity: max(4.1 + 0.2, 4.0) = 4.3
        ("dimension", "score_clarity", "客服主管", date(2026, 12, 20), 4.1, 4.3),
        # 30 % × (1 − 0.3) = 21 %; price objections at 1 % stay below their 5 % trigger
        ("problem", "响应速度", "运营主管", date(2026, 12, 20), 0.3, 0.21),
    ]


def test_no_rule_fires_when_everything_is_fine():
    weaknesses = (Finding("dimension", "score_speed", 4.6, 100),)
    assert recommend(weaknesses, pd.DataFrame(columns=["type", "count", "share"]), load_rules(), date(2026, 11, 22)) == ()


def test_driver_importance_reorders_weaknesses_and_strengths_never_repeat_them():
    importance = {"score_speed": 0.1, "score_professional": 0.5, "score_clarity": 0.2, "score_attitude": 0.2}
    # priority = importance × (5 − mean): speed 0.19, professional 0.30, clarity 0.18, attitude 0.10
    found = find_weaknesses(MEANS, pd.DataFrame(columns=["type", "count", "share"]), 100, EMPTY, 0.5, importance)
    assert [(f.subject, dict(f.extra)["importance"]) for f in found] == [("score_professional", 0.5), ("score_speed", 0.1)]
    strengths = find_strengths(MEANS, EMPTY, found)
    assert [f.subject for f in strengths] == ["score_attitude", "score_clarity"]
