"""The weekly report's run: ``build`` → ``sync_plan`` → (``render``) → ``publish``.

``build`` reads the period's records and computes the frozen model, writing nothing;
``sync_plan`` is the one step that writes (the follow-up plan and the improvement
measures into the store, at the moment it is given); ``publish`` hands metrics.json, the rejects ledger, the workbook and
the taxonomy suggestions to the exporter.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta

import pandas as pd

from reporting.alerts.evaluate import ReportMetrics, evaluate
from reporting.alerts.model import Alert
from reporting.alerts.rules import AlertRules, load_alert_rules
from reporting.analysis.coverage import coverage_table
from reporting.analysis.measures import FAMILY, measure_tests
from reporting.config import resolve_path
from reporting.errors import UserInputError
from reporting.followup.measure_sheet import with_measure_marks
from reporting.followup.measures import sync_measures
from reporting.followup.sheets import plan_marks
from reporting.followup.tracking import plan_with_history, save_plan
from reporting.intake.clean import CleanResult, select_period
from reporting.intake.pairs import parse_rates
from reporting.intake.services import read_services
from reporting.intake.store_schema import store_url
from reporting.report.loading import load_with_window, select_slice, slice_key, slice_label
from reporting.report.params import WeeklyParams
from reporting.report.publish import publish_outputs, workbook_payload
from reporting.report.weekly.compute import Timer, build_report_model, no_timer
from reporting.report.weekly.document import metrics_document
from reporting.report.weekly.model import ReportModel
from reporting.report.weekly.sheets import workbook_tables
from reporting.report.window import TREND_PERIODS
from reporting.text.suggestions import suggestions_yaml
from reporting.vocab import RecommendationRules, Taxonomy, load_rules, load_taxonomy

DEFAULT_COVERAGE = 0.1  # DOMAIN.md: at least 10 % of the customers served


def build(params: WeeklyParams, timer: Timer = no_timer) -> ReportModel:
    """Load the records and compute the weekly report for one period (and slice); nothing is written.

    The follow-up plan is computed here and written to the store by ``sync_plan``, the one
    step of a weekly run that writes.

    Args:
        params: the run's parameters (``WeeklyParams``: period, source, slice, thresholds,
            vocabularies, coverage).
        timer: a timing hook (the benchmark's): the stages ``load`` and ``coverage`` run
            under it here, the model's stages in ``build_report_model``; ``no_timer``: none.

    Returns:
        The report model.
    """
    start, end = params.period_start, params.period_end
    vocabulary = load_taxonomy(resolve_path(params.taxonomy) if params.taxonomy else None)
    measures = _own_rules(params.rules, vocabulary) if params.rules else load_rules()
    alerting = load_alert_rules(resolve_path(params.alert_rules) if params.alert_rules else None)
    with timer("load"):
        cleaned, window = load_with_window(params.source, start, end, params.slice_field, params.slice_value)
    model = build_report_model(
        cleaned,
        start,
        end,
        vocabulary,
        measures,
        min_segment_n=params.min_segment_n,
        agent_gap=params.agent_gap,
        fdr_q=params.fdr_q,
        trend_periods=TREND_PERIODS,
        slice_label=slice_label(params.slice_field, params.slice_value),
        window=window,
        timer=timer,
        response_rules=alerting.of_kind("response"),
        theme_method=params.theme_method,
    )
    if params.services:
        with timer("coverage"):
            model = replace(model, coverage=_coverage(cleaned, params))
    with timer("alerts"):
        return replace(model, alerts=own_alerts(model, alerting))


def own_alerts(model: ReportModel, rules: AlertRules) -> tuple[Alert, ...]:
    """The alerts the rules raise on this report alone (its tests are one family here; a batch corrects over all its reports)."""
    period = f"{model.period_start}_{model.period_end}"
    return tuple(evaluate([ReportMetrics("weekly", period, "", "report.html", metrics_document(model))], rules))


def _own_rules(path: str, taxonomy: Taxonomy) -> RecommendationRules:
    """An analyst's own rules file, whose problem rules must name types of the taxonomy in use (a misspelt one would never fire)."""
    rules = load_rules(resolve_path(path))
    unknown = sorted(set(rules.problems) - {t.name for t in taxonomy.types})
    if unknown:
        raise UserInputError(
            f"建议规则文件 {path} 的 problems 下有问题分类中没有的类型 {'、'.join(unknown)}：请改成分类中的名称（拼写需一致）或删去"
        )
    return rules


def _coverage(cleaned: CleanResult, params: WeeklyParams) -> pd.DataFrame:
    """Coverage per service type and of key customers, against their targets, from a services export."""
    services = CleanResult(read_services(resolve_path(params.services)).services, pd.DataFrame(), ())
    served = select_slice(services, params.slice_field, params.slice_value)
    keys = tuple(t.strip() for t in params.key_customer_types.replace("，", ",").split(",") if t.strip())
    rates = parse_rates(params.coverage_targets, "coverage_targets", "投诉处理:1.0")
    start, end = params.period_start, params.period_end
    return coverage_table(select_period(cleaned.records, start, end), served.records, start, end, rates, DEFAULT_COVERAGE, keys)


def sync_plan(model: ReportModel, params: WeeklyParams) -> ReportModel:
    """Write the period's follow-up plan to the store: the one step of a weekly run that writes.

    Plan items are stored insert-if-absent (a rerun keeps the results staff recorded). An
    overall report also carries earlier open items forward into its plan and reads the
    plan's KPIs from the results imported; a slice's report only saves its items.

    Args:
        model: the built report.
        params: the run's parameters: ``followup_store`` (a store URL, "" for the default
            store, ``none`` to keep no plans) and the clock (``params.now``, recorded as
            the items' creation time).

    Returns:
        The model with the plan (and KPIs) as the store holds them, and its page's alerts
        judged again with those KPIs (the overdue rule needs them).
    """
    if params.followup_store.strip().lower() == "none":
        return model
    url = store_url(params.followup_store)
    moment = params.now
    window = (datetime.combine(model.period_start, time.min), datetime.combine(model.period_end + timedelta(days=1), time.min))
    model = with_measures(model, params, url)
    if model.slice_label:
        save_plan(url, model.plan, moment)
        return model
    plan, kpis = plan_with_history(url, model.plan, *window, moment)
    synced = replace(model, plan=plan, followup=kpis)
    rules = load_alert_rules(resolve_path(params.alert_rules) if params.alert_rules else None)
    return replace(synced, alerts=own_alerts(synced, rules))


def with_measures(model: ReportModel, params: WeeklyParams, url: str) -> ReportModel:
    """The slice's measures tracked to their targets, and the recommendations remembered as measures (``sync_measures``).

    The measures' changes join the report's tests as the family ``measure``.
    """
    synced = sync_measures(
        url,
        model.recommendations,
        model.readings,
        model.sample["valid"],
        (slice_key(params.slice_field, params.slice_value), model.slice_label),
        (model.period_start, model.period_end),
        params.now,
        model.fdr_q,
    )
    tests = (*(t for t in model.tests if t.family != FAMILY), *measure_tests(synced.progress))
    return replace(model, measures=synced.progress, proposed=synced.proposed, recommendations=synced.recommendations, tests=tests)


def publish(model: ReportModel, params: WeeklyParams) -> None:
    """Hand metrics.json, the rejects ledger, workbook.xlsx and the taxonomy suggestions to the exporter.

    Args:
        model: the built (and synced) report.
        params: the run's parameters: the clock overdue plan items are judged by
            (``params.now``) and the hand-over folder.
    """
    moment = params.now
    tables = workbook_tables(model, moment)
    marks = with_measure_marks(plan_marks(model.plan, moment), tables)
    workbook = workbook_payload(tables, params.handover_dir, percent=("占比",), **marks)
    publish_outputs(metrics_document(model), model.rejects, workbook, suggestions_yaml(model.taxonomy_suggestions))
