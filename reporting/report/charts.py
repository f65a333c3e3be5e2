"""Report charts (matplotlib), labelled in Chinese with a CJK font."""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from reporting.report.fonts import use_cjk_font
from reporting.report.model import ReportModel
from reporting.report.trend import TrendModel
from reporting.vocab import label

SCORE_COLOURS = ("#c0392b", "#e67e22", "#f1c40f", "#7fb77e", "#2e8b57")
NPS_COLOURS = ("#c0392b", "#bdc3c7", "#2e8b57")
ACCENT = "#2c6fbb"
FIGURE_WIDTH = 7.2


def _figure(height: float) -> tuple[Figure, Axes]:
    """A figure of its own (no pyplot: nothing global to close, and pyplot's import is spared); saving it renders with Agg."""
    use_cjk_font()
    figure = Figure(figsize=(FIGURE_WIDTH, height), dpi=110, layout="constrained")
    axes = figure.subplots()
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure, axes


def _label_segment(axes: Axes, start: float, share: float, y: float, light_text: bool, minimum: float) -> None:
    """Write a stacked bar segment's share inside it, when the segment is wide enough to hold it."""
    if share >= minimum:
        axes.text(start + share / 2, y, f"{share:.0%}", ha="center", va="center", fontsize=8, color="white" if light_text else "black")


def plot_score_distribution(model: ReportModel) -> Figure:
    """Stacked bars: the share of each score 1-5 per dimension, with the mean on the right."""
    shares = model.score_distribution
    figure, axes = _figure(0.42 * len(shares) + 1.1)
    names = [label(f) for f in shares.index]
    left = pd.Series(0.0, index=shares.index)
    for score, colour in zip(shares.columns, SCORE_COLOURS, strict=True):
        axes.barh(names, shares[score], left=left, color=colour, label=label("score_label", score=score), height=0.6)
        for y, (share, start) in enumerate(zip(shares[score], left, strict=True)):
            _label_segment(axes, start, share, y, light_text=score in (1, 5), minimum=0.07)
        left = left + shares[score]
    for y, field in enumerate(shares.index):
        mean = model.dimensions[field].value
        if mean is not None:
            axes.text(1.02, y, f"{mean:.2f}", va="center", fontsize=9)
    axes.set_xlim(0, 1.08)
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    axes.set_title(label("chart_scores"), fontsize=11, loc="left")
    figure.legend(*axes.get_legend_handles_labels(), ncol=5, loc="outside lower center", frameon=False, fontsize=8)
    return figure


def plot_nps_composition(model: ReportModel) -> Figure:
    """One stacked bar: detractors, passives and promoters, with the NPS and its interval."""
    nps = model.nps
    figure, axes = _figure(1.5)
    parts = [(label("detractors"), nps.detractors), (label("passives"), nps.passives), (label("promoters"), nps.promoters)]
    start = 0.0
    for (name, count), colour in zip(parts, NPS_COLOURS, strict=True):
        share = count / nps.n if nps.n else 0.0
        axes.barh([0], [share], left=start, color=colour, height=0.5, label=f"{name} {count}")
        _label_segment(axes, start, share, 0, light_text=colour != NPS_COLOURS[1], minimum=0.06)
        start += share
    axes.set_xlim(0, 1)
    axes.set_yticks([])
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    title = label("chart_nps")
    if nps.value is not None:
        title += f"：NPS {nps.value:+.1f}（95% 区间 {nps.low:+.1f} ~ {nps.high:+.1f}，n={nps.n}）"
    axes.set_title(title, fontsize=11, loc="left")
    figure.legend(*axes.get_legend_handles_labels(), ncol=3, loc="outside lower center", frameon=False, fontsize=8)
    return figure


def plot_problem_distribution(model: ReportModel) -> Figure:
    """Horizontal bars: the share of valid responses mentioning each problem type."""
    problems = model.problems
    figure, axes = _figure(0.3 * max(1, len(problems)) + 0.8)
    names = [p.type for p in problems]
    shares = [p.share for p in problems]
    axes.barh(names, shares, color=ACCENT, height=0.6)
    for y, problem in enumerate(problems):
        axes.text(problem.share, y, f" {problem.share:.1%}（{problem.count}）", va="center", fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, max(shares + [0.05]) * 1.3)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.set_title(label("chart_problems"), fontsize=11, loc="left")
    return figure


def plot_trend(model: ReportModel) -> Figure:
    """Mean overall satisfaction and response speed per period, the report period marked."""
    trend = model.trend
    figure, axes = _figure(2.2)
    ticks = [f"{start:%m-%d}" for start in trend["start"]]
    axes.plot(ticks, trend["satisfaction"], marker="o", color=ACCENT, label=label("overall_satisfaction"))
    if trend["speed"].notna().any():
        axes.plot(ticks, trend["speed"], marker="s", color=SCORE_COLOURS[1], label=label("score_speed"))
    current = [i for i, flag in enumerate(trend["current"]) if flag]
    if current:
        axes.axvspan(current[0] - 0.4, current[0] + 0.4, color="#dfe9f5", zorder=0)
    axes.set_ylim(1, 5)
    axes.set_ylabel(label("mean_score"), fontsize=9)
    axes.set_title(label("chart_trend"), fontsize=11, loc="left")
    axes.legend(frameon=False, fontsize=8, loc="lower left")
    axes.tick_params(labelsize=8)
    return figure


def plot_drivers(model: ReportModel) -> Figure:
    """Horizontal bars: each dimension's share of the explained variance, with its 95 % interval."""
    analysis = model.drivers
    assert analysis is not None
    figure, axes = _figure(0.4 * len(analysis.drivers) + 0.9)
    names = [label(d.field) for d in analysis.drivers]
    shares = [d.share for d in analysis.drivers]
    errors = [[d.share - d.low for d in analysis.drivers], [d.high - d.share for d in analysis.drivers]]
    axes.barh(names, shares, xerr=errors, color=ACCENT, height=0.55, error_kw={"ecolor": "#555", "capsize": 3})
    for y, driver in enumerate(analysis.drivers):
        axes.text(driver.high + 0.01, y, f"{driver.share:.0%}", va="center", fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 1)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.set_title(label("chart_drivers", r2=analysis.r_squared, n=analysis.n), fontsize=11, loc="left")
    return figure


def plot_keywords(model: ReportModel) -> Figure:
    """Diverging bars: words typical of detractors (right, red) and of promoters (left, green)."""
    assert model.keywords is not None
    detractor_words, promoter_words = model.keywords
    words = [*reversed(promoter_words), *detractor_words]
    figure, axes = _figure(0.22 * len(words) + 1.0)
    colours = [NPS_COLOURS[2] if k.z < 0 else NPS_COLOURS[0] for k in words]
    axes.barh([k.word for k in words], [k.z for k in words], color=colours, height=0.6)
    axes.axvline(0, color="#555", linewidth=0.8)
    axes.invert_yaxis()
    axes.set_xlabel(label("keywords_axis"), fontsize=8)
    axes.set_title(label("chart_keywords"), fontsize=11, loc="left")
    axes.tick_params(labelsize=8)
    return figure


def plot_weekly_kpi(trend: TrendModel, kpi: str) -> Figure:
    """One KPI per week with its 95 % interval as error bars, events marked."""
    weeks = trend.weeks.dropna(subset=[kpi])
    figure, axes = _figure(2.3)
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
    figure, axes = _figure(2.6)
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
    """A dashed line and a label at the week each event falls in."""
    for day, what in trend.events:
        position = sum(1 for start in week_starts if start <= day) - 1
        if position >= 0:
            axes.axvline(position, color="#b03a2e", linestyle="--", linewidth=1)
            axes.annotate(
                what,
                (position, 1),
                xycoords=("data", "axes fraction"),
                xytext=(3, -12),
                textcoords="offset points",
                fontsize=8,
                color="#b03a2e",
            )
