"""The weekly model's history over the trend window: the KPIs per period, each problem type's and discovered theme's share."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd

from reporting.report.window import TrendWindow, period_numbers, shares_per_period, window_starts
from reporting.text.classify import tag_problems
from reporting.text.reading import theme_label
from reporting.text.themes import Theme
from reporting.vocab import Taxonomy


def problem_trends(
    window: TrendWindow, taxonomy: Taxonomy, problems: tuple[str, ...], period_start: date, period_end: date, periods: int
) -> dict[str, tuple[tuple[date, float], ...]]:
    """The share of valid responses mentioning each problem type, per period, oldest first.

    The window's words are read once for all the types; each period's share is over all
    its valid responses (``window.summaries``), with words or without.

    Args:
        window: the trend window (its summaries and its valid responses' words).
        taxonomy: the problem taxonomy.
        problems: the problem types.
        period_start: first day of the report period.
        period_end: last day of the report period.
        periods: how many periods of equal length, the report period included.

    Returns:
        ``{problem: ((period start, share), …)}``, oldest first.
    """
    if window.summaries.empty:
        return {problem: () for problem in problems}
    starts = window_starts(period_start, period_end, periods)
    length = (period_end - period_start).days + 1
    chosen = Taxonomy(taxonomy.version, taxonomy.negations, tuple(t for t in taxonomy.types if t.name in problems))
    tags = tag_problems(window.texts, chosen)
    index = period_numbers(window.feedback["visit_at"], starts[0], length)
    return {problem: shares_per_period(window, tags[problem].groupby(index).sum(), starts) for problem in problems}


def theme_trends(
    window: TrendWindow, themes: tuple[Theme, ...], period_start: date, period_end: date, periods: int
) -> dict[str, tuple[tuple[date, float], ...]]:
    """Each discovered theme's words over the trend window: per period, the share of valid responses naming them.

    A theme is found anew each period, so it has no history of its own; its keywords do. A
    response names a theme when its words hold at least two of the theme's keywords (all
    of them when it has fewer), the same measure in every period, this one included.

    Returns:
        ``{主题「…」: ((period start, share), …)}``, oldest first.
    """
    if window.summaries.empty or not themes:
        return {}
    starts = window_starts(period_start, period_end, periods)
    length = (period_end - period_start).days + 1
    # one regex pass finds every theme word in every response; each theme then counts its own
    every_word = "|".join(re.escape(w) for w in sorted({w for t in themes for w in t.keywords}, key=len, reverse=True))
    found = window.texts.str.findall(every_word).explode().dropna() if every_word else pd.Series(dtype=object)
    found = found.reset_index().drop_duplicates().set_index("index").iloc[:, 0] if len(found) else found
    index = period_numbers(window.feedback["visit_at"], starts[0], length)
    trends = {}
    for theme in themes:
        hits = found.isin(theme.keywords).groupby(level=0).sum()
        named = hits.index[hits >= min(2, len(theme.keywords))]
        trends[theme_label(theme.name)] = shares_per_period(window, index.loc[named].value_counts(), starts)
    return trends


def period_trend(summaries: pd.DataFrame, period_start: date, period_end: date) -> pd.DataFrame:
    """Satisfaction, response speed and NPS for the period and the ones of equal length before it.

    Args:
        summaries: the trend window's per-period sums (``TrendWindow.summaries``: only
            periods with valid responses, oldest first).
        period_start: first day of the report period.
        period_end: last day of the report period.

    Returns:
        One row per period that has valid responses, oldest first: ``start``, ``end``,
        ``n``, ``satisfaction``, ``speed``, ``nps``, ``current``.
    """
    last_day = timedelta(days=(period_end - period_start).days)
    has_speed = "speed_sum" in summaries
    rows = [
        {
            "start": row.start,
            "end": row.start + last_day,
            "n": int(row.n),
            "satisfaction": float(row.satisfaction_sum) / row.n,
            "speed": (float(row.speed_sum) / row.speed_n if row.speed_n else float("nan")) if has_speed else None,
            "nps": 100 * (int(row.promoters) - int(row.detractors)) / row.n,
            "current": row.start == period_start,
        }
        for row in summaries.itertuples(index=False)
    ]
    return pd.DataFrame(rows, columns=["start", "end", "n", "satisfaction", "speed", "nps", "current"])
