"""What every report's ``build`` starts from: the records of its window and a slice of them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd

from reporting.intake.clean import CleanResult
from reporting.intake.load import expand_sources
from reporting.intake.sources import read_files
from reporting.intake.store_queries import pull_feedback, pull_period, pull_recent, summarise_periods
from reporting.intake.store_schema import is_store_url
from reporting.report.window import TREND_PERIODS, TrendWindow, window_starts
from reporting.text.reading import HISTORY_LIMIT, history_of
from reporting.vocab import label


def load_source(source: str, period_start: date, period_end: date, trend_periods: int = TREND_PERIODS) -> CleanResult:
    """Load the records a report needs: from a store URL, or from files / globs.

    Only the report period and the ``trend_periods - 1`` periods of equal length before it
    are read: pulled from a store by a query on the indexed visit time, filtered in Arrow
    for Parquet, after reading for CSV and XLSX (the ledger counts the rest as
    ``outside_window``).

    Args:
        source: a SQLAlchemy URL, or file paths / globs separated by commas.
        period_start: first day of the report period.
        period_end: last day of the report period.
        trend_periods: how many periods the trend covers.

    Returns:
        The cleaned records with their ledgers.
    """
    length = (period_end - period_start).days + 1
    window = (period_start - timedelta(days=length * (trend_periods - 1)), period_end)
    if is_store_url(source):
        return pull_period(source, *window)
    return read_files(expand_sources(source), window)


def load_with_window(
    source: str, period_start: date, period_end: date, slice_field: str = "", slice_value: str = "", trend_periods: int = TREND_PERIODS
) -> tuple[CleanResult, TrendWindow | None]:
    """The records of a report with a trend (and a slice of them), and its trend window when the database computed it.

    Files: the whole window is read (``load_source``) and the model computes the window from
    it (None is returned). A store: only the report period and the one before it are pulled
    in full (the comparison needs both), of the slice only; the trend's per-period sums are aggregated in SQL,
    and only the window's words and the latest ratings are selected — eight weeks of a
    large centre never travel whole.

    Args:
        source: a SQLAlchemy URL, or file paths / globs separated by commas.
        period_start: first day of the report period.
        period_end: last day of the report period.
        slice_field: a slice's field, or "".
        slice_value: the slice's value.
        trend_periods: how many periods the trend covers.

    Returns:
        The (sliced) records and the trend window, or None for the model to compute.
    """
    if not is_store_url(source):
        return select_slice(load_source(source, period_start, period_end, trend_periods), slice_field, slice_value), None
    length = (period_end - period_start).days + 1
    cleaned = pull_period(source, period_start - timedelta(days=length), period_end, slice_field, slice_value)
    starts = window_starts(period_start, period_end, trend_periods)
    where = {"slice_field": slice_field, "slice_value": slice_value}
    window = TrendWindow(
        summaries=summarise_periods(source, starts, length, **where),
        feedback=pull_feedback(source, starts[0], period_end, **where),
        history=history_of(pull_recent(source, starts[0], period_start, HISTORY_LIMIT, **where)),
    )
    return cleaned, window


def select_slice(cleaned: CleanResult, slice_field: str, slice_value: str) -> CleanResult:
    """Keep only one slice's records (the ledgers still describe the whole source).

    Args:
        cleaned: the loaded records.
        slice_field: the field, or "" for no slicing.
        slice_value: the value to keep.

    Returns:
        The slice, with ``other_slices`` counting the records left out.
    """
    if not slice_field:
        return cleaned
    column = cleaned.records.get(slice_field)
    keep = column.astype("string").eq(slice_value).fillna(False) if column is not None else pd.Series(False, index=cleaned.records.index)
    kept = cleaned.records.loc[keep].reset_index(drop=True)
    return replace(cleaned, records=kept, other_slices=len(cleaned.records) - len(kept))


def slice_key(slice_field: str, slice_value: str) -> str:
    """How a store remembers a slice's measures (``service_type=售后维修``), "" for the whole source."""
    return f"{slice_field}={slice_value}" if slice_field else ""


def slice_label(slice_field: str, slice_value: str) -> str:
    """How a slice is named in a report's header (``服务类型 = 售后维修``), "" for the whole source."""
    return f"{label(slice_field)} = {slice_value}" if slice_field else ""
