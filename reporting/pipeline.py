"""The weekly report's steps chained for the notebook: load → clean → model."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reporting.clean import clean_records
from reporting.config import PROJ_ROOT
from reporting.errors import ParameterError
from reporting.load import read_records
from reporting.model import ReportModel, build_report_model
from reporting.vocab import load_rules, load_taxonomy


def resolve_path(value: str | Path) -> Path:
    """A path as given, or relative to the project root when it does not exist as given."""
    path = Path(value).expanduser()
    if path.is_absolute() or path.exists():
        return path
    return PROJ_ROOT / path


def parse_date(value: str | date, name: str) -> date:
    """Parse a ``YYYY-MM-DD`` parameter, naming it in the error."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ParameterError(f"参数 {name} 的值 {value!r} 不是有效日期：请写成 YYYY-MM-DD，例如 2026-11-16") from None


def build_weekly_model(
    source: str,
    period_start: str | date,
    period_end: str | date,
    min_segment_n: int = 10,
    agent_gap: float = 0.5,
    taxonomy: str = "",
    rules: str = "",
) -> ReportModel:
    """Read a records file and compute the weekly report for one period.

    Args:
        source: a CSV / XLSX / Parquet file of follow-up records.
        period_start: first day, inclusive (``YYYY-MM-DD``).
        period_end: last day, inclusive.
        min_segment_n: segments with fewer valid responses are not shown.
        agent_gap: satisfaction gap below the team that names a lagging agent.
        taxonomy: an analyst's own taxonomy YAML, or "" for the bundled one.
        rules: an analyst's own recommendation rules YAML, or "" for the bundled one.

    Returns:
        The report model.
    """
    start, end = parse_date(period_start, "period_start"), parse_date(period_end, "period_end")
    source_path = resolve_path(source)
    cleaned = clean_records(read_records(source_path), source_path.name)
    return build_report_model(
        cleaned,
        start,
        end,
        load_taxonomy(resolve_path(taxonomy) if taxonomy else None),
        load_rules(resolve_path(rules) if rules else None),
        min_segment_n=min_segment_n,
        agent_gap=agent_gap,
    )
