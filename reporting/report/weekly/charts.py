"""The weekly report's charts (matplotlib), labelled in Chinese with a CJK font."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from reporting.report.html.figures import ACCENT, NPS_COLOURS, SCORE_COLOURS, label_segment, new_figure
from reporting.report.html.fragments import render_figure
from reporting.report.weekly.model import ReportModel
from reporting.vocab import label


def plot_score_distribution(model: ReportModel) -> Figure:
    """Stacked bars: the share of each score 1-5 per dimension, with the mean on the right."""
    shares = model.score_distribution
    figure, axes = new_figure(0.42 * len(shares) + 1.1)
    names = [label(f) for f in shares.index]
    left = pd.Series(0.0, index=shares.index)
    for score, colour in zip(shares.columns, SCORE_COLOURS, strict=True):
        axes.barh(names, shares[score], left=left, color=colour, label=label("score_label", score=score), height=0.6)
        for y, (share, start) in enumerate(zip(shares[score], left, strict=True)):
            label_segment(axes, start, share, y, light_text=score in (1, 5), minimum=0.07)
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
    figure, axes = new_figure(1.5)
    parts = [(label("detractors"), nps.detractors), (label("passives"), nps.passives), (label("promoters"), nps.promoters)]
    start = 0.0
    for (name, count), colour in zip(parts, NPS_COLOURS, strict=True):
        share = count / nps.n if nps.n else 0.0
        axes.barh([0], [share], left=start, color=colour, height=0.5, label=f"{name} {count}")
        label_segment(axes, start, share, 0, light_text=colour != NPS_COLOURS[1], minimum=0.06)
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
    figure, axes = new_figure(0.3 * max(1, len(problems)) + 0.8)
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
    figure, axes = new_figure(2.2)
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
    figure, axes = new_figure(0.4 * len(analysis.drivers) + 0.9)
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
    figure, axes = new_figure(0.22 * len(words) + 1.0)
    colours = [NPS_COLOURS[2] if k.z < 0 else NPS_COLOURS[0] for k in words]
    axes.barh([k.word for k in words], [k.z for k in words], color=colours, height=0.6)
    axes.axvline(0, color="#555", linewidth=0.8)
    axes.invert_yaxis()
    axes.set_xlabel(label("keywords_axis"), fontsize=8)
    axes.set_title(label("chart_keywords"), fontsize=11, loc="left")
    axes.tick_params(labelsize=8)
    return figure


def render_chart(model: ReportModel, name: str) -> HTML:
    """One of the report's charts, or nothing when the period has no data for it.

    Args:
        model: the report model.
        name: ``scores``, ``nps``, ``trend`` or ``problems``.
    """

    plots = {
        "scores": (plot_score_distribution, model.sample["valid"] > 0, "chart_scores"),
        "nps": (plot_nps_composition, model.nps.n > 0, "chart_nps"),
        "trend": (plot_trend, len(model.trend) >= 2, "chart_trend"),
        "problems": (plot_problem_distribution, len(model.problems) > 0, "chart_problems_alt"),
        "drivers": (plot_drivers, model.drivers is not None, "chart_drivers_alt"),
        "keywords": (plot_keywords, model.keywords is not None, "chart_keywords"),
    }
    plot, has_data, title = plots[name]
    return render_figure(plot(model), label(title)) if has_data else HTML("")
