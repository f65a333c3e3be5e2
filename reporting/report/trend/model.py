"""The trend review's model: KPIs with intervals and problem shares per week over a range, with events."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from reporting.analysis.metrics import compute_csat, compute_mean, compute_nps, count_sample
from reporting.errors import ParameterError
from reporting.intake.clean import CleanResult, select_period
from reporting.text.classify import feedback_text, tag_problems
from reporting.vocab import Taxonomy

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
        measure_starts: ``(first day of a period, what the measures proposed then address)``
            — the slice's improvement measures marked where they started.
    """

    period_start: date
    period_end: date
    weeks: pd.DataFrame
    problem_shares: pd.DataFrame
    events: tuple[tuple[date, str], ...]
    taxonomy_version: str
    slice_label: str = ""
    rejects: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    measure_starts: tuple[tuple[date, tuple[str, ...]], ...] = ()


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
