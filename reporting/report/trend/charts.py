"""The trend review's charts: one KPI per week with its interval, problem shares per week, events marked."""

from __future__ import annotations

from IPython.display import HTML
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from reporting.report.html.figures import ACCENT, new_figure
from reporting.report.html.fragments import render_figure
from reporting.report.trend.model import TrendModel
from reporting.vocab import label


def plot_weekly_kpi(trend: TrendModel, kpi: str) -> Figure:
    """One KPI per week with its 95 % interval as error bars, events marked."""
    weeks = trend.weeks.dropna(subset=[kpi])
    figure, axes = new_figure(2.3)
    ticks = [f"{start:%m-%d}" for start in weeks["start"]]
    errors = [(weeks[kpi] - weeks[f"{kpi}_low"]).fillna(0), (weeks[f"{kpi}_high"] - weeks[kpi]).fillna(0)]
    axes.errorbar(ticks, weeks[kpi], yerr=errors, marker="o", color=ACCENT, capsize=3)
    _mark_events(axes, trend, list(weeks["start"]))
    axes.set_title(label(f"chart_trend_{kpi}"), fontsize=11, loc="left")
    axes.tick_params(labelsize=8)
    return figure


def plot_problem_shares(trend: TrendModel) -> Figure:
    """The share of valid responses mentioning each top problem type, per week."""
    shares = trend.problem_shares
    figure, axes = new_figure(2.6)
    ticks = [f"{start:%m-%d}" for start in shares["start"]]
    for column in shares.columns.drop("start"):
        axes.plot(ticks, shares[column], marker="o", label=column)
    _mark_events(axes, trend, list(shares["start"]))
    axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.set_title(label("chart_problem_shares"), fontsize=11, loc="left")
    figure.legend(*axes.get_legend_handles_labels(), frameon=False, fontsize=8, ncol=5, loc="outside lower center")
    axes.tick_params(labelsize=8)
    return figure


def _mark_events(axes: Axes, trend: TrendModel, week_starts: list) -> None:
    """A line and a label at the week each event falls in (red, dashed) and where measures started (green, dotted, 措施 N 项)."""
    marks = [(day, what, "#b03a2e", "--", -12) for day, what in trend.events]
    marks += [
        (day, label("trend_measure_mark", count=len(names)), "#1a7f37", ":", -24 - 12 * (i % 2))
        for i, (day, names) in enumerate(trend.measure_starts)
    ]
    for day, what, colour, style, offset in marks:
        position = sum(1 for start in week_starts if start <= day) - 1
        if position >= 0:
            axes.axvline(position, color=colour, linestyle=style, linewidth=1)
            axes.annotate(
                what, (position, 1), xycoords=("data", "axes fraction"), xytext=(3, offset),
                textcoords="offset points", fontsize=8, color=colour,
            )  # fmt: skip


def render_chart(trend: TrendModel, name: str) -> HTML:
    """A trend-review chart: ``satisfaction``, ``nps`` or ``problems`` (nothing without data)."""

    if name == "problems":
        has_data = len(trend.problem_shares.columns) > 1
        return render_figure(plot_problem_shares(trend), label("chart_problem_shares")) if has_data else HTML("")
    has_data = trend.weeks[name].notna().any() if not trend.weeks.empty else False
    return render_figure(plot_weekly_kpi(trend, name), label(f"chart_trend_{name}")) if has_data else HTML("")
