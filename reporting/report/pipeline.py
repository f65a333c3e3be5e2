"""The weekly report's steps chained for the notebook: load → clean → model."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pandas as pd

from reporting.analysis.coverage import coverage_table
from reporting.config import resolve_path
from reporting.followup.tracking import plan_with_history, save_plan
from reporting.intake.clean import CleanResult, select_period
from reporting.intake.load import expand_sources
from reporting.intake.pairs import parse_rates
from reporting.intake.periods import parse_date
from reporting.intake.services import read_services
from reporting.intake.sources import read_files
from reporting.intake.store import default_store_url, is_store_url, pull_period
from reporting.report.model import ReportModel, build_report_model
from reporting.report.trend import TrendModel, build_trend_model
from reporting.vocab import label, load_rules, load_taxonomy

TREND_PERIODS = 8
DEFAULT_COVERAGE = 0.1  # DOMAIN.md: at least 10 % of the customers served


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


def build_weekly_model(
    *,
    source: str,
    period_start: str | date,
    period_end: str | date,
    min_segment_n: int = 10,
    agent_gap: float = 0.5,
    taxonomy: str = "",
    rules: str = "",
    slice_field: str = "",
    slice_value: str = "",
    services: str = "",
    coverage_targets: str = "",
    key_customer_types: str = "",
) -> ReportModel:
    """Load the records and compute the weekly report for one period (and slice); nothing is written.

    Keyword arguments only, so a notebook can never swap two values by position. The
    follow-up plan is computed here and written to the store by ``sync_plan``, the one
    step of a weekly run that writes.

    Args:
        source: a store URL, or CSV / XLSX / Parquet files (paths or globs, comma-separated).
        period_start: first day, inclusive (``YYYY-MM-DD``).
        period_end: last day, inclusive.
        min_segment_n: segments with fewer valid responses are not shown.
        agent_gap: satisfaction gap below the team that names a lagging agent.
        taxonomy: an analyst's own taxonomy YAML, or "" for the bundled one.
        rules: an analyst's own recommendation rules YAML, or "" for the bundled one.
        slice_field: report on one slice only: the field (``service_type`` …), or "".
        slice_value: the slice's value (``售后维修`` …).
        services: a services-completed export; when given, coverage per service type is
            reported against its target.
        coverage_targets: ``服务类型:比例, …`` replacing the 10 % target (重点客户 for key customers).
        key_customer_types: customer types counted as key customers (target 100 %).

    Returns:
        The report model.
    """
    start, end = parse_date(period_start, "period_start"), parse_date(period_end, "period_end")
    cleaned = select_slice(load_source(source, start, end), slice_field, slice_value)
    model = build_report_model(
        cleaned,
        start,
        end,
        load_taxonomy(resolve_path(taxonomy) if taxonomy else None),
        load_rules(resolve_path(rules) if rules else None),
        min_segment_n=min_segment_n,
        agent_gap=agent_gap,
        trend_periods=TREND_PERIODS,
        slice_label=f"{label(slice_field)} = {slice_value}" if slice_field else "",
    )
    if services:
        model = replace(
            model, coverage=_coverage(cleaned, start, end, services, slice_field, slice_value, coverage_targets, key_customer_types)
        )
    return model


def _coverage(
    cleaned: CleanResult, start: date, end: date, services: str, slice_field: str, slice_value: str, targets: str, key_types: str
) -> pd.DataFrame:
    """Coverage per service type and of key customers, against their targets, from a services export."""
    served = select_slice(CleanResult(read_services(resolve_path(services)).services, pd.DataFrame(), ()), slice_field, slice_value)
    keys = tuple(t.strip() for t in key_types.replace("，", ",").split(",") if t.strip())
    rates = parse_rates(targets, "coverage_targets", "投诉处理:1.0")
    return coverage_table(select_period(cleaned.records, start, end), served.records, start, end, rates, DEFAULT_COVERAGE, keys)


def sync_plan(model: ReportModel, followup_store: str, now: str | datetime) -> ReportModel:
    """Write the period's follow-up plan to the store: the one step of a weekly run that writes.

    Plan items are stored insert-if-absent (a rerun keeps the results staff recorded). An
    overall report also carries earlier open items forward into its plan and reads the
    plan's KPIs from the results imported; a slice's report only saves its items.

    Args:
        model: the built report.
        followup_store: a store URL, "" for the default store, ``none`` to keep no plans.
        now: the run's moment (``generated_at``, ``YYYY-MM-DD HH:MM``), recorded as the
            items' creation time; "" in an interactive session means now.

    Returns:
        The model with the plan (and KPIs) as the store holds them.
    """
    if followup_store.strip().lower() == "none":
        return model
    url = followup_store.strip() or default_store_url()
    moment = now if isinstance(now, datetime) else (datetime.fromisoformat(now) if now else datetime.now())
    window = (datetime.combine(model.period_start, time.min), datetime.combine(model.period_end + timedelta(days=1), time.min))
    if model.slice_label:
        save_plan(url, model.plan, moment)
        return model
    plan, kpis = plan_with_history(url, model.plan, *window, moment)
    return replace(model, plan=plan, followup=kpis)


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
    keep = column.astype("string").eq(slice_value).fillna(False) if column is not None else False
    kept = cleaned.records.loc[keep].reset_index(drop=True)
    return replace(cleaned, records=kept, other_slices=len(cleaned.records) - len(kept))


def build_trend(
    *,
    source: str,
    period_start: str | date,
    period_end: str | date,
    events: str = "",
    taxonomy: str = "",
    slice_field: str = "",
    slice_value: str = "",
) -> TrendModel:
    """Load the records of a range and compute the weekly trend review.

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
    slice_label = f"{label(slice_field)} = {slice_value}" if slice_field else ""
    return build_trend_model(cleaned, start, end, load_taxonomy(resolve_path(taxonomy) if taxonomy else None), events, slice_label)
