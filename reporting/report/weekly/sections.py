"""The weekly report's sections as HTML: what the notebook displays, one function per part.

Formatting lives in ``html``, sentences in ``narrative``, charts in ``charts``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from IPython.display import HTML
from markupsafe import Markup

from reporting.analysis.multiplicity import family_sizes
from reporting.config import TEMPLATES_DIR
from reporting.followup.measure_sheet import subject_name
from reporting.report.html.fragments import render_fragment
from reporting.report.html.parts import render_part
from reporting.report.weekly.charts import render_chart
from reporting.report.weekly.drill import band_counts, drill_payload, payload_json, verification_reasons
from reporting.report.weekly.model import ReportModel
from reporting.report.weekly.narrative import (
    HEADLINE_CHANGES,
    coverage_gaps,
    describe_change,
    describe_drivers,
    describe_finding,
    describe_target,
    measure_row,
    met_target,
)
from reporting.text.classify import NPS_GROUPS
from reporting.text.reading import LOW_COVERAGE
from reporting.vocab import headers, label


def render_overview(model: ReportModel) -> HTML:
    """回访概况: counts, participation and valid response rates, the table by service type."""
    shown, suppressed = _split_segments(model.by_service)
    channels, suppressed_channels = _split_segments(model.by_channel)
    reasons = "；".join(f"{reason} {count} 行" for reason, count in model.ledger.rejected_by_reason.items())
    return render_fragment(
        "overview.html.j2",
        m=model,
        services=shown,
        suppressed_services=suppressed,
        channels=channels,
        suppressed_channels=suppressed_channels,
        reasons=reasons,
        late=model.late.head(LATE_SHOWN).to_dict("records"),
        coverage=model.coverage.to_dict("records") if model.coverage is not None else None,
        late_shown=LATE_SHOWN,
    )


def render_conclusions(model: ReportModel) -> HTML:
    """核心结论: KPIs with intervals, changes with their tests, dimension means, strengths and weaknesses."""
    significant_dimensions = [f for f in model.dimensions if f not in HEADLINE_CHANGES and (c := model.changes.get(f)) and c.significant]
    changes = [describe_change(key, model.changes.get(key)) for key in (*HEADLINE_CHANGES, *significant_dimensions) if key in model.changes]
    return render_fragment(
        "conclusions.html.j2",
        m=model,
        alerts=[
            {"level": a.severity, "severity": label(f"severity_{a.severity}"), "message": a.message} for a in model.alerts[:ALERTS_SHOWN]
        ],
        alerts_more=max(0, len(model.alerts) - ALERTS_SHOWN),
        strengths=[describe_finding(f, strength=True, q_level=model.fdr_q) for f in model.strengths],
        weaknesses=[describe_finding(f, strength=False, q_level=model.fdr_q) for f in model.weaknesses] + coverage_gaps(model),
        changes=changes,
        change_heading=label("change_heading", start=model.previous_start, end=model.previous_end) if model.previous_start else "",
        drivers=describe_drivers(model),
        agents=_split_segments(model.by_agent)[0],
        suppressed_agents=_split_segments(model.by_agent)[1],
        top_problems=[f"{r.type}（{r.count} 条，{r.share:.0%}）" for r in model.top_problems.itertuples()],
        band_counts=band_counts(model),
        nps_counts=[
            (NPS_GROUPS[2], label("promoters"), model.nps.promoters),
            (NPS_GROUPS[1], label("passives"), model.nps.passives),
            (NPS_GROUPS[0], label("detractors"), model.nps.detractors),
        ],
    )


VERIFY_SHOWN = 20
ALERTS_SHOWN = 8  # the rest are in the batch's alerts.json and the messages sent


LATE_SHOWN = 10


def render_text_coverage(model: ReportModel) -> HTML:
    """问题分析's opening lines: how much of the complaint text the problem types carry (问题归类覆盖率)."""
    coverage = model.text_coverage
    low = coverage.share is not None and coverage.share < LOW_COVERAGE
    return render_fragment("text_coverage.html.j2", m=model, coverage=coverage, low_coverage=low)


def render_problems(model: ReportModel) -> HTML:
    """问题分析: feedback types, sentiment, problem types and discovered themes with quotes, the 二次核实 list."""
    return render_fragment(
        "problems.html.j2",
        m=model,
        feedback_counts=_counted(model.feedback_counts, model.sample["valid"]),
        sentiment_counts=_counted(model.sentiment_counts, model.sample["valid"]),
        verification=model.verification.head(VERIFY_SHOWN).to_dict("records"),
        verify_reasons=verification_reasons(model),
        verify_shown=VERIFY_SHOWN,
        demands=model.demands.to_dict("records"),
    )


def _counted(counts: dict[str, int], valid: int) -> list[dict[str, Any]]:
    """Counts with their share of the valid responses, for a template (None when there are none)."""
    return [{"name": name, "count": count, "share": count / valid if valid else None} for name, count in counts.items()]


def render_recommendations(model: ReportModel) -> HTML:
    """改进措施跟踪 (measures proposed earlier, judged this period), then 改进建议: one row per measure, new or tracked."""
    judged = {p.measure.id: p for p in model.measures}
    items = []
    for r in model.recommendations:
        item = judged.get(r.measure_id)
        met = not r.new and item is not None and item.status == "met"
        first = item.measure.first_period.isoformat() if item else ""
        items.append(
            {
                "subject": subject_name(r.kind, r.subject),
                "action": r.action,
                "owner": r.owner,
                "due": r.due.isoformat(),
                "target": met_target(r) if met else describe_target(r),
                "status": label("rec_new") if r.new else label("rec_met" if met else "rec_tracked", first=first),
            }
        )
    tracking = [measure_row(item) for item in model.measures]
    return render_fragment(
        "recommendations.html.j2",
        items=items,
        measures=tracking,
        heads=headers("measures"),
        kept=bool(model.measures) or any(r.measure_id for r in model.recommendations),
        q=model.fdr_q,
    )


def render_methods(model: ReportModel) -> HTML:
    """口径说明: definitions of every rate and interval in the report, and which sentiment method this run used."""
    method = model.text_method
    how = label(f"methods_sentiment_{method.method}_how")
    sizes = family_sizes(model.tests)
    families = "、".join(f"{label(f'family_{name}')} {m} 个" for name, m in sizes.items())
    multiplicity = label("methods_multiplicity", m=sum(sizes.values()), k=len(sizes), families=families or "无", q=model.fdr_q)
    sentiment = label("methods_sentiment_model", examples=method.examples, how=how)
    grouping = label(f"methods_themes_{method.themes}")
    return render_fragment("methods.html.j2", m=model, sentiment_method=sentiment, multiplicity=multiplicity, theme_grouping=grouping)


def render_records(model: ReportModel) -> HTML:
    """The record view behind every ``data-drill`` count: the period's valid responses (masked), a script, nothing on paper."""
    script = Markup((TEMPLATES_DIR / "report" / "drill.js").read_text(encoding="utf-8"))
    return render_fragment("drill.html.j2", payload=Markup(payload_json(drill_payload(model))), script=script)


def _split_segments(frame: pd.DataFrame) -> tuple[list[dict[str, Any]], int]:
    """Rows large enough to show, and how many were suppressed."""
    if frame.empty:
        return [], 0
    shown = frame.loc[frame["shown"]]
    return shown.to_dict("records"), int((~frame["shown"]).sum())


def _charts(model: ReportModel, *names: str) -> HTML:
    return HTML("".join(render_chart(model, name).data for name in names))


PARTS: dict[str, Callable[[ReportModel], HTML]] = {
    "overview": render_overview,
    "conclusions": render_conclusions,
    "charts": lambda m: _charts(m, "drivers", "scores", "nps", "trend"),
    "problems": lambda m: HTML(render_text_coverage(m).data + _charts(m, "problems", "keywords").data + render_problems(m).data),
    "recommendations": render_recommendations,
    "methods": render_methods,
    "records": render_records,
}


HEADINGS = {"overview": "section_overview", "conclusions": "section_conclusions", "problems": "section_problems",
            "recommendations": "section_recommendations", "methods": "section_methods"}  # fmt: skip


def render(model: ReportModel, part: str = "all", generated_at: str = "") -> HTML:
    """One part of the weekly report as HTML: ``header``, a key of ``PARTS``, or ``all`` (every part with its heading).

    Args:
        model: the built (and synced) report.
        part: which part; the notebook shows them one per cell under its own headings.
        generated_at: shown in the header.
    """
    return render_part(model, part, generated_at, label("report_title"), PARTS, HEADINGS)
