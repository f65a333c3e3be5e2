"""A report's page, part by part: the title block and the ``header`` / part / ``all`` dispatch every report's ``render`` uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from IPython.display import HTML

from reporting.report.html.fragments import render_fragment
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
