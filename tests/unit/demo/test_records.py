"""The demo data generator."""

from datetime import date

import pandas as pd

from reporting.demo.population import BAD_AGENT
from reporting.demo.records import DemoSpec, generate_demo_records

SPEC = DemoSpec(weeks=8, rows_per_week=120, seed=11, end=date(2026, 11, 22))


def test_same_seed_same_records_other_seed_other_records():
    first = generate_demo_records(SPEC)
    pd.testing.assert_frame_equal(first, generate_demo_records(SPEC))
    assert not first.equals(generate_demo_records(DemoSpec(8, 120, 12, date(2026, 11, 22))))


def test_shape_and_vocabulary():
    records = generate_demo_records(SPEC)
    visits = pd.to_datetime(records["visit_at"])
    assert visits.min() >= pd.Timestamp("2026-09-28") and visits.max() < pd.Timestamp("2026-11-23")
    assert visits.dt.to_period("W").nunique() == 8
    assert records["service_type"].nunique() >= 4
    assert records["visitor"].nunique() >= 10
    assert {"完成", "拒访", "未接通"} <= set(records["status"])
    assert set(records["first_contact_resolved"].dropna()) == {"是", "否", "不确定"}


def test_scores_correlate_and_comments_vary():
    records = generate_demo_records(SPEC)
    completed = records.loc[records["status"].eq("完成")].dropna(subset=["overall_satisfaction", "nps"])
    completed = completed.loc[completed["overall_satisfaction"].between(1, 5)].astype(
        {"overall_satisfaction": float, "nps": float, "score_attitude": float}
    )
    assert completed["overall_satisfaction"].corr(completed["nps"]) > 0.7
    assert completed["overall_satisfaction"].corr(completed["score_attitude"]) > 0.4
    comments = completed["comment"].dropna()
    assert comments.nunique() > 0.4 * len(comments)


def test_the_bad_agent_and_the_slow_last_week_are_findable():
    records = generate_demo_records(SPEC)
    done = records.loc[records["status"].eq("完成")].astype({"score_attitude": float, "score_speed": float})
    by_agent = done.groupby("visitor")["score_attitude"].mean()
    assert by_agent.idxmin() == BAD_AGENT
    last_week = pd.to_datetime(done["visit_at"]) >= pd.Timestamp("2026-11-16")
    assert done.loc[last_week, "score_speed"].mean() < done.loc[~last_week, "score_speed"].mean() - 0.5
