"""The trend review's parts as HTML."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from IPython.display import HTML

from reporting.report.html.fragments import render_fragment
from reporting.report.html.parts import render_part
from reporting.report.trend.charts import render_chart
from reporting.report.trend.model import TrendModel
from reporting.vocab import label

PARTS: dict[str, Callable[[TrendModel], HTML]] = {
    "table": lambda t: render_fragment("trend_table.html.j2", weeks=t.weeks.to_dict("records")),
    "kpi_charts": lambda t: HTML(render_chart(t, "satisfaction").data + render_chart(t, "nps").data + measure_note(t)),
    "problem_chart": lambda t: render_chart(t, "problems"),
    "methods": lambda t: HTML(f'<ul class="methods"><li>{label("methods_trend")}</li><li>{label("methods_intervals")}</li></ul>'),
}


def measure_note(model: TrendModel) -> str:
    """Under the charts: which measures each green mark stands for ("" when none started in the range)."""
    if not model.measure_starts:
        return ""
    starts = "；".join(f"{day.isoformat()}：{'、'.join(names)}" for day, names in model.measure_starts)
    return f'<p class="note">{escape(label("trend_measure_note", starts=starts))}</p>'


HEADINGS = {"table": "trend_section_overview", "kpi_charts": "trend_section_kpis", "problem_chart": "trend_section_problems",
            "methods": "section_methods"}  # fmt: skip


def render(model: TrendModel, part: str = "all", generated_at: str = "") -> HTML:
    """One part of the trend review as HTML: ``header``, a key of ``PARTS``, or ``all`` (every part with its heading)."""
    return render_part(model, part, generated_at, label("title_trend"), PARTS, HEADINGS)
