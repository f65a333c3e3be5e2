"""The report's sections as HTML: what the notebooks display, one function per section or chart.

Formatting lives in ``fragments``, sentences in ``narrative``, what goes to the exporter in
``publishing``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from IPython.display import HTML

from reporting.report.fragments import render_figure, render_fragment
from reporting.report.model import ReportModel
from reporting.report.narrative import (
    HEADLINE_CHANGES,
    coverage_gaps,
    describe_change,
    describe_drivers,
    describe_finding,
    describe_target,
    subject_name,
)
from reporting.text.reading import LOW_COVERAGE
from reporting.vocab import label


def render_header(model: Any, title: str, generated_at: str = "") -> HTML:
    """The title block: report name, period (``model.period_start``/``period_end``), slice and generation time."""
    return render_fragment("header.html.j2", m=model, generated_at=generated_at, title=title)


def render_part(
    model: Any, part: str, generated_at: str, title: str, parts: dict[str, Callable[[Any], HTML]], headings: dict[str, str]
) -> HTML:
    """A report's ``part`` as HTML: ``header``, one of ``parts``, or ``all`` (the header, then every part under its heading).

    Args:
        model: the report's model.
        part: which part.
        generated_at: shown in the header.
        title: the report's title.
        parts: part name → its renderer, in the report's order.
        headings: part name → the label key of its heading (parts without one follow the previous part).

    Raises:
        ValueError: ``part`` is none of them (named in the message).
    """
    if part == "header":
        return render_header(model, title, generated_at)
    if part != "all":
        if part not in parts:
            raise ValueError(f"{title} has no part {part!r}: header, all, {', '.join(parts)}")
        return parts[part](model)
    body = [render_header(model, title, generated_at).data]
    for name, renderer in parts.items():
        heading = f"<h2>{label(headings[name])}</h2>" if name in headings else ""
        body.append(heading + renderer(model).data)
    return HTML("".join(body))


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
        strengths=[describe_finding(f, strength=True) for f in model.strengths],
        weaknesses=[describe_finding(f, strength=False) for f in model.weaknesses] + coverage_gaps(model),
        changes=changes,
        change_heading=label("change_heading", start=model.previous_start, end=model.previous_end) if model.previous_start else "",
        drivers=describe_drivers(model),
        agents=_split_segments(model.by_agent)[0],
        suppressed_agents=_split_segments(model.by_agent)[1],
        top_problems=[f"{r.type}（{r.count} 条，{r.share:.0%}）" for r in model.top_problems.itertuples()],
    )


VERIFY_SHOWN = 20
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
        verify_shown=VERIFY_SHOWN,
        demands=model.demands.to_dict("records"),
    )


def _counted(counts: dict[str, int], valid: int) -> list[dict[str, Any]]:
    """Counts with their share of the valid responses, for a template (None when there are none)."""
    return [{"name": name, "count": count, "share": count / valid if valid else None} for name, count in counts.items()]


def render_recommendations(model: ReportModel) -> HTML:
    """改进建议: one row per measure, with owner, deadline and target."""
    items = [
        {"subject": subject_name(r), "action": r.action, "owner": r.owner, "due": r.due.isoformat(), "target": describe_target(r)}
        for r in model.recommendations
    ]
    return render_fragment("recommendations.html.j2", items=items)


def render_methods(model: ReportModel) -> HTML:
    """口径说明: definitions of every rate and interval in the report, and which sentiment method this run used."""
    method = model.text_method
    how = label(f"methods_sentiment_{method.method}_how", weight=f"{method.model_weight:.0%}")
    return render_fragment("methods.html.j2", m=model, sentiment_method=label("methods_sentiment_model", examples=method.examples, how=how))


def render_chart(model: ReportModel, name: str) -> HTML:
    """One of the report's charts, or nothing when the period has no data for it.

    Args:
        model: the report model.
        name: ``scores``, ``nps``, ``trend`` or ``problems``.
    """
    from reporting.report import charts

    plots = {
        "scores": (charts.plot_score_distribution, model.sample["valid"] > 0, "chart_scores"),
        "nps": (charts.plot_nps_composition, model.nps.n > 0, "chart_nps"),
        "trend": (charts.plot_trend, len(model.trend) >= 2, "chart_trend"),
        "problems": (charts.plot_problem_distribution, len(model.problems) > 0, "chart_problems_alt"),
        "drivers": (charts.plot_drivers, model.drivers is not None, "chart_drivers_alt"),
        "keywords": (charts.plot_keywords, model.keywords is not None, "chart_keywords"),
    }
    plot, has_data, title = plots[name]
    return render_figure(plot(model), label(title)) if has_data else HTML("")


def _split_segments(frame: pd.DataFrame) -> tuple[list[dict[str, Any]], int]:
    """Rows large enough to show, and how many were suppressed."""
    if frame.empty:
        return [], 0
    shown = frame.loc[frame["shown"]]
    return shown.to_dict("records"), int((~frame["shown"]).sum())
