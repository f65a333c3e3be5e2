"""The trend window: the periods before a report's own, as sums, words and recent ratings.

One module for both sides of the same maths: ``loading`` asks a store for a window in SQL,
``window_of`` computes the same window from loaded records, and the weekly model reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

import pandas as pd

from reporting.intake.clean import select_period
from reporting.text.classify import feedback_text
from reporting.text.reading import comment_history


@dataclass(frozen=True)
class TrendWindow:
    """What the report needs from the periods before its own: their sums, their words, recent ratings.

    For files it is computed from the records loaded (``window_of``); for a store it is
    aggregated and selected in the database (``loading.load_with_window``), so a report
    never pulls eight weeks of follow-ups in full.

    Attributes:
        summaries: one row per period of the trend window that has valid responses, oldest
            first: ``start``, ``n`` (valid responses), ``satisfaction_sum``, ``speed_sum`` and
            ``speed_n`` (absent when the records have no response-speed score),
            ``promoters``, ``detractors``.
        feedback: the window's valid responses that carry words: ``visit_at``, ``comment``,
            ``suggestion`` (for the problem types' history).
        history: earlier valid responses' ``text`` and ``rating``, most recent first
            (``reading.comment_history``: what the sentiment model may learn from).
    """

    summaries: pd.DataFrame
    feedback: pd.DataFrame
    history: pd.DataFrame

    @cached_property
    def texts(self) -> pd.Series:
        """The window's words as the problem types read them (``classify.feedback_text``), computed once for every trend."""
        return feedback_text(self.feedback)


def window_starts(period_start: date, period_end: date, periods: int) -> tuple[date, ...]:
    """The first days of the trend's periods (each as long as the report's), oldest first, the report's last."""
    length = (period_end - period_start).days + 1
    return tuple(period_start - timedelta(days=length * back) for back in range(periods - 1, -1, -1))


def period_numbers(visits: pd.Series, first_start: date, length: int) -> pd.Series:
    """Each visit's period in the trend window: 0 for the one starting ``first_start``, counting periods of ``length`` days."""
    return (visits.dt.normalize() - pd.Timestamp(first_start)).dt.days // length


def shares_per_period(window: TrendWindow, counts: pd.Series, starts: tuple[date, ...]) -> tuple[tuple[date, float], ...]:
    """``(period start, count ÷ the period's valid responses)`` for every period with valid responses, oldest first.

    Args:
        window: the trend window (its summaries give each period's valid responses).
        counts: responses counted per period number (``period_numbers``).
        starts: the window's period starts (``window_starts``).
    """
    valid_n = window.summaries.set_index("start")["n"]
    return tuple((start, float(counts.get(starts.index(start), 0)) / float(n)) for start, n in valid_n.items())


def window_of(records: pd.DataFrame, period_start: date, period_end: date, periods: int) -> TrendWindow:
    """The trend window computed from loaded records (the same sums a store computes in SQL)."""
    starts = window_starts(period_start, period_end, periods)
    length = (period_end - period_start).days + 1
    valid = select_period(records, starts[0], period_end).query("valid")
    index = period_numbers(valid["visit_at"], starts[0], length)
    groups = valid.assign(
        period=index,
        promoter=valid["nps"].ge(9),
        detractor=valid["nps"].le(6),
        speed_given=valid["score_speed"].notna() if "score_speed" in valid else False,
    ).groupby("period")
    sums = {"n": groups.size(), "satisfaction_sum": groups["overall_satisfaction"].sum()}
    if "score_speed" in valid:
        sums |= {"speed_sum": groups["score_speed"].sum(), "speed_n": groups["speed_given"].sum()}
    sums |= {"promoters": groups["promoter"].sum(), "detractors": groups["detractor"].sum()}
    summaries = pd.DataFrame(sums).reset_index()
    summaries.insert(0, "start", [starts[int(i)] for i in summaries.pop("period")])
    words = [c for c in ("comment", "suggestion") if c in valid]
    return TrendWindow(summaries, valid[["visit_at", *words]].reset_index(drop=True), comment_history(records, period_start))


TREND_PERIODS = 8
