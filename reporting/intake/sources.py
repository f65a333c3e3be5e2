"""The sources a report or an import names: records files read and cleaned, stored, or a field's values listed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reporting.intake.clean import CleanResult, FileLedger, clean_records, select_period
from reporting.intake.combine import combine_cleaned
from reporting.intake.load import expand_sources, file_sha256, read_records
from reporting.intake.store import import_cleaned
from reporting.intake.store_queries import distinct_stored_values
from reporting.intake.store_schema import is_store_url


def read_files(paths: list[Path], window: tuple[date, date] | None = None) -> CleanResult:
    """Read and clean records files; a follow-up repeated across files is counted once.

    Args:
        paths: CSV / XLSX / Parquet files, in order.
        window: only the rows visited in this window (first and last day) are read and
            cleaned; each file's ledger counts the others as ``outside_window``.

    Returns:
        The combined records, rejects and one ledger per file.
    """
    cleaned = combine_cleaned([_read_file(path, window) for path in paths])
    release_arrow_memory()
    return cleaned


def release_arrow_memory() -> None:
    """Hand the memory Arrow freed back to the system.

    The files' Arrow columns are garbage once cleaned, but pyarrow's allocator (mimalloc)
    keeps freed memory for reuse: after a 1M-row Parquet file about 0.7 GB that the
    analysis never uses again would stay in the process.
    """
    import pyarrow

    pyarrow.default_memory_pool().release_unused()


def _read_file(path: Path, window: tuple[date, date] | None) -> CleanResult:
    read = read_records(path, window=window)
    return clean_records(read.records, str(path), controls_removed=read.controls_removed, outside_window=read.outside_window)


def import_files(paths: list[Path], url: str) -> tuple[FileLedger, ...]:
    """Read, validate and store records files in one transaction.

    Every file is read and validated before the store is touched, so a bad file leaves
    the store as it was. A follow-up already stored (an export imported twice) is a
    duplicate and is not stored again.

    Args:
        paths: CSV / XLSX / Parquet files.
        url: the store's SQLAlchemy URL.

    Returns:
        One ledger per file: ``read = imported + duplicates + rejected``.
    """
    cleaned = read_files(paths)
    return import_cleaned(cleaned, url, {str(path): file_sha256(path) for path in paths})


def distinct_values(source: str, field: str, start: date, end: date) -> list[str]:
    """The values a field takes in the period's records (for ``slices: {field: all}``), sorted."""
    if is_store_url(source):
        return distinct_stored_values(source, field, start, end)
    records = select_period(read_files(expand_sources(source)).records, start, end)
    if field not in records:
        return []
    return sorted({str(v) for v in records[field].dropna()})
