"""The follow-up plan rules."""

from datetime import datetime

import pandas as pd

from reporting.followup import build_plan, overdue


def test_plan_items_by_band_complaint_and_need():
    visit = pd.Timestamp("2026-11-17 10:00")
    valid = pd.DataFrame(
        {"record_id": ["A", "B", "C"], "customer_id": ["C1", "C2", "C3"], "visit_at": [visit] * 3, "overall_satisfaction": [1.0, 3.0, 5.0]}
    )
    plan = build_plan(valid, pd.Series(["投诉", None, "表扬"]), pd.Series([False, True, False]))
    summary = [(r["记录编号"], r["负责人"], (r["计划跟进时间"] - visit) / pd.Timedelta(hours=1)) for r in plan.to_dict("records")]
    assert summary == [
        ("A", "投诉专员", 2.0),
        ("A", "客服主管", 24.0),
        ("B", "回访人", 168.0),
        ("B", "产品运营", 168.0),
        ("C", "回访人", 2160.0),
    ]
    assert set(plan["当前状态"]) == {"待跟进"}
    late = overdue(plan, datetime(2026, 11, 18, 12, 0))
    assert late.tolist() == [True, True, False, False, False]
