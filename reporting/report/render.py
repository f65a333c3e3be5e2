"""Rendering the report model as HTML fragments for the notebook's outputs.

The Jinja partials in ``templates/partials/`` format; they never compute. Every
fragment is an ``IPython.display.HTML`` so it displays in JupyterLab and is exported
as-is by nbconvert.
"""

from __future__ import annotations

import base64
import io
import os
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, display
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from matplotlib.figure import Figure

from reporting.analysis.compare import Change
from reporting.analysis.drivers import MIN_RESPONSES
from reporting.analysis.insights import Finding, Recommendation
from reporting.analysis.metrics import INDICATIVE_BELOW
from reporting.config import TEMPLATES_DIR
from reporting.intake.privacy import mask_text
from reporting.report.document import metrics_document
from reporting.report.model import ReportModel
from reporting.report.published import METRICS_MIMETYPE, REJECTS_MIMETYPE, SUGGESTIONS_MIMETYPE, TRANSFER_DIR_ENV, WORKBOOK_MIMETYPE
from reporting.report.trend import TrendModel, trend_document
from reporting.text.reading import LOW_COVERAGE, theme_label
from reporting.text.suggestions import suggestions_yaml
from reporting.vocab import chinese_header, label


def format_percent(value: float | None, digits: int = 1) -> str:
    """``0.1234`` → ``12.3%``; missing → ``—``."""
    return "—" if value is None or pd.isna(value) else f"{value:.{digits}%}"


def format_score(value: float | None) -> str:
    """A mean score with two decimals; missing → ``—``."""
    return "—" if value is None or pd.isna(value) else f"{value:.2f}"


def format_nps(value: float | None) -> str:
    """NPS points with sign and one decimal; missing → ``—``."""
    return "—" if value is None or pd.isna(value) else f"{value:+.1f}"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR / "partials"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=format_percent, score=format_score, nps=format_nps, int_fmt=lambda v: f"{int(v):,}")
    env.globals["t"] = label
    env.globals["indicative_below"] = INDICATIVE_BELOW
    env.globals["kpi"] = env.get_template("kpi.html.j2").module.kpi  # type: ignore[attr-defined]
    env.globals["segment_table"] = env.get_template("segment_table.html.j2").module.segment_table  # type: ignore[attr-defined]
    env.globals["data_table"] = env.get_template("data_table.html.j2").module.data_table  # type: ignore[attr-defined]
    return env


def render_fragment(template: str, **context: Any) -> HTML:
    """Render one partial template to displayable HTML."""
    return HTML(_environment().get_template(template).render(**context))


def render_header(model: ReportModel | TrendModel, generated_at: str = "") -> HTML:
    """The title block: report name, period, slice and generation time."""
    title = label("title_trend") if isinstance(model, TrendModel) else label("report_title")
    return render_fragment("header.html.j2", m=model, generated_at=generated_at, title=title)


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


TEST_LABELS = {"two-sample z": "test_two_sample_z", "two-proportion z": "test_two_proportion_z", "Welch t": "test_welch_t"}
HEADLINE_CHANGES = ("overall_satisfaction", "csat", "nps", "participation", "first_contact_resolution")


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


def coverage_gaps(model: ReportModel) -> list[str]:
    """One weakness line per service type (or key customers) whose coverage is below its target."""
    if model.coverage is None:
        return []
    below = model.coverage.loc[model.coverage["是否达标"].eq(False)]
    return [
        label(
            "coverage_gap",
            subject=r["对象"],
            rate=format_percent(r["覆盖率"]),
            done=r["已完成回访"],
            served=r["服务完成数"],
            target=format_percent(r["目标"]),
        )
        for r in below.to_dict("records")
    ]


def describe_drivers(model: ReportModel) -> str:
    """One sentence on what moves overall satisfaction, and where the weakest driver is."""
    analysis = model.drivers
    if analysis is None:
        return label("drivers_none", n=MIN_RESPONSES)
    top = analysis.drivers[0]
    return label(
        "drivers_sentence", name=label(top.field), share=top.share, low=top.low, high=top.high, r2=analysis.r_squared, n=analysis.n
    )


def describe_change(key: str, change: Change | None) -> str:
    """One sentence on a KPI's change: a rise or fall only when the test says so (p < 0.05)."""
    name = label(key)
    if change is None:
        return label("change_none", name=name)
    if key == "nps":
        delta = f"{abs(change.delta):.1f} 分" if change.significant else f"{change.delta:+.1f} 分"
    elif key in ("csat", "participation", "valid_response", "first_contact_resolution"):
        delta = f"{abs(change.delta) * 100:.1f} 个百分点" if change.significant else f"{change.delta * 100:+.1f} 个百分点"
    else:
        delta = f"{abs(change.delta):.2f} 分" if change.significant else f"{change.delta:+.2f} 分"
    p = "< 0.001" if change.p is not None and change.p < 0.001 else f"= {change.p:.3f}" if change.p is not None else "无法计算"
    if not change.significant:
        return label("change_noise", name=name, delta=delta, p=p)
    test = label(TEST_LABELS[change.test])
    return label("change_up" if change.delta > 0 else "change_down", name=name, delta=delta, test=test, p=p)


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
        verification=model.verification.head(VERIFY_SHOWN).to_dict("records"),
        verify_shown=VERIFY_SHOWN,
        demands=model.demands.to_dict("records"),
    )


def render_recommendations(model: ReportModel) -> HTML:
    """改进建议: one row per measure, with owner, deadline and target."""
    items = [
        {"subject": _subject_name(r), "action": r.action, "owner": r.owner, "due": r.due.isoformat(), "target": describe_target(r)}
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


def render_figure(figure: Figure, alt: str = "") -> HTML:
    """Embed a figure as a PNG data URI (the report stays one self-contained file) and close it."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=160, metadata={"Software": None})
    plt.close(figure)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return render_fragment("figure.html.j2", data=data, alt=alt)


def describe_finding(finding: Finding, strength: bool) -> str:
    """One sentence for a strength or weakness, with its numbers."""
    extra = dict(finding.extra)
    if finding.kind == "dimension":
        if not strength and "importance" in extra:
            return label("weakness_driver", name=label(finding.subject), mean=finding.value, n=finding.n, share=extra["importance"])
        key = "strength_dimension" if strength else "weakness_dimension"
        return label(key, name=label(finding.subject), mean=finding.value, n=finding.n)
    if finding.kind == "service":
        key = "strength_service" if strength else "weakness_service"
        return label(key, name=finding.subject, mean=finding.value, n=finding.n)
    if finding.kind == "problem":
        return label("weakness_problem", name=finding.subject, share=finding.value, count=int(extra["count"]), n=finding.n)
    return label("weakness_agent", name=finding.subject, mean=finding.value, n=finding.n, gap=extra["gap"])


def describe_target(recommendation: Recommendation) -> str:
    """The measurable target of a recommendation, computed from its current value."""
    if recommendation.kind == "dimension":
        return label("rec_target_score", name=label(recommendation.subject), current=recommendation.current, target=recommendation.target)
    if recommendation.kind == "problem":
        return label("rec_target_share", name=recommendation.subject, current=recommendation.current, target=recommendation.target)
    return label("rec_target_agent", name=recommendation.subject, current=recommendation.current, target=recommendation.target)


def _subject_name(recommendation: Recommendation) -> str:
    if recommendation.kind == "dimension":
        return label(recommendation.subject)
    if recommendation.kind == "agent":
        return f"{label('visitor')} {recommendation.subject}"
    return recommendation.subject


def _split_segments(frame: pd.DataFrame) -> tuple[list[dict[str, Any]], int]:
    """Rows large enough to show, and how many were suppressed."""
    if frame.empty:
        return [], 0
    shown = frame.loc[frame["shown"]]
    return shown.to_dict("records"), int((~frame["shown"]).sum())


def publish_metrics(model: ReportModel | TrendModel) -> None:
    """Display the metrics, the (masked) rejects ledger and the workbook as notebook outputs, for the exporter.

    The outputs live in the executed notebook (the audit record); the HTML/PDF never
    show them (their cell is tagged ``metrics`` and removed on export).
    """
    document = trend_document(model) if isinstance(model, TrendModel) else metrics_document(model)
    weekly = isinstance(model, ReportModel)
    workbook = workbook_payload(workbook_tables(model)) if weekly else None
    suggestions = suggestions_yaml(model.taxonomy_suggestions) if weekly else None
    publish_outputs(document, model.rejects, workbook, suggestions)


def publish_outputs(
    document: dict[str, Any], rejects: pd.DataFrame, workbook: dict[str, Any] | None = None, suggestions: str | None = None
) -> None:
    """Display a report's metrics document, rejects ledger (masked here), workbook and taxonomy suggestions for the exporter."""
    outputs: dict[str, Any] = {METRICS_MIMETYPE: document, REJECTS_MIMETYPE: masked_rejects(rejects)}
    if workbook is not None:
        outputs[WORKBOOK_MIMETYPE] = workbook
    if suggestions is not None:
        outputs[SUGGESTIONS_MIMETYPE] = {"yaml": suggestions}
    display(outputs, raw=True)


def workbook_payload(sheets: dict[str, pd.DataFrame], file: str = "workbook.xlsx", as_of: datetime | None = None) -> dict[str, Any]:
    """Sheets (already masked) for the exporter to write into an XLSX file.

    Under ``reporting run`` (``TRANSFER_DIR_ENV`` set to the run's staging folder) the
    tables travel as one pickle file there, which the exporter reads and removes: a large
    week's 50,000 rows would otherwise be encoded as JSON, saved in the executed notebook
    and parsed again. In an interactive session they are embedded as JSON.

    Args:
        sheets: sheet name → table, in order.
        file: the file name in the run's output folder.
        as_of: the moment overdue plan items are judged at (None: when the run started).
    """
    payload: dict[str, Any] = {"file": file, "as_of": as_of.isoformat() if as_of else None}
    transfer = os.environ.get(TRANSFER_DIR_ENV)
    if transfer and Path(transfer).is_dir():
        path = Path(transfer) / f".{file}.sheets.pkl"
        pd.to_pickle(dict(sheets), path)
        return {**payload, "sheets_file": str(path)}
    return {
        **payload,
        "sheets": [{"name": name, **_table_payload(table)} for name, table in sheets.items()],
    }  # a list: JSON keys get sorted


def workbook_tables(model: ReportModel) -> dict[str, pd.DataFrame]:
    """The workbook's tables that come from the report (all masked)."""
    advice = {r.subject: r.action for r in model.recommendations if r.kind == "problem"}
    rows = [(p.type, p.count, p.share, p.quotes) for p in model.problems] + [
        (theme_label(t.name), t.count, t.share, t.quotes) for t in model.themes
    ]
    feedback_table = pd.DataFrame(
        [
            {
                "反馈类型": name,
                "数量": count,
                "占比": round(share, 4),
                "典型案例描述": quotes[0].text if quotes else "",
                "改进建议": advice.get(name, ""),
            }
            for name, count, share, quotes in rows
        ],
        columns=["反馈类型", "数量", "占比", "典型案例描述", "改进建议"],
    )
    verification = model.verification.rename(
        columns={
            "record_id": "记录编号",
            "customer_id": "客户编号",
            "customer_name": "客户姓名",
            "service_type": "服务类型",
            "visitor": "回访人",
            "overall_satisfaction": "整体满意度",
            "text_negative": "文字负面概率",
            "reason": "核实原因",
        }
    )
    return {
        "客户回访记录表": model.record_sheet,
        "客户跟进计划表": masked_plan(model.plan),
        "客户反馈分类统计表": feedback_table,
        "二次核实清单": verification,
    }


def table_context(table: pd.DataFrame) -> dict[str, Any]:
    """A table for the ``data_table`` macro: column names and display rows (times to the minute)."""
    rows = [[_plain_value(v, "%Y-%m-%d %H:%M") for v in row] for row in table.itertuples(index=False)]
    return {"columns": [str(c) for c in table.columns], "rows": rows}


def masked_plan(plan: pd.DataFrame) -> pd.DataFrame:
    """The plan with staff's free-text results masked (they may quote a phone number)."""
    return plan.assign(跟进结果简述=plan["跟进结果简述"].map(lambda v: mask_text(v) if isinstance(v, str) else v)) if len(plan) else plan


def _table_payload(table: pd.DataFrame) -> dict[str, Any]:
    """A table as JSON-safe columns and rows (timestamps as ISO text, missing as null)."""
    rows = [[_plain_value(v) for v in row] for row in table.itertuples(index=False)]
    return {"columns": [str(c) for c in table.columns], "rows": rows}


def _plain_value(value: object, time_format: str = "") -> object:
    """A cell as a plain JSON value: None for missing, timestamps as ISO text (or ``time_format``), numpy scalars unwrapped."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime(time_format) if time_format else value.isoformat()
    return value.item() if hasattr(value, "item") else value


def render_trend_table(trend: TrendModel) -> HTML:
    """趋势概览: KPIs per week with their 95 % intervals; weeks under ``INDICATIVE_BELOW`` valid responses marked."""
    return render_fragment("trend_table.html.j2", weeks=trend.weeks.to_dict("records"))


def render_trend_chart(trend: TrendModel, name: str) -> HTML:
    """A trend-review chart: ``satisfaction``, ``nps`` or ``problems`` (nothing without data)."""
    from reporting.report import charts

    if name == "problems":
        has_data = len(trend.problem_shares.columns) > 1
        return render_figure(charts.plot_problem_shares(trend), label("chart_problem_shares")) if has_data else HTML("")
    has_data = trend.weeks[name].notna().any() if not trend.weeks.empty else False
    return render_figure(charts.plot_weekly_kpi(trend, name), label(f"chart_trend_{name}")) if has_data else HTML("")


def render_trend_methods(trend: TrendModel) -> HTML:
    """口径说明 of the trend review."""
    return HTML(f'<ul class="methods"><li>{label("methods_trend")}</li><li>{label("methods_intervals")}</li></ul>')


def masked_rejects(rejects: pd.DataFrame) -> list[dict[str, Any]]:
    """The rejects ledger ready for export: file names only, personal data in values masked."""
    rows = []
    for row in rejects.itertuples(index=False):
        rows.append(
            {
                "source": Path(str(row.source)).name,
                "row": int(row.row),
                "record_id": mask_text(row.record_id),
                "field": chinese_header(str(row.field)),
                "value": mask_text(row.value),
                "reason": str(row.reason),
            }
        )
    return rows
