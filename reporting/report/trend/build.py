"""The trend review's run: ``build`` (records in, frozen model out) and ``publish`` (metrics.json and the rejects ledger)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from reporting.config import resolve_path
from reporting.followup.measure_sheet import subject_name
from reporting.followup.measures import load_measures
from reporting.intake.store_schema import default_store_exists, store_url
from reporting.report.html.values import round_value
from reporting.report.loading import load_source, select_slice, slice_key, slice_label
from reporting.report.params import TrendParams
from reporting.report.publish import publish_outputs
from reporting.report.trend.model import TrendModel, build_trend_model
from reporting.vocab import load_taxonomy


def build(params: TrendParams) -> TrendModel:
    """Load the records of a range and compute the weekly trend review; nothing is written.

    Args:
        params: the run's parameters (``TrendParams``: range, source, events, taxonomy, slice).

    Returns:
        The trend model.
    """
    start, end = params.period_start, params.period_end
    cleaned = select_slice(load_source(params.source, start, end, trend_periods=1), params.slice_field, params.slice_value)
    vocabulary = load_taxonomy(resolve_path(params.taxonomy) if params.taxonomy else None)
    model = build_trend_model(cleaned, start, end, vocabulary, params.events, slice_label(params.slice_field, params.slice_value))
    return replace(model, measure_starts=measure_starts(params))


def measure_starts(params: TrendParams) -> tuple[tuple[date, tuple[str, ...]], ...]:
    """The slice's improvement measures first proposed within the range: per period's first day, what they address."""
    if params.followup_store.strip().lower() == "none":
        return ()
    url = store_url(params.followup_store)
    if not params.followup_store.strip() and not default_store_exists():
        return ()  # no store was ever written: nothing to mark, and none is created here
    started: dict[date, dict[str, None]] = {}
    for measure in load_measures(url, slice_key(params.slice_field, params.slice_value)):
        if params.period_start <= measure.first_period <= params.period_end:
            started.setdefault(measure.first_period, {})[subject_name(measure.kind, measure.subject)] = None
    return tuple((day, tuple(names)) for day, names in sorted(started.items()))


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
        "measure_starts": [{"date": day.isoformat(), "subjects": list(names)} for day, names in model.measure_starts],
        "taxonomy_version": model.taxonomy_version,
    }


def publish(model: TrendModel, params: TrendParams) -> None:  # noqa: ARG001 - every report's publish takes its params
    """Hand metrics.json and the rejects ledger to the exporter (the trend review has no workbook to hand over)."""
    publish_outputs(trend_document(model), model.rejects)
