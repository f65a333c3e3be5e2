"""The trend review's run: ``build`` (records in, frozen model out) and ``publish`` (metrics.json and the rejects ledger)."""

from __future__ import annotations

from datetime import date
from typing import Any

from reporting.config import resolve_path
from reporting.intake.periods import parse_date
from reporting.report.html.values import round_value
from reporting.report.loading import load_source, select_slice, slice_label
from reporting.report.publish import publish_outputs
from reporting.report.trend.model import TrendModel, build_trend_model
from reporting.vocab import load_taxonomy


def build(
    *,
    source: str,
    period_start: str | date,
    period_end: str | date,
    events: str = "",
    taxonomy: str = "",
    slice_field: str = "",
    slice_value: str = "",
) -> TrendModel:
    """Load the records of a range and compute the weekly trend review; nothing is written.

    Args:
        source: a store URL, or CSV / XLSX / Parquet files (paths or globs, comma-separated).
        period_start: first day of the range (``YYYY-MM-DD``).
        period_end: last day of the range.
        events: ``YYYY-MM-DD:description`` entries separated by semicolons, marked on the charts.
        taxonomy: an analyst's own taxonomy YAML, or "" for the bundled one.
        slice_field: report on one slice only: the field, or "".
        slice_value: the slice's value.

    Returns:
        The trend model.
    """
    start, end = parse_date(period_start, "period_start"), parse_date(period_end, "period_end")
    cleaned = select_slice(load_source(source, start, end, trend_periods=1), slice_field, slice_value)
    vocabulary = load_taxonomy(resolve_path(taxonomy) if taxonomy else None)
    return build_trend_model(cleaned, start, end, vocabulary, events, slice_label(slice_field, slice_value))


def trend_document(model: TrendModel) -> dict[str, Any]:
    """The trend review's ``metrics.json``: weekly KPIs with intervals and problem shares."""
    weeks = []
    for row in model.weeks.itertuples(index=False):
        weeks.append(
            {
                "start": row.start.isoformat(),
                "end": row.end.isoformat(),
                "attempted": int(row.attempted),
                "valid": int(row.valid),
                **{
                    name: {
                        "value": round_value(getattr(row, name)),
                        "ci95": [round_value(getattr(row, f"{name}_low")), round_value(getattr(row, f"{name}_high"))],
                    }
                    for name in ("satisfaction", "csat", "nps")
                },
            }
        )
    return {
        "report": "trend",
        "period": {"start": model.period_start.isoformat(), "end": model.period_end.isoformat()},
        "slice": model.slice_label,
        "sample": {"attempted": int(model.weeks["attempted"].sum()) if not model.weeks.empty else 0},
        "weeks": weeks,
        "problem_shares": [
            {k: (v.isoformat() if isinstance(v, date) else round_value(v)) for k, v in row.items()}
            for row in model.problem_shares.to_dict("records")
        ],
        "events": [{"date": day.isoformat(), "event": what} for day, what in model.events],
        "taxonomy_version": model.taxonomy_version,
    }


def publish(model: TrendModel) -> None:
    """Hand metrics.json and the rejects ledger to the exporter."""
    publish_outputs(trend_document(model), model.rejects)
