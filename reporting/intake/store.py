"""The records store: an embedded SQLite file by default, any SQLAlchemy URL for a server.

Imports are one transaction each (a failure leaves the store as it was); a follow-up
already stored is counted as a duplicate and not stored again; periods are pulled with
parameterised queries filtered in the database, on an indexed visit-time column.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    case,
    create_engine,
    event,
    false,
    func,
    inspect,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from reporting.config import PROJ_ROOT
from reporting.errors import StoreError
from reporting.intake.clean import CleanResult, FileLedger, drop_known
from reporting.intake.hygiene import clean_text_frame
from reporting.intake.ledger import LEDGER_COLUMNS

DEFAULT_STORE_PATH = PROJ_ROOT / "data" / "records.db"
TEXT_FIELDS = ("comment", "suggestion", "purpose", "follow_up_action")
SHORT_FIELDS = (
    "record_id", "customer_id", "customer_name", "phone", "customer_type", "service_type", "visitor",
    "channel", "status", "first_contact_resolved", "solution_accepted", "emotion", "owner",
)  # fmt: skip
TIME_FIELDS = ("visit_at", "service_completed_at", "due_at")
NUMBER_FIELDS = ("score_speed", "score_professional", "score_clarity", "score_attitude", "overall_satisfaction", "nps")
ANALYZE_AFTER_ROWS = 100_000  # a bulk import this large refreshes PostgreSQL's planner statistics
CHUNK = 5000  # rows per executemany batch and keys per IN query (SQLite allows 32766 variables)
SQLITE_CACHE_KIB = 256 * 1024  # SQLite's page cache per connection (a ceiling, filled as needed): inserts keep the indexes in memory

metadata = MetaData()
records_table = Table(
    "records",
    metadata,
    Column("record_key", String(64), primary_key=True),
    *(Column(name, String(255)) for name in SHORT_FIELDS),
    *(Column(name, Text) for name in TEXT_FIELDS),
    *(Column(name, DateTime, index=name == "visit_at") for name in TIME_FIELDS),
    *(Column(name, Float) for name in NUMBER_FIELDS),
    Column("valid", Boolean, nullable=False),
    Column("import_id", Integer, nullable=False, index=True),
    Column("source", Text),
    Column("source_row", Integer),
)
imports_table = Table(
    "imports",
    metadata,
    Column("import_id", Integer, primary_key=True, autoincrement=True),
    Column("path", Text, nullable=False),
    Column("sha256", String(64)),
    Column("imported_at", DateTime, nullable=False),
    Column("read", Integer, nullable=False),
    Column("imported", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("rejected_by_reason", JSON, nullable=False),
    Column("controls_removed", Integer, nullable=True),
    Column("outside_window", Integer, nullable=True),
)
rejects_table = Table(
    "rejects",
    metadata,
    Column("reject_id", Integer, primary_key=True, autoincrement=True),
    Column("import_id", Integer, nullable=False, index=True),
    *(Column(name, Text) for name in LEDGER_COLUMNS if name != "row"),
    Column("row", Integer),
)
followups_table = Table(
    "followups",
    metadata,
    Column("item_id", String(16), primary_key=True),
    Column("record_id", String(255)),
    Column("customer_id", String(255)),
    Column("kind", String(16), nullable=False),
    Column("item", Text, nullable=False),
    Column("subject", Text),
    Column("owner", String(255)),
    Column("next_step", Text),
    Column("visit_at", DateTime),
    Column("due_at", DateTime, nullable=False, index=True),
    Column("status", String(16), nullable=False, index=True),
    Column("done_at", DateTime),
    Column("result", Text),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime),
)
STORED_FIELDS = tuple(c.name for c in records_table.columns if c.name not in ("import_id",))


def default_store_url() -> str:
    """The embedded store: ``data/records.db`` in the project, or the URL in ``REPORTING_STORE_URL``."""
    return os.environ.get("REPORTING_STORE_URL") or f"sqlite:///{DEFAULT_STORE_PATH}"


def store_url(parameter: str) -> str:
    """The store a ``followup_store`` parameter names: its URL, or the default store when empty."""
    return parameter.strip() or default_store_url()


def failure_reason(error: SQLAlchemyError) -> str:
    """The database's own first line about a failure, short enough for a one-line message."""
    return str(getattr(error, "orig", error)).strip().splitlines()[0][:160]


def is_store_url(source: str) -> bool:
    """Whether a ``source`` value names a database rather than files."""
    return "://" in source


def masked_url(url: str) -> str:
    """The URL with its password hidden, for messages and manifests."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1]


@cache
def open_store(url: str) -> Engine:
    """Connect to a store, creating its tables (and a SQLite file's folder) on first use.

    Args:
        url: a SQLAlchemy URL, e.g. ``sqlite:///data/records.db`` or
            ``postgresql+psycopg://user:pw@host/db``.

    Returns:
        The engine.

    Raises:
        StoreError: the URL is malformed, its driver is missing, or the database
            cannot be reached.
    """
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, pool_pre_ping=True)
        if parsed.get_backend_name() == "sqlite":
            event.listen(engine, "connect", _sqlite_cache)
        metadata.create_all(engine)
        _add_missing_columns(engine)
        return engine
    except (ArgumentError, NoSuchModuleError):
        raise StoreError(f"数据库地址 {masked_url(url)} 无效或缺少驱动：请检查 URL，例如 sqlite:///data/records.db") from None
    except SQLAlchemyError as error:
        reason = failure_reason(error)
        raise StoreError(f"无法连接数据库 {masked_url(url)}（{reason}）：请检查地址、账号与服务器是否运行") from None


def _sqlite_cache(connection: Any, _record: Any) -> None:
    """A larger page cache for each new SQLite connection (the default 2 MB makes a large import's index updates go to disk)."""
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    cursor.close()


def _add_missing_columns(engine: Engine) -> None:
    """Bring a store made by an earlier version up to date: add the columns it lacks (all nullable)."""
    present = {column["name"] for column in inspect(engine).get_columns(imports_table.name)}
    missing = [column for column in imports_table.columns if column.name not in present]
    if not missing:
        return
    with engine.begin() as connection:
        for column in missing:
            kind = column.type.compile(dialect=engine.dialect)
            connection.execute(text(f"ALTER TABLE {imports_table.name} ADD COLUMN {column.name} {kind}"))


def import_cleaned(result: CleanResult, url: str, fingerprints: dict[str, str] | None = None) -> tuple[FileLedger, ...]:
    """Store cleaned records in one transaction; follow-ups already stored count as duplicates.

    Args:
        result: cleaned files (``clean.combine_cleaned``).
        url: the store.
        fingerprints: sha256 per file path, recorded with each import.

    Returns:
        Each file's final ledger (also recorded in the ``imports`` table).
    """
    engine = open_store(url)
    try:
        with engine.begin() as connection:
            known = _stored_keys(connection, result.records["record_key"].tolist())
            fresh = drop_known(result, known)
            import_ids = {}
            for ledger in fresh.ledgers:
                row = {**ledger.as_dict(), "sha256": (fingerprints or {}).get(ledger.path), "imported_at": datetime.now()}
                import_ids[ledger.path] = connection.execute(imports_table.insert().values(**row)).inserted_primary_key[0]
            records = fresh.records.assign(import_id=fresh.records["source"].map(import_ids))
            bulk_insert(connection, records_table, records, [*STORED_FIELDS, "import_id"])
            rejects = fresh.rejects.assign(import_id=fresh.rejects["source"].map(import_ids))
            bulk_insert(connection, rejects_table, rejects, [*LEDGER_COLUMNS, "import_id"])
            if connection.dialect.name == "postgresql" and len(records) >= ANALYZE_AFTER_ROWS:
                # fresh statistics, so the next import's duplicate check uses the key's index, not a scan per batch
                connection.exec_driver_sql(f"ANALYZE {records_table.name}")
    except SQLAlchemyError as error:
        reason = failure_reason(error)
        raise StoreError(f"写入数据库 {masked_url(url)} 失败（{reason}），本次导入已全部撤销：请检查数据库后重试") from None
    return fresh.ledgers


def pull_period(url: str, start: date, end: date) -> CleanResult:
    """The stored records visited from ``start`` to ``end`` (inclusive), with their imports' ledgers.

    The filter runs in the database as a parameterised query on the indexed visit time,
    so only the period's rows travel.

    Args:
        url: the store.
        start: first day, inclusive.
        end: last day, inclusive.

    Returns:
        The records, and the ledgers and rejects of the imports that supplied them.
    """
    query = (
        select(*(records_table.c[name] for name in STORED_FIELDS), records_table.c.import_id)
        .where(*_in_period(start, end))
        .order_by(records_table.c.visit_at, records_table.c.record_key)
    )
    with _reading(url) as connection:
        records = pd.read_sql(query, connection)
        import_ids = sorted(int(i) for i in records["import_id"].unique())
        imports = pd.read_sql(
            select(imports_table).where(imports_table.c.import_id.in_(import_ids)).order_by(imports_table.c.import_id), connection
        )
        rejects = pd.read_sql(
            select(*(rejects_table.c[name] for name in LEDGER_COLUMNS))
            .where(rejects_table.c.import_id.in_(import_ids))
            .order_by(rejects_table.c.import_id, rejects_table.c.row),
            connection,
        )
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
    records, _ = clean_text_frame(records.drop(columns="import_id"))
    return CleanResult(records, rejects, ledgers, not_pulled=sum(ledger.imported for ledger in ledgers) - len(records))


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


def _stored_keys(connection: Connection, keys: list[str]) -> set[str]:
    """The keys among ``keys`` that the store already holds.

    An empty store holds none (the first import skips the check). PostgreSQL is asked once
    with the keys as one array parameter; SQLite in chunks of one prepared ``IN`` list.
    """
    if not keys or connection.execute(select(records_table.c.record_key).limit(1)).first() is None:
        return set()
    if connection.dialect.name == "postgresql":
        found = connection.exec_driver_sql(f"SELECT record_key FROM {records_table.name} WHERE record_key = ANY(%s)", (keys,))
        return set(found.scalars())
    column = records_table.c.record_key
    known: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        if connection.dialect.name == "sqlite":
            query = f"SELECT record_key FROM {records_table.name} WHERE record_key IN ({', '.join('?' * len(chunk))})"
            known.update(connection.exec_driver_sql(query, tuple(chunk)).scalars())
        else:
            known.update(connection.execute(select(column).where(column.in_(chunk))).scalars())
    return known


def bulk_insert(connection: Connection, table: Table, frame: pd.DataFrame, columns: list[str]) -> None:
    """Insert a frame's rows through the database's bulk path, inside the caller's transaction.

    PostgreSQL (psycopg): ``COPY … FROM STDIN``. SQLite: the driver's ``executemany`` with
    one prepared statement, values already in the form SQLAlchemy stores (timestamps as
    ``YYYY-MM-DD HH:MM:SS.ffffff`` text). Other databases: SQLAlchemy's executemany.
    """
    present = [c for c in columns if c in frame]
    if frame.empty or not present:
        return
    dialect = connection.dialect
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        raw = connection.connection.driver_connection
        statement = f"COPY {table.name} ({', '.join(present)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
            for chunk in _chunks(_tuples(frame, present, text_times=False)):
                for row in chunk:
                    copy.write_row(row)
        return
    if dialect.name == "sqlite":
        statement = f"INSERT INTO {table.name} ({', '.join(present)}) VALUES ({', '.join('?' * len(present))})"
        for chunk in _chunks(_tuples(frame, present, text_times=True)):
            connection.exec_driver_sql(statement, chunk)
        return
    for chunk in _chunks(_tuples(frame, present, text_times=False)):
        connection.execute(table.insert(), [dict(zip(present, row, strict=True)) for row in chunk])


def _tuples(frame: pd.DataFrame, columns: list[str], text_times: bool) -> list[tuple[object, ...]]:
    """Frame rows as tuples of plain Python values (None for missing), built column by column.

    Args:
        frame: the rows.
        columns: which columns, in order.
        text_times: timestamps as SQLAlchemy's SQLite text (``%Y-%m-%d %H:%M:%S.%f``) instead of datetimes.
    """
    values = []
    for name in columns:
        column = frame[name]
        missing = column.isna().to_numpy()
        if pd.api.types.is_datetime64_any_dtype(column):
            times = column.dt.strftime("%Y-%m-%d %H:%M:%S.%f") if text_times else pd.Series(column.dt.to_pydatetime(), dtype=object)
            plain = times.astype(object).to_numpy(copy=True)
        elif name in ("row", "source_row", "import_id"):
            plain = column.astype("Int64").astype(object).to_numpy(copy=True)
        elif pd.api.types.is_bool_dtype(column):
            plain = column.astype(int if text_times else bool).astype(object).to_numpy(copy=True)
        else:
            plain = column.astype(object).to_numpy(copy=True)
        plain[missing] = None
        values.append(plain.tolist())
    return list(zip(*values, strict=True))


def _chunks(rows: list[tuple[object, ...]]) -> Iterator[list[tuple[object, ...]]]:
    """The rows in batches of ``CHUNK``."""
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]
