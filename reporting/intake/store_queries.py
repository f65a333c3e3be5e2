"""Reading the records store: periods pulled, summarised and counted with parameterised queries.

Every filter runs in the database, on the indexed visit-time column, so only what a report
needs travels: a period's records with their imports' ledgers, per-period sums (one GROUP
BY), a window's words, the latest ratings, counts and a field's distinct values.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Float, Integer, String, case, false, func, literal_column, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from reporting.errors import StoreError
from reporting.intake.clean import CleanResult, FileLedger
from reporting.intake.hygiene import clean_text_frame
from reporting.intake.ledger import LEDGER_COLUMNS
from reporting.intake.store_schema import (
    STORED_FIELDS,
    TIME_FIELDS,
    failure_reason,
    imports_table,
    masked_url,
    open_store,
    records_table,
    rejects_table,
)


def pull_period(url: str, start: date, end: date, slice_field: str = "", slice_value: str = "") -> CleanResult:
    """The stored records visited from ``start`` to ``end`` (inclusive), with their imports' ledgers.

    The filters run in the database as parameterised queries on the indexed visit time
    (and the slice's field), so only the period's rows of the slice travel; the records of
    other slices are only counted (``other_slices``).

    Args:
        url: the store.
        start: first day, inclusive.
        end: last day, inclusive.
        slice_field: keep one slice (a stored field), or "" for all records.
        slice_value: the slice's value.

    Returns:
        The records, and the ledgers and rejects of the imports that supplied the period's
        records (of any slice: the ledgers describe the whole source).
    """
    query = (
        select(*(records_table.c[name] for name in STORED_FIELDS))
        .where(*_in_period(start, end), *_slice_condition(slice_field, slice_value))
        .order_by(records_table.c.visit_at, records_table.c.record_key)
    )
    per_import = (
        select(records_table.c.import_id, func.count().label("n")).where(*_in_period(start, end)).group_by(records_table.c.import_id)
    )
    with _reading(url) as connection:
        records = pd.read_sql(query, connection)
        counts = {int(i): int(n) for i, n in connection.execute(per_import)}
        import_ids = sorted(counts)
        imports = pd.read_sql(
            select(imports_table).where(imports_table.c.import_id.in_(import_ids)).order_by(imports_table.c.import_id), connection
        )
        rejects = pd.read_sql(
            select(*(rejects_table.c[name] for name in LEDGER_COLUMNS))
            .where(rejects_table.c.import_id.in_(import_ids))
            .order_by(rejects_table.c.import_id, rejects_table.c.row),
            connection,
        )
    records = records.astype(_inferred_dtypes(records))
    for name in TIME_FIELDS:
        records[name] = pd.to_datetime(records[name]).astype("datetime64[ns]")
    records["valid"] = records["valid"].astype(bool)
    ledgers = tuple(
        FileLedger(
            r.path, int(r.read), int(r.imported), int(r.duplicates), int(r.rejected), dict(r.rejected_by_reason),
            0 if pd.isna(r.controls_removed) else int(r.controls_removed),
            0 if pd.isna(r.outside_window) else int(r.outside_window),
        )
        for r in imports.itertuples(index=False)
    )  # fmt: skip
    # records stored by an earlier version may still carry control characters
    records, _ = clean_text_frame(records)
    in_period = sum(counts.values())
    return CleanResult(
        records, rejects, ledgers, other_slices=in_period - len(records), not_pulled=sum(ledger.imported for ledger in ledgers) - in_period
    )


def summarise_periods(url: str, starts: tuple[date, ...], length_days: int, slice_field: str = "", slice_value: str = "") -> pd.DataFrame:
    """Per period, the valid responses' count and sums, aggregated in the database (one GROUP BY query).

    Args:
        url: the store.
        starts: the periods' first days, oldest first (consecutive periods).
        length_days: each period's length.
        slice_field: restrict to one slice (a stored field), or "".
        slice_value: the slice's value.

    Returns:
        One row per period with valid responses, oldest first: ``start``, ``n``,
        ``satisfaction_sum``, ``speed_sum``, ``speed_n``, ``promoters``, ``detractors``.
    """
    days = [*starts, starts[-1] + timedelta(days=length_days)]  # each period's first day, then the day after the last
    bounds = [datetime.combine(day, time.min) for day in days]
    table = records_table.c
    period = case(*((table.visit_at < bound, index) for index, bound in enumerate(bounds[1:])), else_=len(starts)).label("period")
    query = (
        select(
            period,
            func.count().label("n"),
            func.sum(table.overall_satisfaction).label("satisfaction_sum"),
            func.coalesce(func.sum(table.score_speed), 0).label("speed_sum"),
            func.count(table.score_speed).label("speed_n"),
            func.sum(case((table.nps >= 9, 1), else_=0)).label("promoters"),
            func.sum(case((table.nps <= 6, 1), else_=0)).label("detractors"),
        )
        .where(table.visit_at >= bounds[0], table.visit_at < bounds[-1], table.valid.is_(True), *_slice_condition(slice_field, slice_value))
        .group_by(literal_column("period"))
        .order_by(literal_column("period"))
    )
    with _reading(url) as connection:
        summaries = pd.read_sql(query, connection)
    summaries.insert(0, "start", [starts[int(i)] for i in summaries.pop("period")])
    return summaries.astype({"n": int, "speed_n": int, "promoters": int, "detractors": int})


def pull_feedback(url: str, start: date, end: date, slice_field: str = "", slice_value: str = "") -> pd.DataFrame:
    """The words of the period's valid responses that have any: ``visit_at``, ``comment``, ``suggestion``."""
    table = records_table.c
    query = (
        select(table.visit_at, table.comment, table.suggestion)
        .where(*_in_period(start, end), table.valid.is_(True), or_(table.comment.is_not(None), table.suggestion.is_not(None)))
        .where(*_slice_condition(slice_field, slice_value))
        .order_by(table.visit_at, table.record_key)
    )
    with _reading(url) as connection:
        feedback = pd.read_sql(query, connection)
    feedback["visit_at"] = pd.to_datetime(feedback["visit_at"]).astype("datetime64[ns]")
    return feedback


def pull_recent(url: str, start: date, before: date, limit: int, slice_field: str = "", slice_value: str = "") -> pd.DataFrame:
    """The ``limit`` most recent valid responses from ``start`` up to the day before ``before``, most recent first.

    Columns ``comment``, ``suggestion``, ``overall_satisfaction`` (what the sentiment model learns from).
    """
    table = records_table.c
    query = (
        select(table.comment, table.suggestion, table.overall_satisfaction)
        .where(*_in_period(start, before - timedelta(days=1)), table.valid.is_(True), *_slice_condition(slice_field, slice_value))
        .order_by(table.visit_at.desc(), table.record_key)
        .limit(limit)
    )
    with _reading(url) as connection:
        return pd.read_sql(query, connection)


def _inferred_dtypes(records: pd.DataFrame) -> dict[str, str]:
    """The schema's dtype for each column the driver left as objects, having no value to infer it from.

    A slice can hold no record, or no value in a field other slices fill: its columns then
    get the dtypes the whole period's pull would have given them (text ``str``, numbers
    ``float64``; whole numbers ``int64`` when there are no rows).
    """
    dtypes = {}
    for column in records_table.columns:
        if column.name not in records or records[column.name].dtype != object or records[column.name].notna().any():
            continue
        if isinstance(column.type, String):
            dtypes[column.name] = "str"
        elif isinstance(column.type, Float):
            dtypes[column.name] = "float64"
        elif isinstance(column.type, Integer):
            dtypes[column.name] = "float64" if len(records) else "int64"
    return dtypes


def _slice_condition(field: str, value: str) -> list[Any]:
    """The SQL condition for one slice ([] for none; nothing matches a field the store does not hold)."""
    if not field:
        return []
    return [records_table.c[field] == value] if field in records_table.c else [false()]


@contextlib.contextmanager
def _reading(url: str) -> Iterator[Connection]:
    """A connection for a read; a database failure becomes one line naming the store."""
    try:
        with open_store(url).connect() as connection:
            yield connection
    except SQLAlchemyError as error:
        reason = failure_reason(error)
        raise StoreError(f"从数据库 {masked_url(url)} 读取失败（{reason}）：请检查数据库") from None


def count_period(url: str, start: date, end: date) -> int:
    """How many stored records fall in the period (a COUNT in the database)."""
    query = select(func.count()).select_from(records_table).where(*_in_period(start, end))
    with open_store(url).connect() as connection:
        return int(connection.execute(query).scalar_one())


def distinct_stored_values(url: str, field: str, start: date, end: date) -> list[str]:
    """The distinct values of a field among the period's stored records (a DISTINCT in the database)."""
    if field not in records_table.c:
        return []
    column = records_table.c[field]
    query = select(column).distinct().where(*_in_period(start, end)).where(column.is_not(None))
    with open_store(url).connect() as connection:
        return sorted(str(v) for v in connection.execute(query).scalars())


def _in_period(start: date, end: date) -> tuple[object, object]:
    """Bound-parameter conditions: visit time from ``start`` 00:00 up to, not including, the day after ``end``."""
    visit_at = records_table.c.visit_at
    return visit_at >= datetime.combine(start, time.min), visit_at < datetime.combine(end + timedelta(days=1), time.min)


def query_fingerprint(url: str, start: date, end: date, rows: int) -> str:
    """A stable fingerprint of a period pull: store, period and row count."""
    return hashlib.sha256(f"{masked_url(url)}|{start}|{end}|{rows}".encode()).hexdigest()
