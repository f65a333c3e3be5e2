"""Values as people and metrics.json see them: percentages, scores, NPS, rounded numbers, JSON cells.

No report model, no HTML: the formats the partials, the narrative and every report's
metrics document share.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from reporting.analysis.metrics import INDICATIVE_BELOW, Interval, Rate


def format_percent(value: float | None, digits: int = 1) -> str:
    """``0.1234`` → ``12.3%``; missing → ``—``."""
    return "—" if value is None or pd.isna(value) else f"{value:.{digits}%}"


def format_score(value: float | None) -> str:
    """A mean score with two decimals; missing → ``—``."""
    return "—" if value is None or pd.isna(value) else f"{value:.2f}"


def format_nps(value: float | None) -> str:
    """NPS points with sign and one decimal; missing → ``—``."""
    return "—" if value is None or pd.isna(value) else f"{value:+.1f}"


def signed_points(delta: float) -> str:
    """A change of a share, signed, in percentage points: ``-0.139`` → ``-13.9 个百分点``."""
    return f"{delta * 100:+.1f} 个百分点"


def signed_score(delta: float) -> str:
    """A change of a mean score, signed: ``-0.374`` → ``-0.37 分``."""
    return f"{delta:+.2f} 分"


def json_value(value: object, time_format: str = "") -> object:
    """A cell as a plain JSON value: None for missing, timestamps as ISO text (or ``time_format``), numpy scalars unwrapped."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime(time_format) if time_format else value.isoformat()
    return value.item() if hasattr(value, "item") else value


def rate_entry(rate: Rate) -> dict[str, Any]:
    """A rate as metrics.json holds it: value (0-1), numerator, denominator."""
    return {"value": round_value(rate.value), "numerator": rate.numerator, "denominator": rate.denominator}


def interval_entry(interval: Interval) -> dict[str, Any]:
    """A mean or share with its 95 % interval, n and whether it is only indicative (n < 30)."""
    return {
        "value": round_value(interval.value),
        "n": interval.n,
        "ci95": [round_value(interval.low), round_value(interval.high)],
        "indicative": interval.n < INDICATIVE_BELOW,
    }


def round_value(value: float | None, digits: int = 6) -> float | None:
    """Round for a stable JSON document; missing values stay None."""
    if value is None or pd.isna(value):
        return None
    return round(float(value), digits)
