"""The index's landing cards: changes with arrows only when significant, sparklines, measures — from metrics.json alone."""

from __future__ import annotations

import re

from reporting.report.html.sparkline import sparkline
from reporting.run.index import kpi_changes, kpi_series, latest, measure_counts


def test_a_sparkline_draws_the_values_with_a_gap_and_keeps_them_on_the_element():
    svg = str(sparkline([1.0, 3.0, None, 2.0, 5.0], "满意度"))
    assert 'data-values="1.0,3.0,,2.0,5.0"' in svg
    assert '<polyline points="3.0,25.0 31.5,14.0"' in svg  # 1 → bottom, 3 → half way; the gap splits the line
    assert '<polyline points="88.5,19.5 117.0,3.0"' in svg
    assert '<circle cx="117.0" cy="3.0"' in svg  # the last value, at the top
    assert str(sparkline([None, None])) == ""
    assert 'points="3.0,14.0 117.0,14.0"' in str(sparkline([2.0, 2.0]))  # a flat line sits in the middle


def test_an_arrow_only_for_a_significant_change():
    metrics = {
        "satisfaction": {"value": 3.39, "change": {"delta": -0.37, "decision": "significant"}},
        "csat": {"value": 0.496, "change": {"delta": -0.139, "decision": "exploratory"}},
        "nps": {"value": -28.6, "change": None},
    }
    satisfaction, csat, nps = kpi_changes(metrics)
    assert (satisfaction.arrow, satisfaction.value, satisfaction.delta, satisfaction.decision) == ("down", "3.39", "-0.37 分", "显著")
    assert (csat.arrow, csat.value, csat.delta, csat.decision) == ("", "49.6%", "-13.9 个百分点", "探索性")
    assert (nps.arrow, nps.delta, nps.decision) == ("", "", "")
    assert kpi_changes({"closure": {"value": 0.5}}) == ()  # a follow-up report has no headline KPIs


def test_series_from_a_weekly_trend_or_a_trend_reviews_weeks_and_measures_by_status():
    trend = [{"start": f"2026-11-{d:02d}", "end": "x", "satisfaction": 3.0 + d / 100, "nps": None} for d in range(1, 11)]
    [(name, svg)] = kpi_series({"trend": trend})  # NPS unknown in every period: no line
    values = re.search(r'data-values="([^"]*)"', str(svg)).group(1).split(",")
    assert name == "平均满意度" and values == [str(3.0 + d / 100) for d in range(3, 11)]  # the last eight periods
    weeks = [{"start": "a", "end": "b", "satisfaction": {"value": 3.5}, "nps": {"value": 10.0}}]
    assert [n for n, _ in kpi_series({"weeks": weeks})] == ["平均满意度", "NPS"]
    assert measure_counts({"measures": [{"status": "open"}, {"status": "met"}, {"status": "open"}]}) == {"open": 2, "met": 1}


def test_the_landing_cards_are_the_newest_of_each_report_and_slice():
    from reporting.run.index import IndexEntry

    def entry(report: str, slice_: str, end: str) -> IndexEntry:
        return IndexEntry(report, slice_, end, end, "", None, None, None, None, None, ())

    entries = [entry("weekly", "", "2026-11-22"), entry("weekly", "A", "2026-11-22"), entry("followup", "", "2026-11-23"),
               entry("weekly", "", "2026-11-15")]  # fmt: skip
    entries.sort(key=lambda e: e.period_end, reverse=True)
    assert [(e.report, e.slice, e.period_end) for e in latest(entries)] == [
        ("weekly", "", "2026-11-22"),
        ("weekly", "A", "2026-11-22"),
        ("followup", "", "2026-11-23"),
    ]
