"""The weekly report's metrics.json: every number of the model, machine-readable, no timestamps."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from reporting.analysis.metrics import INDICATIVE_BELOW
from reporting.analysis.multiplicity import METHOD, METHOD_NAME, family_sizes
from reporting.followup.progress import FollowupKpis
from reporting.report.html.values import interval_entry, rate_entry, round_value
from reporting.report.weekly.model import ReportModel
from reporting.text.verify import reason_counts


def metrics_document(model: ReportModel) -> dict[str, Any]:
    """The machine-readable metrics of a weekly report (what ``metrics.json`` holds)."""
    return {
        "period": {"start": model.period_start.isoformat(), "end": model.period_end.isoformat()},
        "slice": model.slice_label,
        "previous_period": {"start": _iso(model.previous_start), "end": _iso(model.previous_end)},
        "ledger": ledger_entry(model),
        **overview_entries(model),
        **conclusion_entries(model),
        **problem_entries(model),
        **recommendation_entries(model),
        "measures": measures_entry(model),
        "followup": followup_entry(model.followup),
        "taxonomy_version": model.taxonomy_version,
        "tests": tests_entry(model),
        "attention": [asdict(item) for item in model.attention],
        "alerts": [
            {"severity": a.severity, "kind": a.kind, "rule": a.rule, "metric": a.metric, "message": a.message} for a in model.alerts
        ],
        "problem_history": {
            problem: [{"start": start.isoformat(), "share": round_value(share)} for start, share in history]
            for problem, history in model.problem_history.items()
        },
    }


def tests_entry(model: ReportModel) -> dict[str, Any]:
    """Every statistical test the report ran, by family, with its p and its Benjamini–Hochberg q."""
    return {
        "method": f"{METHOD_NAME} (statsmodels multipletests, method={METHOD!r}), per family",
        "q_level": model.fdr_q,
        "families": family_sizes(model.tests),
        "results": [
            {
                "family": test.family,
                "subject": test.subject,
                "test": test.test,
                "statistic": round_value(test.statistic),
                "n": test.n,
                "delta": round_value(test.delta),
                "p": round_value(test.p),
                "q": round_value(test.q),
                "decision": test.decision(model.fdr_q),
            }
            for test in model.tests
        ],
    }


def ledger_entry(model: ReportModel) -> dict[str, Any]:
    """Where the rows went: per file and in total."""
    ledger = model.ledger
    return {
        "read": ledger.read,
        "imported": ledger.imported,
        "duplicates": ledger.duplicates,
        "rejected": ledger.rejected,
        "rejected_by_reason": ledger.rejected_by_reason,
        "controls_removed": ledger.controls_removed,
        "outside_window": ledger.outside_window,
        "analysed": ledger.analysed,
        "outside_period": ledger.outside_period,
        "other_slices": ledger.other_slices,
        "not_pulled": ledger.not_pulled,
        "files": [{**f.as_dict(), "path": Path(f.path).name} for f in ledger.files],
    }


def overview_entries(model: ReportModel) -> dict[str, Any]:
    """回访概况: the sample, response rates, timeliness, coverage and the segment tables."""
    change = _changes(model)
    late_by_reason = {str(k): int(v) for k, v in model.late["reason"].value_counts().sort_index().items()} if not model.late.empty else {}
    return {
        "sample": model.sample,
        "participation_rate": round_value(model.participation.value),
        "valid_response_rate": round_value(model.valid_response.value),
        "rates": {
            "participation": {**rate_entry(model.participation), "change": change("participation")},
            "valid_response": {**rate_entry(model.valid_response), "change": change("valid_response")},
            "first_contact_resolution": {**rate_entry(model.fcr), "change": change("first_contact_resolution")},
            "solution_acceptance": rate_entry(model.solution_acceptance),
            "timeliness": {**rate_entry(model.timeliness), "late": len(model.late), "late_by_reason": late_by_reason},
        },
        "coverage": None if model.coverage is None else [_coverage_row(r) for r in model.coverage.to_dict("records")],
        "by_service_type": _segments(model.by_service, "service_type"),
        "by_visitor": _segments(model.by_agent, "visitor"),
        "by_channel": _segments(model.by_channel, "channel"),
    }


def conclusion_entries(model: ReportModel) -> dict[str, Any]:
    """核心结论: satisfaction, CSAT, NPS and the scores with their changes, strengths, weaknesses, drivers."""
    change = _changes(model)
    nps = model.nps
    return {
        "satisfaction": {**interval_entry(model.satisfaction), "change": change("overall_satisfaction")},
        "csat": {**interval_entry(model.csat), "change": change("csat")},
        "nps": {
            "value": round_value(nps.value),
            "n": nps.n,
            "ci95": [round_value(nps.low), round_value(nps.high)],
            "promoters": nps.promoters,
            "passives": nps.passives,
            "detractors": nps.detractors,
            "indicative": nps.n < INDICATIVE_BELOW,
            "change": change("nps"),
        },
        "scores": {
            f: {"mean": round_value(i.value), "n": i.n, "ci95": [round_value(i.low), round_value(i.high)], "change": change(f)}
            for f, i in model.dimensions.items()
        },
        "score_bands": {k: round_value(v) for k, v in model.bands.items()},
        "strengths": [_finding(f) for f in model.strengths],
        "weaknesses": [_finding(f) for f in model.weaknesses],
        "drivers": _drivers_entry(model),
        "trend": _trend_entry(model.trend),
    }


def _trend_entry(trend: pd.DataFrame) -> list[dict[str, Any]]:
    """The weekly trend chart's numbers: per period with valid responses, oldest first."""
    return [
        {
            "start": row.start.isoformat(),
            "end": row.end.isoformat(),
            "n": int(row.n),
            "satisfaction": round_value(row.satisfaction),
            "speed": round_value(row.speed),
            "nps": round_value(row.nps),
            "current": bool(row.current),
        }
        for row in trend.itertuples(index=False)
    ]


def problem_entries(model: ReportModel) -> dict[str, Any]:
    """问题分析: problem types with causes and trends, sentiment, feedback types, keywords, demands, tags."""
    valid = model.sample["valid"]
    return {
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
        "sentiment": _shares(model.sentiment_counts, valid),
        "feedback_types": _shares(model.feedback_counts, valid),
        "second_verification": {"count": len(model.verification), "by_reason": reason_counts(model.verification)},
        "keywords": _keywords_entry(model),
        "demands": [
            {"topic": r.topic, "mentions": int(r.mentions), "customers": int(r.customers), "priority": round_value(r.priority)}
            for r in model.demands.itertuples()
        ],
        "customer_tags": model.tag_counts,
        "top_problems": [
            {"name": r.type, "kind": r.kind, "count": int(r.count), "share": round_value(r.share)} for r in model.top_problems.itertuples()
        ],
        "themes": [
            {
                "name": t.name,
                "keywords": list(t.keywords),
                "count": t.count,
                "share": round_value(t.share),
                "record_ids": list(t.record_ids),
            }
            for t in model.themes
        ],
        "text": text_entry(model),
    }


def text_entry(model: ReportModel) -> dict[str, Any]:
    """How much of the complaint text the problem types carry, and how sentiment was judged."""
    coverage = model.text_coverage
    return {
        "coverage": {
            "classified": coverage.classified,
            "themed": coverage.themed,
            "total": coverage.total,
            "share": round_value(coverage.share),
            "share_with_themes": round_value(coverage.share_with_themes),
        },
        "sentiment": {
            "method": model.text_method.method,
            "examples": model.text_method.examples,
        },
        "themes": {"grouping": model.text_method.themes},
    }


def recommendation_entries(model: ReportModel) -> dict[str, Any]:
    """改进建议: each with its owner, due date, current value and target."""
    return {
        "recommendations": [
            {
                "kind": r.kind,
                "subject": r.subject,
                "owner": r.owner,
                "due": r.due.isoformat(),
                "current": round_value(r.current),
                "target": round_value(r.target),
                "measure_id": r.measure_id or None,
                "new": r.new,
            }
            for r in model.recommendations
        ]
    }


METRICS = {"dimension": "score_mean", "problem": "problem_share", "agent": "agent_satisfaction_mean"}


def measures_entry(model: ReportModel) -> list[dict[str, Any]]:
    """改进措施跟踪: each measure the report tracks — baseline, current, the change's test, target, deadline, status."""
    entries = []
    for item in model.measures:
        measure, current, change = item.measure, item.current, item.change
        entries.append(
            {
                "id": measure.id,
                "rule": measure.rule,
                "metric": METRICS[measure.kind],
                "subject": measure.subject,
                "slice": measure.slice_label,
                "owner": measure.owner,
                "first_period": measure.first_period.isoformat(),
                "baseline": round_value(measure.baseline.value),
                "baseline_n": measure.baseline.n,
                "target": round_value(measure.target),
                "current": round_value(current.value) if current else None,
                "current_n": current.n if current else None,
                "change": None
                if change is None
                else {
                    "delta": round_value(change.delta),
                    "test": change.test,
                    "p": round_value(change.p),
                    "q": round_value(change.q),
                    "decision": change.decision,
                },
                "deadline": measure.deadline.isoformat(),
                "days_left": item.days_left,
                "status": item.status,
            }
        )
    return entries


def followup_entry(kpis: FollowupKpis | None) -> dict[str, Any] | None:
    """The follow-up plan's KPIs (None when plans are not kept in a store)."""
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


def _changes(model: ReportModel):  # noqa: ANN202 - a small closure
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
            "q": round_value(found.q),
            "n_previous": found.n_previous,
            "significant": found.significant,
            "decision": found.decision,
        }

    return change


def _drivers_entry(model: ReportModel) -> dict[str, Any] | None:
    if model.drivers is None:
        return None
    return {
        "method": "Johnson relative weights, bootstrap 95% interval",
        "outcome": "overall_satisfaction",
        "r_squared": round_value(model.drivers.r_squared),
        "n": model.drivers.n,
        "dimensions": [
            {"field": d.field, "share": round_value(d.share), "ci95": [round_value(d.low), round_value(d.high)]}
            for d in model.drivers.drivers
        ],
    }


def _keywords_entry(model: ReportModel) -> dict[str, Any] | None:
    if model.keywords is None:
        return None
    sides = {
        side: [{"word": k.word, "z": round_value(k.z), "detractors": k.detractor_count, "promoters": k.promoter_count} for k in words]
        for side, words in zip(("detractors", "promoters"), model.keywords, strict=True)
    }
    return {"method": "weighted log-odds, informative Dirichlet prior (all comments of the period)", **sides}


def _coverage_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "subject": row["subject"],
        "served": int(row["served"]),
        "followed_up": int(row["followed_up"]),
        "rate": round_value(row["rate"]),
        "target": row["target"],
        "met": row["met"],
    }


def _finding(finding: Any) -> dict[str, Any]:
    return {"kind": finding.kind, "subject": finding.subject, "value": round_value(finding.value), "n": finding.n}


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


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
