"""A sparkline: a few periods of one KPI as a small inline SVG (no script, no image file, prints as it shows)."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 120, 28, 3


def sparkline(values: list[float | None], title: str = "") -> Markup:
    """An inline SVG line of ``values`` (oldest first; a None leaves a gap), the last point marked.

    The values are kept on the element (``data-values``, six decimals, empty for a gap) so
    a reader's tools and the tests can check what is drawn.

    Args:
        values: one value per period.
        title: the tooltip (the KPI and its periods).

    Returns:
        The ``<svg>`` element ("" when no value is known).
    """
    known = [v for v in values if v is not None]
    if not known:
        return Markup("")
    low, high = min(known), max(known)
    span = high - low or 1.0
    step = (WIDTH - 2 * PAD) / max(1, len(values) - 1)

    def point(index: int, value: float) -> tuple[float, float]:
        y = HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD) if high > low else HEIGHT / 2
        return round(PAD + index * step, 1), round(y, 1)

    runs: list[list[tuple[float, float]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append(point(index, value))
    lines = "".join(
        f'<polyline points="{" ".join(f"{x},{y}" for x, y in run)}" fill="none" stroke="#2c6fbb" stroke-width="1.5"/>'
        if len(run) > 1
        else f'<circle cx="{run[0][0]}" cy="{run[0][1]}" r="1.5" fill="#2c6fbb"/>'  # a value between two gaps
        for run in runs
        if run
    )
    last_x, last_y = point(max(i for i, v in enumerate(values) if v is not None), known[-1])
    data = ",".join("" if v is None else str(round(float(v), 6)) for v in values)
    return Markup(
        f'<svg class="spark" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" data-values="{data}"><title>{escape(title)}</title>{lines}'
        f'<circle cx="{last_x}" cy="{last_y}" r="2.5" fill="#1d3f6e"/></svg>'
    )
