"""The trend review (trend_review.ipynb): KPIs with intervals and problem shares per week over a range, with events.

Same shape as every report: ``build`` (records in, frozen model out), ``render`` (one part
as HTML), ``publish`` (metrics.json and the rejects ledger for the exporter).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd
from IPython.display import HTML

from reporting.analysis.metrics import compute_csat, compute_mean, compute_nps, count_sample
from reporting.config import resolve_path
from reporting.errors import ParameterError
from reporting.intake.clean import CleanResult, select_period
from reporting.intake.periods import parse_date
from reporting.report.document import round_value
from reporting.report.fragments import render_figure, render_fragment
from reporting.report.loading import load_source, select_slice, slice_label
from reporting.report.publishing import publish_outputs
from reporting.report.render import render_part
from reporting.text.classify import feedback_text, tag_problems
from reporting.vocab import Taxonomy, label, load_taxonomy

TOP_TREND_PROBLEMS = 5
_EVENT = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*[:：]\s*(.+?)\s*$")


@dataclass(frozen=True)
class TrendModel:
    """Everything the trend review shows.

    Attributes:
        weeks: one row per week: ``start``, ``end``, ``attempted``, ``valid``, and for
            satisfaction, CSAT and NPS the value with ``_low``/``_high`` 95 % bounds.
        problem_shares: one row per week, one column per top problem type (share of
            valid responses).
        events: ``(day, what happened)`` to mark on the charts.
    """

    period_start: date
    period_end: date
    weeks: pd.DataFrame
    problem_shares: pd.DataFrame
    events: tuple[tuple[date, str], ...]
    taxonomy_version: str
    slice_label: str = ""
    rejects: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)


def parse_events(text: str) -> tuple[tuple[date, str], ...]:
    """Parse ``2026-10-19:系统升级; 2026-11-16:新政策`` into dated events.

    Raises:
        ParameterError: an entry is not ``YYYY-MM-DD:description``.
    """
    events = []
    for entry in filter(None, (part.strip() for part in re.split(r"[;；\n]", text or ""))):
        match = _EVENT.match(entry)
        if not match:
            raise ParameterError(f"事件 {entry!r} 格式不对：请写成 2026-10-19:系统升级，多个事件用分号分隔")
        try:
            events.append((date.fromisoformat(match.group(1)), match.group(2)))
        except ValueError:
            raise ParameterError(f"事件 {entry!r} 的日期无效：请写成 YYYY-MM-DD") from None
    return tuple(sorted(events))


def build(
    *,
    source: str,
    period_start: str | date,
    period_end: str | date,
    events: str = "",
    taxonomy: str = "",
    slice_field: str = "",
    slice_value: str = "",
) -> TrendModel:
    """Load the records of a range and compute the weekly trend review; nothing is written.

    Args:
        source: a store URL, or CSV / XLSX / Parquet files (paths or globs, comma-separated).
        period_start: first day of the range (``YYYY-MM-DD``).
        period_end: last day of the range.
        events: ``YYYY-MM-DD:description`` entries separated by semicolons, marked on the charts.
        taxonomy: an analyst's own taxonomy YAML, or "" for the bundled one.
        slice_field: report on one slice only: the field, or "".
        slice_value: the slice's value.

    Returns:
        The trend model.
    """
    start, end = parse_date(period_start, "period_start"), parse_date(period_end, "period_end")
    cleaned = select_slice(load_source(source, start, end, trend_periods=1), slice_field, slice_value)
    vocabulary = load_taxonomy(resolve_path(taxonomy) if taxonomy else None)
    return build_trend_model(cleaned, start, end, vocabulary, events, slice_label(slice_field, slice_value))


def build_trend_model(
    cleaned: CleanResult, period_start: date, period_end: date, taxonomy: Taxonomy, events: str = "", slice_label: str = ""
) -> TrendModel:
    """Weekly KPIs and problem shares from ``period_start`` to ``period_end``.

    Weeks start on ``period_start`` and run seven days; the last one may be shorter.

    Args:
        cleaned: the loaded records.
        period_start: first day of the range.
        period_end: last day of the range.
        taxonomy: the problem taxonomy.
        events: ``YYYY-MM-DD:description`` entries separated by semicolons.
        slice_label: what slice the records are, or "".

    Returns:
        The trend model.
    """
    records = select_period(cleaned.records, period_start, period_end)
    valid = records.loc[records["valid"]]
    tags = tag_problems(feedback_text(valid), taxonomy) if not valid.empty else pd.DataFrame(index=valid.index)
    top = [t for t in tags.sum().sort_values(ascending=False, kind="stable").index[:TOP_TREND_PROBLEMS] if tags[t].any()]
    rows, shares = [], []
    start = period_start
    while start <= period_end:
        end = min(start + timedelta(days=6), period_end)
        week = select_period(records, start, end)
        week_valid = week.loc[week["valid"]]
        satisfaction, csat, nps = (
            compute_mean(week_valid["overall_satisfaction"]),
            compute_csat(week_valid["overall_satisfaction"]),
            compute_nps(week_valid["nps"]),
        )
        sample = count_sample(week)
        rows.append(
            {
                "start": start,
                "end": end,
                "attempted": sample["attempted"],
                "valid": sample["valid"],
                **{f"satisfaction{k}": v for k, v in (("", satisfaction.value), ("_low", satisfaction.low), ("_high", satisfaction.high))},
                **{f"csat{k}": v for k, v in (("", csat.value), ("_low", csat.low), ("_high", csat.high))},
                **{f"nps{k}": v for k, v in (("", nps.value), ("_low", nps.low), ("_high", nps.high))},
            }
        )
        in_week = valid["visit_at"].dt.normalize().between(pd.Timestamp(start), pd.Timestamp(end))
        shares.append({"start": start, **{t: float(tags.loc[in_week, t].mean()) if in_week.any() else None for t in top}})
        start = end + timedelta(days=1)
    return TrendModel(
        period_start,
        period_end,
        pd.DataFrame(rows),
        pd.DataFrame(shares),
        parse_events(events),
        taxonomy.version,
        slice_label,
        cleaned.rejects,
    )


def trend_document(model: TrendModel) -> dict[str, Any]:
    """The trend review's ``metrics.json``: weekly KPIs with intervals and problem shares."""
    weeks = []
    for row in model.weeks.itertuples(index=False):
        weeks.append(
            {
                "start": row.start.isoformat(),
                "end": row.end.isoformat(),
                "attempted": int(row.attempted),
                "valid": int(row.valid),
                **{
                    name: {
                        "value": round_value(getattr(row, name)),
                        "ci95": [round_value(getattr(row, f"{name}_low")), round_value(getattr(row, f"{name}_high"))],
                    }
                    for name in ("satisfaction", "csat", "nps")
                },
            }
        )
    return {
        "report": "trend",
        "period": {"start": model.period_start.isoformat(), "end": model.period_end.isoformat()},
        "slice": model.slice_label,
        "sample": {"attempted": int(model.weeks["attempted"].sum()) if not model.weeks.empty else 0},
        "weeks": weeks,
        "problem_shares": [
            {k: (v.isoformat() if isinstance(v, date) else round_value(v)) for k, v in row.items()}
            for row in model.problem_shares.to_dict("records")
        ],
        "events": [{"date": day.isoformat(), "event": what} for day, what in model.events],
        "taxonomy_version": model.taxonomy_version,
    }


def render_chart(trend: TrendModel, name: str) -> HTML:
    """A trend-review chart: ``satisfaction``, ``nps`` or ``problems`` (nothing without data)."""
    from reporting.report import charts

    if name == "problems":
        has_data = len(trend.problem_shares.columns) > 1
        return render_figure(charts.plot_problem_shares(trend), label("chart_problem_shares")) if has_data else HTML("")
    has_data = trend.weeks[name].notna().any() if not trend.weeks.empty else False
    return render_figure(charts.plot_weekly_kpi(trend, name), label(f"chart_trend_{name}")) if has_data else HTML("")


PARTS: dict[str, Callable[[TrendModel], HTML]] = {
    "table": lambda t: render_fragment("trend_table.html.j2", weeks=t.weeks.to_dict("records")),
    "kpi_charts": lambda t: HTML(render_chart(t, "satisfaction").data + render_chart(t, "nps").data),
    "problem_chart": lambda t: render_chart(t, "problems"),
    "methods": lambda t: HTML(f'<ul class="methods"><li>{label("methods_trend")}</li><li>{label("methods_intervals")}</li></ul>'),
}
HEADINGS = {"table": "trend_section_overview", "kpi_charts": "trend_section_kpis", "problem_chart": "trend_section_problems",
            "methods": "section_methods"}  # fmt: skip


def render(model: TrendModel, part: str = "all", generated_at: str = "") -> HTML:
    """One part of the trend review as HTML: ``header``, a key of ``PARTS``, or ``all`` (every part with its heading)."""
    return render_part(model, part, generated_at, label("title_trend"), PARTS, HEADINGS)


def publish(model: TrendModel) -> None:
    """Hand metrics.json and the rejects ledger to the exporter."""
    publish_outputs(trend_document(model), model.rejects)
