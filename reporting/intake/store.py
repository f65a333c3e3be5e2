"""The records store: cleaned records imported in one transaction each, through the database's bulk path.

A failure leaves the store as it was; a follow-up already stored is counted as a duplicate
and not stored again. The store's tables and connection are in ``store_schema``, its period
pulls and queries in ``store_queries``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pandas as pd
from sqlalchemy import Table, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from reporting.errors import StoreError
from reporting.intake.clean import CleanResult, FileLedger
from reporting.intake.combine import drop_known
from reporting.intake.ledger import LEDGER_COLUMNS
from reporting.intake.store_schema import STORED_FIELDS, failure_reason, imports_table, masked_url, open_store, records_table, rejects_table

ANALYZE_AFTER_ROWS = 100_000  # a bulk import this large refreshes PostgreSQL's planner statistics
CHUNK = 5000  # rows per executemany batch and keys per IN query (SQLite allows 32766 variables)


def import_cleaned(result: CleanResult, url: str, fingerprints: dict[str, str] | None = None) -> tuple[FileLedger, ...]:
    """Store cleaned records in one transaction; follow-ups already stored count as duplicates.

    Args:
        result: cleaned files (``combine.combine_cleaned``).
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


def insert_new(connection: Connection, table: Table, frame: pd.DataFrame, key: str) -> None:
    """Insert a frame's rows whose ``key`` is not stored yet, inside the caller's transaction.

    SQLite and PostgreSQL: one prepared ``INSERT … ON CONFLICT (key) DO NOTHING`` through
    the driver's ``executemany``, values built column by column (SQLite's timestamps as the
    text SQLAlchemy stores) — SQLAlchemy's own executemany spent ~25 µs a row on them. Other
    databases: the stored keys are read first and SQLAlchemy inserts the rest.

    Args:
        connection: an open transaction.
        table: where the rows go; the frame's columns are its columns.
        frame: the rows.
        key: the unique column whose stored values are kept.
    """
    columns = [str(c) for c in frame.columns]
    if frame.empty:
        return
    dialect = connection.dialect.name
    if dialect in ("sqlite", "postgresql"):
        marker = "?" if dialect == "sqlite" else "%s"
        statement = (
            f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))}) ON CONFLICT ({key}) DO NOTHING"
        )
        for chunk in _chunks(_tuples(frame, columns, text_times=dialect == "sqlite")):
            connection.exec_driver_sql(statement, chunk)
        return
    known = set(connection.execute(select(table.c[key])).scalars())
    for chunk in _chunks(_tuples(frame.loc[~frame[key].isin(known)], columns, text_times=False)):
        connection.execute(table.insert(), [dict(zip(columns, row, strict=True)) for row in chunk])


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
