"""The follow-up plan rules."""

from datetime import datetime

import pandas as pd
import pytest

from reporting.errors import ParameterError
from reporting.followup.plan import build_plan, escalation_list, item_id, overdue
from reporting.followup.progress import assign_owners, followup_kpis, parse_owner_groups, second_round, workload
from reporting.intake.pairs import parse_pairs


def test_plan_items_by_band_complaint_and_need():
    visit = pd.Timestamp("2026-11-17 10:00")
    valid = pd.DataFrame(
        {"record_id": ["A", "B", "C"], "customer_id": ["C1", "C2", "C3"], "visit_at": [visit] * 3, "overall_satisfaction": [1.0, 3.0, 5.0]}
    )
    plan = build_plan(valid, pd.Series(["投诉", None, "表扬"]), pd.Series([False, True, False]))
    summary = [(r["record_id"], r["owner"], (r["due_at"] - visit) / pd.Timedelta(hours=1)) for r in plan.to_dict("records")]
    assert summary == [
        ("A", "投诉专员", 2.0),
        ("A", "客服主管", 24.0),
        ("B", "回访人", 168.0),
        ("B", "产品运营", 168.0),
        ("C", "回访人", 2160.0),
    ]
    assert set(plan["status"]) == {"待跟进"}
    late = overdue(plan, datetime(2026, 11, 18, 12, 0))
    assert late.tolist() == [True, True, False, False, False]


def _items(rows: list[tuple]) -> pd.DataFrame:
    """Plan items from (id, kind, status, due, done) tuples."""
    frame = pd.DataFrame(rows, columns=["item_id", "kind", "status", "due_at", "done_at"])
    frame["due_at"] = pd.to_datetime(frame["due_at"])
    frame["done_at"] = pd.to_datetime(frame["done_at"])
    return frame.assign(
        owner="客服主管", customer_id="C", record_id=frame["item_id"], subject=None, item="x", visit_at=pd.Timestamp("2026-11-10")
    )


def test_item_ids_are_stable_and_distinct():
    assert item_id("R1", "C1", "need") == item_id("R1", "C1", "need")
    assert item_id("R1", "C1", "need") != item_id("R1", "C1", "complaint")
    assert item_id("R1", "C1", "need").startswith("GJ") and len(item_id("R1", "C1", "need")) == 12


def test_plan_gives_agent_items_to_the_caller_and_keeps_subjects():
    visit = pd.Timestamp("2026-11-17 10:00")
    valid = pd.DataFrame(
        {"record_id": ["A"], "customer_id": ["C1"], "visit_at": [visit], "overall_satisfaction": [3.0], "visitor": ["KF003"]}
    )
    plan = build_plan(valid, pd.Series([None]), pd.Series([False]), pd.Series(["响应速度"]))
    assert plan[["owner", "subject", "kind"]].values.tolist() == [["KF003", "响应速度", "问题"]]
    assert plan.at[0, "item_id"] == item_id("A", "C1", "一般")


def test_kpis_count_items_due_in_the_window_judged_at_as_of():
    items = _items(
        [
            ("a", "问题", "已完成", "2026-11-17 10:00", "2026-11-17 09:00"),  # done on time
            ("b", "问题", "已完成", "2026-11-17 10:00", "2026-11-18 09:00"),  # done late
            ("c", "需求", "已完成", "2026-11-18 10:00", "2026-11-23 09:00"),  # done after as_of: open then
            ("d", "需求", "跟进中", "2026-11-19 10:00", None),  # open, overdue
            ("e", "关怀", "待跟进", "2026-11-10 10:00", None),  # earlier window, overdue
            ("f", "投诉", "待跟进", "2026-12-01 10:00", None),  # not yet due
        ]
    )
    kpis = followup_kpis(items, datetime(2026, 11, 16), datetime(2026, 11, 23), datetime(2026, 11, 23))
    assert kpis.due == 4
    assert (kpis.closure.numerator, kpis.closure.denominator) == (2, 4)
    assert (kpis.on_time.numerator, kpis.on_time.denominator) == (1, 4)
    assert (kpis.problem_resolution.numerator, kpis.problem_resolution.denominator) == (2, 2)
    assert (kpis.demand_conversion.numerator, kpis.demand_conversion.denominator) == (0, 2)
    assert (kpis.overdue, kpis.open, kpis.results_recorded) == (3, 4, 4)


def test_escalation_list_says_how_late_and_to_whom():
    items = _items([("a", "问题", "待跟进", "2026-11-17 10:00", None), ("b", "问题", "已完成", "2026-11-17 10:00", "2026-11-17 09:00")])
    late = escalation_list(items, datetime(2026, 11, 18, 12, 30))
    assert late[["item_id", "hours_overdue", "escalate_to"]].values.tolist() == [["a", 26.5, "服务经理"]]


def test_second_round_names_the_change_that_answers_the_customer():
    items = _items(
        [
            ("a", "问题", "已完成", "2026-11-17", None),
            ("b", "需求", "待跟进", "2026-11-18", None),
            ("c", "关怀", "待跟进", "2026-11-18", None),
        ]
    )
    items["subject"] = ["响应速度、服务态度", "延长服务时间", None]
    table = second_round(items, {"响应速度": "晚间增加 2 名客服"})
    assert table["record_id"].tolist() == ["a", "b"]
    assert table["changes_made"].tolist() == ["响应速度：晚间增加 2 名客服", ""]
    assert table.at[0, "script"].startswith("告知客户针对其反馈已做的改进")
    assert table.at[1, "script"].startswith("告知客户其反馈已记录")


def test_pairs_parameters_parse_and_name_bad_entries():
    assert parse_owner_groups("客服主管:ZG01, ZG02；投诉专员：TS01") == {"客服主管": ["ZG01", "ZG02"], "投诉专员": ["TS01"]}
    assert parse_pairs("响应速度:晚间增加客服;价格与优惠：老客户九折", "changes", "x:y") == {
        "响应速度": "晚间增加客服",
        "价格与优惠": "老客户九折",
    }
    with pytest.raises(ParameterError, match="参数 owner_groups 的 '客服主管' 格式不对"):
        parse_owner_groups("客服主管")


def test_owners_assigned_round_robin_and_workload_counted():
    items = _items(
        [
            ("a", "问题", "待跟进", "2026-11-17", None),
            ("b", "问题", "待跟进", "2026-11-25", None),
            ("c", "问题", "已完成", "2026-11-18", None),
        ]
    )
    assigned = assign_owners(items, {"客服主管": ["ZG01", "ZG02"], "投诉专员": ["TS01"]})
    assert assigned["owner"].tolist() == ["ZG01", "ZG02", "ZG01"]
    table = workload(assigned, datetime(2026, 11, 20))
    assert table.values.tolist() == [["ZG01", 1, 1, 0], ["ZG02", 1, 0, 1]]
    assert list(table.columns) == ["owner", "open", "overdue", "due_soon"]
