"""Follow-up plan items in the store: saved once, carried forward, results written in one transaction."""

from datetime import datetime

import pandas as pd
import pytest
from sqlalchemy import event

from reporting.errors import StoreError
from reporting.followup.plan import build_plan
from reporting.followup.tracking import apply_results, load_items, plan_with_history, save_plan
from reporting.intake.store_schema import open_store

NOW = datetime(2026, 11, 24, 9, 0)


def _plan(record_ids: list[str], visit: str, scores: list[float]) -> pd.DataFrame:
    valid = pd.DataFrame(
        {
            "record_id": record_ids,
            "customer_id": [f"C{r}" for r in record_ids],
            "visit_at": pd.to_datetime([visit] * len(record_ids)),
            "overall_satisfaction": scores,
        }
    )
    return build_plan(valid, pd.Series([None] * len(valid)), pd.Series([False] * len(valid)))


def test_saving_twice_keeps_results_and_stores_nothing_twice(store_url: str):
    plan = _plan(["A", "B"], "2026-11-17 10:00", [1.0, 5.0])
    assert save_plan(store_url, plan, NOW) == 2
    apply_results(
        store_url,
        [
            {
                "item_id": plan.at[0, "item_id"],
                "status": "已完成",
                "done_at": pd.Timestamp("2026-11-18 09:00"),
                "result": "已解决",
            }
        ],
        NOW,
    )
    assert save_plan(store_url, plan, NOW) == 0
    items = load_items(store_url)
    assert items["status"].tolist() == ["已完成", "待跟进"]
    assert items.at[0, "done_at"] == pd.Timestamp("2026-11-18 09:00")


def test_open_items_carry_forward_into_the_next_period(store_url: str):
    earlier = _plan(["A", "B"], "2026-11-10 10:00", [1.0, 2.0])
    save_plan(store_url, earlier, NOW)
    apply_results(
        store_url,
        [
            {
                "item_id": earlier.at[0, "item_id"],
                "status": "已完成",
                "done_at": pd.Timestamp("2026-11-11 09:00"),
                "result": "好",
            }
        ],
        NOW,
    )
    current = _plan(["C"], "2026-11-17 10:00", [3.0])
    plan, kpis = plan_with_history(store_url, current, datetime(2026, 11, 16), datetime(2026, 11, 23), NOW)
    assert plan["record_id"].tolist() == ["B", "C"]  # B still open from last week; A is done
    assert (kpis.overdue, kpis.open, kpis.due) == (1, 2, 0)


def test_a_failed_results_write_changes_nothing(store_url: str):
    plan = _plan(["A", "B"], "2026-11-17 10:00", [1.0, 2.0])
    save_plan(store_url, plan, NOW)
    engine = open_store(store_url)
    calls = {"n": 0}

    def fail_second_update(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
        if statement.lstrip().upper().startswith("UPDATE"):
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("disk full")

    event.listen(engine, "before_cursor_execute", fail_second_update)
    try:
        updates = [{"item_id": plan.at[i, "item_id"], "status": "跟进中", "done_at": None, "result": None} for i in range(2)]
        with pytest.raises((StoreError, RuntimeError)):
            apply_results(store_url, updates, NOW)
    finally:
        event.remove(engine, "before_cursor_execute", fail_second_update)
    assert load_items(store_url)["status"].tolist() == ["待跟进", "待跟进"]


def test_the_followup_build_writes_nothing_until_sync_plan(store_url, small_csv):
    from reporting.report import followup
    from reporting.report.params import FollowupParams

    values = {"as_of": "2026-11-23 09:00", "source": str(small_csv), "followup_store": store_url, "owner_groups": "客服主管:ZG01,ZG02"}
    params = FollowupParams.from_values(values)
    model = followup.build(params)
    assert model.added > 0 and model.assigned > 0
    assert load_items(store_url).empty  # build only reads
    followup.sync_plan(model, params)
    stored = load_items(store_url).set_index("item_id")
    assert len(stored) == model.added
    assert {stored.at[item, "owner"] for item in model.owner_changes} <= {"ZG01", "ZG02"}
    again = followup.build(params)
    assert again.added == 0 and again.coverage.numerator == again.coverage.denominator == model.added
    assert again.owner_changes == {}  # assignments stay put


def test_saved_items_read_back_exactly_as_built(store_url: str):
    """The bulk insert stores every column as SQLAlchemy would: times to the second, blanks as NULL, a stored key untouched."""
    plan = _plan(["A", "B", "C"], "2026-11-17 10:05:30", [1.0, 3.0, 5.0])
    plan.loc[1, "subject"] = "网络速度慢"
    assert save_plan(store_url, plan.iloc[:1], NOW) == 1
    apply_results(
        store_url,
        [{"item_id": plan.at[0, "item_id"], "status": "已完成", "done_at": pd.Timestamp("2026-11-18 09:00"), "result": "好"}],
        NOW,
    )
    assert save_plan(store_url, plan, NOW) == len(plan) - 1
    stored = load_items(store_url).set_index("item_id")
    expected = plan.set_index("item_id")
    assert sorted(stored.index) == sorted(expected.index)
    fresh = expected.index[1:]
    plain = lambda frame: frame.astype(object).where(frame.notna(), None)  # noqa: E731 - missing as None on both sides
    pd.testing.assert_frame_equal(plain(stored.loc[fresh, expected.columns]), plain(expected.loc[fresh]))
    assert stored.at[plan.at[0, "item_id"], "status"] == "已完成" and stored.at[plan.at[0, "item_id"], "result"] == "好"
    with open_store(store_url).connect() as connection:
        created = {r[0] for r in connection.exec_driver_sql("SELECT DISTINCT created_at FROM followups")}
    assert {pd.Timestamp(c) for c in created} == {pd.Timestamp(NOW)}
