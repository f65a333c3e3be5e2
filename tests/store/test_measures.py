"""Improvement measures across weeks in the store (SQLite and PostgreSQL): proposed, tracked, met or missed, closed by people."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from reporting.analysis.insights import Recommendation
from reporting.analysis.measures import Reading
from reporting.followup.measure_sheet import measure_sheet
from reporting.followup.measures import load_measures, sync_measures
from reporting.followup.round_trip import import_workbook
from reporting.vocab import sheet_name

WEEK46 = (date(2026, 11, 9), date(2026, 11, 15))
NOW = datetime(2026, 11, 16, 9, 0)
WHOLE = ("", "")
AFTER_SALES = ("service_type=售后维修", "服务类型 = 售后维修")


def _week(n: int) -> tuple[date, date]:
    """The n-th week after week 46 (0: week 46)."""
    return WEEK46[0] + timedelta(weeks=n), WEEK46[1] + timedelta(weeks=n)


def _speed(share: float, due: date = date(2026, 12, 13)) -> Recommendation:
    return Recommendation("problem", "响应速度", "调整排班", "运营主管", due, share, round(share * 0.7, 3))


def _sync(url: str, week: int, share: float, proposals: tuple[Recommendation, ...] | None = None, where=WHOLE):
    readings = {"problem:响应速度": Reading(share, 200)}
    recommended = (_speed(share, _week(week)[1] + timedelta(days=28)),) if proposals is None else proposals
    return sync_measures(url, recommended, readings, 200, where, _week(week), NOW + timedelta(weeks=week))


def test_proposed_then_open_then_met_and_a_new_measure_after(store_url: str):
    first = _sync(store_url, 0, 0.20)
    [proposal] = first.recommendations
    assert proposal.new and proposal.measure_id == "problem:响应速度@全部#2026-11-09"
    assert first.progress == ()  # the week that proposes it tracks nothing yet
    second = _sync(store_url, 1, 0.18)
    [tracked] = second.progress
    assert (tracked.status, tracked.measure.baseline, tracked.measure.target) == ("open", Reading(0.2, 200), 0.14)
    assert tracked.current == Reading(0.18, 200)
    [again] = second.recommendations
    assert (again.new, again.measure_id, again.target, again.due) == (False, proposal.measure_id, 0.14, date(2026, 12, 13))
    third = _sync(store_url, 2, 0.12)  # met, though the rule still fires (0.12 ≥ its threshold): not proposed anew this week
    assert [p.status for p in third.progress] == ["met"]
    assert [(r.measure_id, r.new) for r in third.recommendations] == [(proposal.measure_id, False)]
    assert load_measures(store_url)[0].met_period == _week(2)[0]
    fourth = _sync(store_url, 3, 0.21)
    assert fourth.progress == ()  # met earlier: no longer tracked
    [renewed] = fourth.recommendations
    assert renewed.new and renewed.measure_id == "problem:响应速度@全部#2026-11-30"


def test_a_measure_not_reached_by_its_deadline_is_missed_and_stays_until_closed(store_url: str, tmp_path: Path):
    _sync(store_url, 0, 0.20)  # deadline 2026-12-13, the last day of week 46 + 4
    assert [p.status for p in _sync(store_url, 3, 0.19, ()).progress] == ["open"]
    assert [p.status for p in _sync(store_url, 4, 0.19, ()).progress] == ["missed"]
    missed = _sync(store_url, 5, 0.19)
    assert [p.status for p in missed.progress] == ["missed"]
    assert not missed.recommendations[0].new  # still being worked on: not proposed again as new
    [stored] = load_measures(store_url)
    assert stored.status == "missed"
    workbook = _workbook(tmp_path, stored, status="已关闭", note="改由新排班方案替代")
    outcome = import_workbook(workbook, store_url, datetime(2026, 12, 22, 10, 0))
    assert outcome.errors == () and "更新 1 项改进措施" in outcome.summary
    [closed] = load_measures(store_url)
    assert (closed.status, closed.note, closed.closed_at) == ("closed", "改由新排班方案替代", pd.Timestamp("2026-12-22 10:00"))
    assert [p.status for p in _sync(store_url, 6, 0.19, ()).progress] == ["closed"]  # the week it was closed in
    assert _sync(store_url, 7, 0.19, ()).progress == ()


def test_a_bad_row_writes_nothing(store_url: str, tmp_path: Path):
    _sync(store_url, 0, 0.20)
    [stored] = load_measures(store_url)
    hand_met = _workbook(tmp_path, stored, status="已达成", note="")
    outcome = import_workbook(hand_met, store_url, datetime(2026, 11, 20, 10, 0))
    assert len(outcome.errors) == 1 and "由周报按数据判定" in outcome.errors[0] and "第 2 行" in outcome.errors[0]
    no_reason = _workbook(tmp_path, stored, status="已关闭", note="")
    assert "须在备注中写明原因" in import_workbook(no_reason, store_url, datetime(2026, 11, 20, 10, 0)).errors[0]
    assert load_measures(store_url) == [stored]


def test_a_rerun_keeps_ids_and_stores_nothing_twice(store_url: str):
    once = _sync(store_url, 0, 0.20)
    twice = _sync(store_url, 0, 0.20)
    assert [r.measure_id for r in once.recommendations] == [r.measure_id for r in twice.recommendations]
    assert [r.new for r in twice.recommendations] == [True]
    assert len(load_measures(store_url)) == 1
    _sync(store_url, 1, 0.18)
    rerun = _sync(store_url, 0, 0.20)  # week 46 again after week 47: the same measure, still new in its own week
    assert [(r.measure_id, r.new) for r in rerun.recommendations] == [(once.recommendations[0].measure_id, True)]


def test_two_slices_keep_their_measures_apart(store_url: str):
    whole = _sync(store_url, 0, 0.20)
    sliced = _sync(store_url, 0, 0.30, where=AFTER_SALES)
    assert whole.recommendations[0].measure_id != sliced.recommendations[0].measure_id
    assert sliced.recommendations[0].measure_id == "problem:响应速度@service_type=售后维修#2026-11-09"
    [tracked] = _sync(store_url, 1, 0.10, proposals=(), where=AFTER_SALES).progress
    assert (tracked.measure.slice_label, tracked.measure.baseline.value, tracked.status) == ("服务类型 = 售后维修", 0.3, "met")
    assert [p.status for p in _sync(store_url, 1, 0.19, proposals=()).progress] == ["open"]  # the whole centre's own measure


def _workbook(folder: Path, measure, status: str, note: str) -> Path:
    """The 改进措施 sheet as exported, with one row filled in by a person."""
    sheet = measure_sheet([measure])
    sheet.iloc[0, sheet.columns.get_loc("措施状态")] = status
    sheet.iloc[0, sheet.columns.get_loc("备注")] = note
    path = folder / f"workbook-{status}.xlsx"
    sheet.to_excel(path, sheet_name=sheet_name("measures"), index=False)
    return path


def test_a_backfilled_earlier_week_takes_over_the_later_weeks_measure(store_url: str):
    later = _sync(store_url, 1, 0.20)  # week 47 first (as `make report` does)
    assert later.recommendations[0].measure_id.endswith("#2026-11-16")
    earlier = _sync(store_url, 0, 0.25)  # then week 46
    assert [(r.measure_id, r.new) for r in earlier.recommendations] == [("problem:响应速度@全部#2026-11-09", True)]
    [stored] = load_measures(store_url)  # one measure, re-keyed to the week that first proposed it, with its baseline
    assert (stored.id, stored.baseline, stored.first_period) == ("problem:响应速度@全部#2026-11-09", Reading(0.25, 200), _week(0)[0])
    again = _sync(store_url, 1, 0.20)  # week 47 again: tracks week 46's measure, proposes nothing new
    assert [p.measure.id for p in again.progress] == [stored.id]
    assert [(r.measure_id, r.new) for r in again.recommendations] == [(stored.id, False)]
    assert len(load_measures(store_url)) == 1
