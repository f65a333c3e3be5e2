"""Combining cleaned files: a follow-up already known (from an earlier file, or stored) is a duplicate.

Each file's ledger moves the rows found again from imported to duplicates, so
``read = imported + duplicates + rejected`` still holds per file.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from reporting.intake.clean import CleanResult
from reporting.intake.ledger import empty_ledger


def drop_known(result: CleanResult, known: set[str]) -> CleanResult:
    """Count rows whose follow-up is already known (stored, or in an earlier file) as duplicates.

    Args:
        result: a cleaned file or set of files.
        known: record keys seen before.

    Returns:
        The result without those rows, each file's ledger moved from imported to duplicates.
    """
    seen = result.records["record_key"].isin(known)
    if not seen.any():
        return result
    moved = result.records.loc[seen, "source"].value_counts()
    ledgers = tuple(
        replace(led, imported=led.imported - int(moved.get(led.path, 0)), duplicates=led.duplicates + int(moved.get(led.path, 0)))
        for led in result.ledgers
    )
    return CleanResult(result.records.loc[~seen].reset_index(drop=True), result.rejects, ledgers)


def combine_cleaned(results: list[CleanResult]) -> CleanResult:
    """Combine several files; a follow-up that an earlier file already had is a duplicate.

    Args:
        results: the cleaned files, in order.

    Returns:
        One result with every file's ledger.
    """
    known: set[str] = set()
    parts: list[CleanResult] = []
    for result in results:
        unique = drop_known(result, known)
        known.update(unique.records["record_key"])
        parts.append(unique)
    records = [p.records for p in parts if not p.records.empty]
    rejects = [p.rejects for p in parts if not p.rejects.empty]
    return CleanResult(
        records=pd.concat(records, ignore_index=True) if records else (parts[0].records if parts else pd.DataFrame()),
        rejects=pd.concat(rejects, ignore_index=True) if rejects else empty_ledger(),
        ledgers=tuple(ledger for p in parts for ledger in p.ledgers),
    )
