"""The weekly report's run: ``build`` → ``sync_plan`` → (``render``) → ``publish``.

``build`` reads the period's records and computes the frozen model, writing nothing;
``sync_plan`` is the one step that writes (the follow-up plan into the store, at the
moment it is given); ``publish`` hands metrics.json, the rejects ledger, the workbook and
the taxonomy suggestions to the exporter.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pandas as pd

from reporting.analysis.coverage import coverage_table
from reporting.config import resolve_path
from reporting.errors import UserInputError
from reporting.followup.sheets import plan_marks
from reporting.followup.tracking import plan_with_history, save_plan
from reporting.intake.clean import CleanResult, select_period
from reporting.intake.pairs import parse_rates
from reporting.intake.periods import parse_date
from reporting.intake.services import read_services
from reporting.intake.store import store_url
from reporting.report.clock import moment_of
from reporting.report.loading import load_with_window, select_slice, slice_label
from reporting.report.publish import publish_outputs, workbook_payload
from reporting.report.weekly.compute import build_report_model
from reporting.report.weekly.document import metrics_document
from reporting.report.weekly.model import ReportModel
from reporting.report.weekly.sheets import workbook_tables
from reporting.report.window import TREND_PERIODS
from reporting.text.suggestions import suggestions_yaml
from reporting.vocab import RecommendationRules, Taxonomy, load_rules, load_taxonomy

DEFAULT_COVERAGE = 0.1  # DOMAIN.md: at least 10 % of the customers served


def build(
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
    vocabulary = load_taxonomy(resolve_path(taxonomy) if taxonomy else None)
    measures = _own_rules(rules, vocabulary) if rules else load_rules()
    cleaned, window = load_with_window(source, start, end, slice_field, slice_value)
    model = build_report_model(
        cleaned,
        start,
        end,
        vocabulary,
        measures,
        min_segment_n=min_segment_n,
        agent_gap=agent_gap,
        trend_periods=TREND_PERIODS,
        slice_label=slice_label(slice_field, slice_value),
        window=window,
    )
    if services:
        model = replace(
            model, coverage=_coverage(cleaned, start, end, services, slice_field, slice_value, coverage_targets, key_customer_types)
        )
    return model


def _own_rules(path: str, taxonomy: Taxonomy) -> RecommendationRules:
    """An analyst's own rules file, whose problem rules must name types of the taxonomy in use (a misspelt one would never fire)."""
    rules = load_rules(resolve_path(path))
    unknown = sorted(set(rules.problems) - {t.name for t in taxonomy.types})
    if unknown:
        raise UserInputError(
            f"建议规则文件 {path} 的 problems 下有问题分类中没有的类型 {'、'.join(unknown)}：请改成分类中的名称（拼写需一致）或删去"
        )
    return rules


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
    url = store_url(followup_store)
    moment = moment_of(now)
    window = (datetime.combine(model.period_start, time.min), datetime.combine(model.period_end + timedelta(days=1), time.min))
    if model.slice_label:
        save_plan(url, model.plan, moment)
        return model
    plan, kpis = plan_with_history(url, model.plan, *window, moment)
    return replace(model, plan=plan, followup=kpis)


def publish(model: ReportModel, as_of: str | datetime = "") -> None:
    """Hand metrics.json, the rejects ledger, workbook.xlsx and the taxonomy suggestions to the exporter.

    Args:
        model: the built (and synced) report.
        as_of: the moment overdue plan items are judged at (``generated_at``; "" means now).
    """
    moment = moment_of(as_of)
    workbook = workbook_payload(workbook_tables(model, moment), percent=("占比",), **plan_marks(model.plan, moment))
    publish_outputs(metrics_document(model), model.rejects, workbook, suggestions_yaml(model.taxonomy_suggestions))
