"""The weekly model computed section by section, in the report's order: 回访概况, 核心结论, 问题分析, the follow-up plan."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pandas as pd

from reporting.alerts.attention import needing_attention
from reporting.alerts.rules import AlertRule
from reporting.analysis.compare import change_tests, period_changes, segment_tests
from reporting.analysis.drivers import analyse_drivers
from reporting.analysis.insights import SUB_DIMENSIONS, Finding, find_strengths, find_weaknesses, recommend
from reporting.analysis.measures import period_readings
from reporting.analysis.metrics import (
    DIMENSION_FIELDS,
    Interval,
    Rate,
    band_shares,
    breakdown,
    check_timeliness,
    compute_csat,
    compute_mean,
    compute_nps,
    count_sample,
    score_distribution,
    yes_rate,
)
from reporting.analysis.multiplicity import DEFAULT_Q, HypothesisTest
from reporting.domain import FEEDBACK_TYPES, PRAISE, SENTIMENTS, SUGGESTING_CUSTOMER
from reporting.followup.plan import build_plan, response_subjects
from reporting.intake.clean import CleanResult, select_period
from reporting.report.weekly.model import Ledger, PeriodRecords, ProblemSection, ReportModel, TextMethod, ThemeSection
from reporting.report.weekly.sheets import record_sheet
from reporting.report.weekly.trends import period_trend, problem_trends, theme_trends
from reporting.report.window import TrendWindow, window_of
from reporting.text.classify import count_causes
from reporting.text.demand import mine_demands
from reporting.text.embedding import embedder_for
from reporting.text.keywords import distinguishing_keywords
from reporting.text.quotes import select_quotes
from reporting.text.reading import CommentReading, problem_ranking, read_comments
from reporting.text.suggestions import suggest_types
from reporting.text.themes import Theme
from reporting.text.verify import second_verification
from reporting.vocab import RecommendationRules, Taxonomy

TOP_PROBLEMS = 3
SEGMENT_FIELDS = ("service_type", "visitor")  # segments tested against the rest of the period

Timer = Callable[[str], AbstractContextManager[None]]
"""A timing hook: called with a stage's name, it returns the context the stage runs in (the benchmark times it)."""


def no_timer(stage: str) -> AbstractContextManager[None]:
    """The default timing hook: times nothing.

    Args:
        stage: the stage's name (ignored).

    Returns:
        An empty context.
    """
    return nullcontext()


def build_report_model(
    cleaned: CleanResult,
    period_start: date,
    period_end: date,
    taxonomy: Taxonomy,
    rules: RecommendationRules,
    min_segment_n: int = 10,
    agent_gap: float = 0.5,
    trend_periods: int = 8,
    slice_label: str = "",
    window: TrendWindow | None = None,
    timer: Timer = no_timer,
    fdr_q: float = DEFAULT_Q,
    response_rules: tuple[AlertRule, ...] = (),
    theme_method: str = "auto",
) -> ReportModel:
    """Compute the whole report for one period, section by section, in the report's order.

    Each stage runs inside ``timer(name)``: ``select``, ``window``, ``read_comments`` (with
    the problem ranking), ``overview``, ``conclusions``, ``problems``, ``suggestions``,
    ``recommendations``, ``followup``. The hook only observes: the model is the same with
    any timer.

    Args:
        cleaned: the cleaned records and rejects of the source.
        period_start: first day, inclusive.
        period_end: last day, inclusive.
        taxonomy: the problem taxonomy.
        rules: the recommendation rules.
        min_segment_n: segments with fewer valid responses are not shown.
        agent_gap: satisfaction gap below the team that names a lagging agent.
        trend_periods: how many periods of equal length the trend chart covers.
        slice_label: what slice the records are ("服务类型 = 售后维修"), or "".
        window: the trend window from a store's queries; None: computed from ``cleaned``
            (which then holds the whole window).
        timer: the timing hook each stage runs under (``no_timer``: none).
        fdr_q: the false discovery rate of the report's tests (Benjamini–Hochberg per family).
        response_rules: the alert rules that pick responses needing someone today.
        theme_method: themes grouped by ``words``, by ``embeddings`` or ``auto`` (``embedding.embedder_for``).

    Returns:
        The report model.
    """
    with timer("select"):
        period = select_records(cleaned, period_start, period_end)
    with timer("window"):
        window = window or window_of(cleaned.records, period_start, period_end, trend_periods)
    with timer("read_comments"):
        reading = read_comments(period.valid, taxonomy, window.history, embedder_for(theme_method))
        ranking = problem_ranking(reading, len(period.valid))
    with timer("overview"):
        overview = overview_section(cleaned, period, min_segment_n)
    with timer("conclusions"):
        conclusions = conclusions_section(period, ranking, overview, window, Thresholds(min_segment_n, agent_gap, fdr_q))
    with timer("problems"):
        problems = problems_section(period, reading, taxonomy, window, trend_periods)
    with timer("suggestions"):
        suggestions = suggest_types(reading.themes, taxonomy, reading.texts, reading.complaints)
    with timer("recommendations"):
        recommendations = recommend(conclusions["weaknesses"], ranking, rules, period_end)
    with timer("followup"):
        followup = followup_section(period, reading)
    with timer("attention"):
        attention = needing_attention(period.valid, response_rules)
    return ReportModel(
        period_start=period_start,
        period_end=period_end,
        slice_label=slice_label,
        taxonomy_version=taxonomy.version,
        min_segment_n=min_segment_n,
        fdr_q=fdr_q,
        attention=attention,
        rejects=cleaned.rejects,
        **overview,
        **conclusions,
        **problems,
        top_problems=ranking.head(TOP_PROBLEMS),
        taxonomy_suggestions=suggestions,
        recommendations=recommendations,
        readings=period_readings(period.valid, ranking, DIMENSION_FIELDS, tuple(t.name for t in taxonomy.types)),
        **followup,
    )


def select_records(cleaned: CleanResult, period_start: date, period_end: date) -> PeriodRecords:
    """The period's records, its valid responses and the previous period of equal length."""
    records = select_period(cleaned.records, period_start, period_end)
    length = timedelta(days=(period_end - period_start).days + 1)
    previous_start, previous_end = period_start - length, period_end - length
    return PeriodRecords(
        records=records,
        valid=records.loc[records["valid"]].reset_index(drop=True),
        previous=select_period(cleaned.records, previous_start, previous_end),
        start=period_start,
        end=period_end,
        previous_start=previous_start,
        previous_end=previous_end,
    )


def overview_section(cleaned: CleanResult, period: PeriodRecords, min_segment_n: int) -> dict[str, Any]:
    """回访概况: the ledger, the sample and its rates, timeliness, the segment tables."""
    records, valid = period.records, period.valid
    sample = count_sample(records)
    timeliness, late = check_timeliness(records)
    return {
        "ledger": Ledger(cleaned.ledgers, len(records), len(cleaned.records) - len(records), cleaned.other_slices, cleaned.not_pulled),
        "sample": sample,
        "participation": Rate(sample["completed"], sample["attempted"]),
        "valid_response": Rate(sample["valid"], sample["completed"]),
        "fcr": yes_rate(valid["first_contact_resolved"]) if "first_contact_resolved" in valid else Rate(0, 0),
        "solution_acceptance": yes_rate(valid["solution_accepted"]) if "solution_accepted" in valid else Rate(0, 0),
        "timeliness": timeliness,
        "late": late,
        "by_service": breakdown(records, "service_type", min_segment_n),
        "by_agent": breakdown(records, "visitor", min_segment_n) if "visitor" in records else pd.DataFrame(),
        "by_channel": breakdown(records, "channel", min_segment_n) if "channel" in records else pd.DataFrame(),
    }


@dataclass(frozen=True)
class Thresholds:
    """The report's thresholds: the smallest segment shown, the agent gap named, the tests' false discovery rate."""

    min_segment_n: int
    agent_gap: float
    fdr_q: float


def conclusions_section(
    period: PeriodRecords, ranking: pd.DataFrame, overview: dict[str, Any], window: TrendWindow, limits: Thresholds
) -> dict[str, Any]:
    """核心结论: satisfaction, CSAT, NPS and the scores, changes and segments with their corrected tests, drivers, findings."""
    valid = period.valid
    dimensions = {f: compute_mean(valid[f]) if f in valid else Interval(None, None, None, 0) for f in DIMENSION_FIELDS}
    means = {f: (i.value, i.n) for f, i in dimensions.items()}
    drivers = analyse_drivers(valid, SUB_DIMENSIONS)
    importance = {d.field: d.share for d in drivers.drivers} if drivers else None
    changes = period_changes(period.records, period.previous, DIMENSION_FIELDS, limits.fdr_q)
    segments = segment_tests(period.records, SEGMENT_FIELDS, limits.min_segment_n)
    weaknesses = find_weaknesses(means, ranking, len(valid), overview["by_agent"], limits.agent_gap, importance)
    strengths = find_strengths(means, overview["by_service"], weaknesses)
    return {
        "satisfaction": dimensions["overall_satisfaction"],
        "csat": compute_csat(valid["overall_satisfaction"]),
        "nps": compute_nps(valid["nps"]),
        "dimensions": dimensions,
        "bands": band_shares(valid["overall_satisfaction"]),
        "score_distribution": score_distribution(valid, tuple(f for f in DIMENSION_FIELDS if f in valid)),
        "previous_start": period.previous_start,
        "previous_end": period.previous_end,
        "changes": changes,
        "tests": (*change_tests(changes), *segments),
        "drivers": drivers,
        "strengths": with_segment_tests(strengths, segments),
        "weaknesses": with_segment_tests(weaknesses, segments),
        "trend": period_trend(window.summaries, period.start, period.end),
    }


def with_segment_tests(findings: tuple[Finding, ...], tests: list[HypothesisTest]) -> tuple[Finding, ...]:
    """Findings about a service type or an agent with the p and q of that segment against the rest (when tested)."""
    fields = {"service": "service_type", "agent": "visitor"}
    by_subject = {test.subject: test for test in tests}
    enriched = []
    for finding in findings:
        test = by_subject.get(f"{fields.get(finding.kind)}={finding.subject}")
        if test is not None and test.p is not None and test.q is not None:
            finding = replace(finding, extra=(*finding.extra, ("p", test.p), ("q", test.q)))
        enriched.append(finding)
    return tuple(enriched)


def problems_section(
    period: PeriodRecords, reading: CommentReading, taxonomy: Taxonomy, window: TrendWindow, trend_periods: int
) -> dict[str, Any]:
    """问题分析: problem types with quotes, causes and trends; sentiment, feedback types, keywords, demands."""
    valid, feedback, focus = period.valid, reading.feedback, reading.focus
    types = tuple(reading.distribution["type"])
    trends = problem_trends(window, taxonomy, types, period.start, period.end, trend_periods) if types else {}
    problems = tuple(
        ProblemSection(
            p.type,
            int(p.count),
            float(p.share),
            select_quotes(valid, reading.tags[p.type], focus, 3 if rank < TOP_PROBLEMS else 2),
            count_causes(reading.texts[reading.tags[p.type]], taxonomy.subtypes.get(p.type, ())),
            trends[p.type] if rank < TOP_PROBLEMS else (),
        )
        for rank, p in enumerate(reading.distribution.itertuples(index=False))
    )
    return {
        "problems": problems,
        "problem_history": trends | theme_trends(window, reading.themes, period.start, period.end, trend_periods),
        "sentiment_counts": {name: int(feedback["sentiment"].eq(name).sum()) for name in SENTIMENTS},
        "feedback_counts": {name: int(feedback["feedback_type"].eq(name).sum()) for name in FEEDBACK_TYPES}
        | {"其他": int(feedback["feedback_type"].isna().sum())},
        "verification": second_verification(valid, reading.disagreements),
        "themes": tuple(_theme_section(theme, valid, focus) for theme in reading.themes),
        "text_coverage": reading.coverage,
        "text_method": TextMethod(reading.learned.method, reading.learned.examples, reading.grouping),
        "keywords": distinguishing_keywords(valid.get("comment", reading.texts), valid["nps"]),
        "demands": mine_demands(valid, reading.texts),
        "tag_counts": {k: int(v) for k, v in reading.customer_tags.sum().items()},
        "praise": select_quotes(valid, feedback["feedback_type"].eq(PRAISE), focus, 3, lowest_first=False),
    }


def _theme_section(theme: Theme, valid: pd.DataFrame, focus: pd.Series) -> ThemeSection:
    members = pd.Series(False, index=valid.index)
    members.iloc[list(theme.positions)] = True
    return ThemeSection(
        name=theme.name,
        keywords=theme.keywords,
        count=len(theme.positions),
        share=len(theme.positions) / len(valid) if len(valid) else 0.0,
        quotes=select_quotes(valid, members, focus, 3),
        record_ids=tuple(str(r) for r in valid["record_id"].iloc[list(theme.positions)]),
    )


def followup_section(period: PeriodRecords, reading: CommentReading) -> dict[str, Any]:
    """For the people who call customers back: the record sheet and the follow-up plan."""
    valid = period.valid
    eager = reading.customer_tags.get(SUGGESTING_CUSTOMER, pd.Series(False, index=valid.index))
    return {
        "record_sheet": record_sheet(
            valid, reading.tags, reading.feedback, reading.customer_tags, reading.theme_of, reading.learned.negative
        ),
        "plan": build_plan(valid, reading.feedback["feedback_type"], eager, response_subjects(reading.tags, reading.texts)),
    }
