"""What every report's charts share: a figure of its own in the CJK font, the palette, labelled bar segments."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from reporting.report.html.fonts import use_cjk_font

SCORE_COLOURS = ("#c0392b", "#e67e22", "#f1c40f", "#7fb77e", "#2e8b57")


NPS_COLOURS = ("#c0392b", "#bdc3c7", "#2e8b57")


ACCENT = "#2c6fbb"


FIGURE_WIDTH = 7.2


def new_figure(height: float) -> tuple[Figure, Axes]:
    """A figure of its own (no pyplot: nothing global to close, and pyplot's import is spared); saving it renders with Agg."""
    use_cjk_font()
    figure = Figure(figsize=(FIGURE_WIDTH, height), dpi=110, layout="constrained")
    axes = figure.subplots()
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure, axes


def label_segment(axes: Axes, start: float, share: float, y: float, light_text: bool, minimum: float) -> None:
    """Write a stacked bar segment's share inside it, when the segment is wide enough to hold it."""
    if share >= minimum:
        axes.text(start + share / 2, y, f"{share:.0%}", ha="center", va="center", fontsize=8, color="white" if light_text else "black")
