"""The report model: every number the report shows, built once, formatted at render time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from reporting.classify import count_causes, feedback_text, tag_problems
from reporting.clean import CleanResult, FileLedger, select_period
from reporting.compare import Change, period_changes
from reporting.demand import mine_demands, tag_customers
from reporting.drivers import DriverAnalysis, analyse_drivers
from reporting.followup import FollowupKpis, build_plan, record_sheet, response_subjects
from reporting.insights import SUB_DIMENSIONS, Finding, Recommendation, find_strengths, find_weaknesses, recommend
from reporting.keywords import Keyword, distinguishing_keywords
from reporting.metrics import (
    DIMENSION_FIELDS,
    Interval,
    NpsResult,
    Rate,
    band_shares,
    breakdown,
    check_timeliness,
    compute_csat,
    compute_mean,
    compute_nps,
    count_sample,
    problem_distribution,
    score_distribution,
    yes_rate,
)
from reporting.quotes import Quote, select_quotes
from reporting.sentiment import FEEDBACK_TYPES, SENTIMENTS, classify_feedback
from reporting.verify import second_verification
from reporting.vocab import Taxonomy

INDICATIVE_BELOW = 30
TOP_PROBLEMS = 3


@dataclass(frozen=True)
class Ledger:
    """Where the rows went.

    Per file (``files``): ``read = imported + duplicates + rejected``. Of the records
    loaded for the report: ``loaded = analysed + outside_period`` (outside rows feed the
    trend or belong to other periods).
    """

    files: tuple[FileLedger, ...]
    analysed: int
    outside_period: int
    other_slices: int = 0

    @property
    def read(self) -> int:
        return sum(f.read for f in self.files)

    @property
    def imported(self) -> int:
        return sum(f.imported for f in self.files)

    @property
    def duplicates(self) -> int:
        return sum(f.duplicates for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files)

    @property
    def controls_removed(self) -> int:
        return sum(f.controls_removed for f in self.files)

    @property
    def rejected_by_reason(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for ledger in self.files:
            for reason, count in ledger.rejected_by_reason.items():
                totals[reason] = totals.get(reason, 0) + count
        return dict(sorted(totals.items()))


@dataclass(frozen=True)
class ProblemSection:
    """One problem type: how often it was mentioned, its causes, its trend and customers' words.

    Attributes:
        causes: second-level labels ``(cause, count, share of this type's mentions)``.
        trend: ``(period start, share of valid responses)`` over recent periods (TOP-3 only).
    """

    type: str
    count: int
    share: float
    quotes: tuple[Quote, ...]
    causes: tuple[tuple[str, int, float], ...] = ()
    trend: tuple[tuple[date, float], ...] = ()


@dataclass(frozen=True)
class ReportModel:
    """Everything the weekly report shows, as raw numbers and records."""

    period_start: date
    period_end: date
    ledger: Ledger
    sample: dict[str, int]
    participation: Rate
    valid_response: Rate
    satisfaction: Interval
    csat: Interval
    nps: NpsResult
    dimensions: dict[str, Interval]
    bands: dict[str, float]
    fcr: Rate
    solution_acceptance: Rate
    by_service: pd.DataFrame
    by_agent: pd.DataFrame
    score_distribution: pd.DataFrame
    problems: tuple[ProblemSection, ...]
    strengths: tuple[Finding, ...]
    weaknesses: tuple[Finding, ...]
    recommendations: tuple[Recommendation, ...]
    trend: pd.DataFrame
    taxonomy_version: str
    min_segment_n: int
    rejects: pd.DataFrame = field(repr=False)
    slice_label: str = ""
    previous_start: date | None = None
    previous_end: date | None = None
    changes: dict[str, Change | None] = field(default_factory=dict)
    drivers: DriverAnalysis | None = None
    sentiment_counts: dict[str, int] = field(default_factory=dict)
    feedback_counts: dict[str, int] = field(default_factory=dict)
    verification: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    timeliness: Rate = Rate(0, 0)
    late: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    by_channel: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    keywords: tuple[tuple[Keyword, ...], tuple[Keyword, ...]] | None = None
    demands: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    tag_counts: dict[str, int] = field(default_factory=dict)
    praise: tuple[Quote, ...] = ()
    record_sheet: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    plan: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    followup: FollowupKpis | None = None
    coverage: pd.DataFrame | None = field(default=None, repr=False)


def build_report_model(
    cleaned: CleanResult,
    period_start: date,
    period_end: date,
    taxonomy: Taxonomy,
    rules: dict[str, dict[str, dict[str, Any]]],
    min_segment_n: int = 10,
    agent_gap: float = 0.5,
    trend_periods: int = 8,
    slice_label: str = "",
) -> ReportModel:
    """Compute the whole report for one period.

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

    Returns:
        The report model.
    """
    records = select_period(cleaned.records, period_start, period_end)
    valid = records.loc[records["valid"]].reset_index(drop=True)
    length = timedelta(days=(period_end - period_start).days + 1)
    previous_start, previous_end = period_start - length, period_end - length
    previous = select_period(cleaned.records, previous_start, previous_end)
    sample = count_sample(records)
    dimensions = {f: compute_mean(valid[f]) if f in valid else Interval(None, None, None, 0) for f in DIMENSION_FIELDS}
    texts = feedback_text(valid)
    tags = tag_problems(texts, taxonomy)
    feedback = classify_feedback(texts, valid["overall_satisfaction"], tags.any(axis=1))
    customer_tags = tag_customers(valid, texts, feedback["feedback_type"], tags)
    distribution = problem_distribution(tags, len(valid))
    focus = tags.sum(axis=1)
    by_service = breakdown(records, "service_type", min_segment_n)
    by_agent = breakdown(records, "visitor", min_segment_n) if "visitor" in records else pd.DataFrame()
    by_channel = breakdown(records, "channel", min_segment_n) if "channel" in records else pd.DataFrame()
    timeliness, late = check_timeliness(records)
    means = {f: (i.value, i.n) for f, i in dimensions.items()}
    drivers = analyse_drivers(valid, SUB_DIMENSIONS)
    importance = {d.field: d.share for d in drivers.drivers} if drivers else None
    weaknesses = find_weaknesses(means, distribution, len(valid), by_agent, agent_gap, importance)
    top = tuple(distribution["type"].iloc[:TOP_PROBLEMS])
    trends = problem_trends(cleaned.records, taxonomy, top, period_start, period_end, trend_periods) if top else {}
    return ReportModel(
        period_start=period_start,
        period_end=period_end,
        ledger=Ledger(cleaned.ledgers, len(records), len(cleaned.records) - len(records), cleaned.other_slices),
        sample=sample,
        participation=Rate(sample["completed"], sample["attempted"]),
        valid_response=Rate(sample["valid"], sample["completed"]),
        satisfaction=dimensions["overall_satisfaction"],
        csat=compute_csat(valid["overall_satisfaction"]),
        nps=compute_nps(valid["nps"]),
        dimensions=dimensions,
        bands=band_shares(valid["overall_satisfaction"]),
        fcr=yes_rate(valid["first_contact_resolved"]) if "first_contact_resolved" in valid else Rate(0, 0),
        solution_acceptance=yes_rate(valid["solution_accepted"]) if "solution_accepted" in valid else Rate(0, 0),
        by_service=by_service,
        by_agent=by_agent,
        score_distribution=score_distribution(valid, tuple(f for f in DIMENSION_FIELDS if f in valid)),
        problems=tuple(
            ProblemSection(
                p.type,
                int(p.count),
                float(p.share),
                select_quotes(valid, tags[p.type], focus, 3 if rank < 3 else 2),
                count_causes(texts[tags[p.type]], taxonomy.subtypes.get(p.type, ())),
                trends[p.type] if rank < TOP_PROBLEMS else (),
            )
            for rank, p in enumerate(distribution.itertuples(index=False))
        ),
        strengths=find_strengths(means, by_service, weaknesses),
        weaknesses=weaknesses,
        recommendations=recommend(weaknesses, distribution, rules, period_end),
        trend=period_trend(cleaned.records, period_start, period_end, trend_periods),
        taxonomy_version=taxonomy.version,
        min_segment_n=min_segment_n,
        rejects=cleaned.rejects,
        slice_label=slice_label,
        previous_start=previous_start,
        previous_end=previous_end,
        changes=period_changes(records, previous, DIMENSION_FIELDS),
        drivers=drivers,
        sentiment_counts={name: int(feedback["sentiment"].eq(name).sum()) for name in SENTIMENTS},
        feedback_counts={name: int(feedback["feedback_type"].eq(name).sum()) for name in FEEDBACK_TYPES}
        | {"其他": int(feedback["feedback_type"].isna().sum())},
        verification=second_verification(valid, feedback["contradiction"]),
        timeliness=timeliness,
        late=late,
        by_channel=by_channel,
        keywords=distinguishing_keywords(valid.get("comment", texts), valid["nps"]),
        demands=mine_demands(valid, texts),
        tag_counts={k: int(v) for k, v in customer_tags.sum().items()},
        praise=select_quotes(valid, feedback["feedback_type"].eq("表扬"), focus, 3, lowest_first=False),
        record_sheet=record_sheet(valid, tags, feedback, customer_tags),
        plan=build_plan(
            valid,
            feedback["feedback_type"],
            customer_tags.get("改进建议积极客户", pd.Series(False, index=valid.index)),
            response_subjects(tags, texts),
        ),
    )


def problem_trends(
    records: pd.DataFrame, taxonomy: Taxonomy, problems: tuple[str, ...], period_start: date, period_end: date, periods: int
) -> dict[str, tuple[tuple[date, float], ...]]:
    """The share of valid responses mentioning each problem type, per period, oldest first.

    The window is selected and its words read once for all the types.

    Args:
        records: all cleaned records loaded for the report.
        taxonomy: the problem taxonomy.
        problems: the problem types.
        period_start: first day of the report period.
        period_end: last day of the report period.
        periods: how many periods of equal length, the report period included.

    Returns:
        ``{problem: ((period start, share), …)}``, oldest first.
    """
    length = (period_end - period_start).days + 1
    window_start = period_start - timedelta(days=length * (periods - 1))
    valid = select_period(records, window_start, period_end).query("valid")
    if valid.empty:
        return {problem: () for problem in problems}
    chosen = Taxonomy(taxonomy.version, taxonomy.negations, tuple(t for t in taxonomy.types if t.name in problems))
    tags = tag_problems(feedback_text(valid), chosen)
    index = (valid["visit_at"].dt.normalize() - pd.Timestamp(window_start)).dt.days // length
    trends = {}
    for problem in problems:
        shares = tags[problem].groupby(index).mean()
        trends[problem] = tuple((window_start + timedelta(days=length * int(i)), float(share)) for i, share in shares.items())
    return trends


def period_trend(records: pd.DataFrame, period_start: date, period_end: date, periods: int) -> pd.DataFrame:
    """Satisfaction, response speed and NPS for the period and the ones of equal length before it.

    Args:
        records: all cleaned records.
        period_start: first day of the report period.
        period_end: last day of the report period.
        periods: how many periods, the report period included.

    Returns:
        One row per period that has valid responses, oldest first: ``start``, ``end``,
        ``n``, ``satisfaction``, ``speed``, ``nps``, ``current``.
    """
    length = (period_end - period_start).days + 1
    rows = []
    for back in range(periods - 1, -1, -1):
        start = period_start - timedelta(days=length * back)
        end = start + timedelta(days=length - 1)
        valid = select_period(records, start, end).query("valid")
        if valid.empty:
            continue
        rows.append(
            {
                "start": start,
                "end": end,
                "n": len(valid),
                "satisfaction": float(valid["overall_satisfaction"].mean()),
                "speed": float(valid["score_speed"].mean()) if "score_speed" in valid else None,
                "nps": compute_nps(valid["nps"]).value,
                "current": back == 0,
            }
        )
    return pd.DataFrame(rows, columns=["start", "end", "n", "satisfaction", "speed", "nps", "current"])


def rate_entry(rate: Rate) -> dict[str, Any]:
    """A rate as metrics.json holds it: value (0-1), numerator, denominator."""
    return {"value": round_value(rate.value), "numerator": rate.numerator, "denominator": rate.denominator}


def _followup_entry(kpis: FollowupKpis | None) -> dict[str, Any] | None:
    """The follow-up plan's KPIs for metrics.json (None when plans are not kept in a store)."""
    if kpis is None:
        return None
    return {
        "due": kpis.due,
        "closure": rate_entry(kpis.closure),
        "on_time": rate_entry(kpis.on_time),
        "problem_resolution": rate_entry(kpis.problem_resolution),
        "demand_conversion": rate_entry(kpis.demand_conversion),
        "overdue": kpis.overdue,
        "open": kpis.open,
        "results_recorded": kpis.results_recorded,
    }


def metrics_document(model: ReportModel) -> dict[str, Any]:
    """The machine-readable metrics of a report (what ``metrics.json`` holds).

    Numbers are numbers, rates are fractions 0-1, NPS is in points; no timestamps, so
    the same records and parameters give the same document.
    """

    rate = rate_entry

    def interval(i: Interval) -> dict[str, Any]:
        return {
            "value": round_value(i.value),
            "n": i.n,
            "ci95": [round_value(i.low), round_value(i.high)],
            "indicative": i.n < INDICATIVE_BELOW,
        }

    def change(key: str) -> dict[str, Any] | None:
        found = model.changes.get(key)
        if found is None:
            return None
        return {
            "previous": round_value(found.previous),
            "delta": round_value(found.delta),
            "test": found.test,
            "statistic": round_value(found.statistic),
            "p": round_value(found.p),
            "n_previous": found.n_previous,
            "significant": found.significant,
        }

    return {
        "period": {"start": model.period_start.isoformat(), "end": model.period_end.isoformat()},
        "slice": model.slice_label,
        "ledger": {
            "read": model.ledger.read,
            "imported": model.ledger.imported,
            "duplicates": model.ledger.duplicates,
            "rejected": model.ledger.rejected,
            "rejected_by_reason": model.ledger.rejected_by_reason,
            "controls_removed": model.ledger.controls_removed,
            "analysed": model.ledger.analysed,
            "outside_period": model.ledger.outside_period,
            "other_slices": model.ledger.other_slices,
            "files": [{**f.as_dict(), "path": Path(f.path).name} for f in model.ledger.files],
        },
        "sample": model.sample,
        "participation_rate": round_value(model.participation.value),
        "valid_response_rate": round_value(model.valid_response.value),
        "previous_period": {"start": _iso(model.previous_start), "end": _iso(model.previous_end)},
        "rates": {
            "participation": {**rate(model.participation), "change": change("participation")},
            "valid_response": {**rate(model.valid_response), "change": change("valid_response")},
            "first_contact_resolution": {**rate(model.fcr), "change": change("first_contact_resolution")},
            "solution_acceptance": rate(model.solution_acceptance),
            "timeliness": {
                **rate(model.timeliness),
                "late": len(model.late),
                "late_by_reason": {str(k): int(v) for k, v in model.late["reason"].value_counts().sort_index().items()}
                if not model.late.empty
                else {},
            },
        },
        "satisfaction": {**interval(model.satisfaction), "change": change("overall_satisfaction")},
        "csat": {**interval(model.csat), "change": change("csat")},
        "nps": {
            "value": round_value(model.nps.value),
            "n": model.nps.n,
            "ci95": [round_value(model.nps.low), round_value(model.nps.high)],
            "promoters": model.nps.promoters,
            "passives": model.nps.passives,
            "detractors": model.nps.detractors,
            "indicative": model.nps.n < INDICATIVE_BELOW,
            "change": change("nps"),
        },
        "scores": {
            f: {"mean": round_value(i.value), "n": i.n, "ci95": [round_value(i.low), round_value(i.high)], "change": change(f)}
            for f, i in model.dimensions.items()
        },
        "score_bands": {k: round_value(v) for k, v in model.bands.items()},
        "problems": [
            {
                "type": p.type,
                "count": p.count,
                "share": round_value(p.share),
                "causes": [{"cause": name, "count": count, "share": round_value(share)} for name, count, share in p.causes],
                "trend": [{"start": start.isoformat(), "share": round_value(share)} for start, share in p.trend],
            }
            for p in model.problems
        ],
        "followup": _followup_entry(model.followup),
        "coverage": None
        if model.coverage is None
        else [
            {
                "subject": r["对象"],
                "served": int(r["服务完成数"]),
                "followed_up": int(r["已完成回访"]),
                "rate": round_value(r["覆盖率"]),
                "target": r["目标"],
                "met": r["是否达标"],
            }
            for r in model.coverage.to_dict("records")
        ],
        "by_service_type": _segments(model.by_service, "service_type"),
        "by_visitor": _segments(model.by_agent, "visitor"),
        "by_channel": _segments(model.by_channel, "channel"),
        "strengths": [{"kind": f.kind, "subject": f.subject, "value": round_value(f.value), "n": f.n} for f in model.strengths],
        "weaknesses": [{"kind": f.kind, "subject": f.subject, "value": round_value(f.value), "n": f.n} for f in model.weaknesses],
        "recommendations": [
            {
                "kind": r.kind,
                "subject": r.subject,
                "owner": r.owner,
                "due": r.due.isoformat(),
                "current": round_value(r.current),
                "target": round_value(r.target),
            }
            for r in model.recommendations
        ],
        "drivers": None
        if model.drivers is None
        else {
            "method": "Johnson relative weights, bootstrap 95% interval",
            "outcome": "overall_satisfaction",
            "r_squared": round_value(model.drivers.r_squared),
            "n": model.drivers.n,
            "dimensions": [
                {"field": d.field, "share": round_value(d.share), "ci95": [round_value(d.low), round_value(d.high)]}
                for d in model.drivers.drivers
            ],
        },
        "sentiment": _shares(model.sentiment_counts, model.sample["valid"]),
        "feedback_types": _shares(model.feedback_counts, model.sample["valid"]),
        "second_verification": {
            "count": len(model.verification),
            "by_reason": _reason_counts(model.verification),
        },
        "keywords": None
        if model.keywords is None
        else {
            "method": "weighted log-odds, informative Dirichlet prior (all comments of the period)",
            **{
                side: [
                    {"word": k.word, "z": round_value(k.z), "detractors": k.detractor_count, "promoters": k.promoter_count} for k in words
                ]
                for side, words in zip(("detractors", "promoters"), model.keywords, strict=True)
            },
        },
        "demands": [
            {"topic": r.topic, "mentions": int(r.mentions), "customers": int(r.customers), "priority": round_value(r.priority)}
            for r in model.demands.itertuples()
        ],
        "customer_tags": model.tag_counts,
        "taxonomy_version": model.taxonomy_version,
    }


def _segments(frame: pd.DataFrame, key: str) -> list[dict[str, Any]]:
    if frame.empty:
        return []
    shown = frame.loc[frame["shown"]]
    return [
        {
            key: str(row[key]),
            "attempted": int(row["attempted"]),
            "completed": int(row["completed"]),
            "valid": int(row["valid"]),
            "participation_rate": round_value(row["participation_rate"]),
            "satisfaction_mean": round_value(row["satisfaction_mean"]),
            "nps": round_value(row["nps"]),
        }
        for _, row in shown.iterrows()
    ]


def _shares(counts: dict[str, int], total: int) -> dict[str, dict[str, Any]]:
    return {name: {"count": count, "share": round_value(count / total) if total else None} for name, count in counts.items()}


def _reason_counts(verification: pd.DataFrame) -> dict[str, int]:
    if verification.empty:
        return {}
    return {str(k): int(v) for k, v in verification["reason"].str.split("；").explode().value_counts().sort_index().items()}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def round_value(value: float | None, digits: int = 6) -> float | None:
    """Round for a stable JSON document; missing values stay None."""
    if value is None or pd.isna(value):
        return None
    return round(float(value), digits)
