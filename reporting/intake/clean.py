"""Cleaning and validation: every input row ends up imported, a duplicate, or rejected with a reason.

Per file, ``read = imported + duplicates + rejected`` always holds. Values are parsed by
``parse``; duplicates across files (and against the store) are counted by ``combine``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from reporting.domain import VISIT_COMPLETED
from reporting.intake.hygiene import is_arrow_text
from reporting.intake.ledger import Refusals
from reporting.intake.parse import normalise_choice, parse_datetimes, parse_numbers
from reporting.vocab import label

SCORE_FIELDS = ("score_speed", "score_professional", "score_clarity", "score_attitude", "overall_satisfaction")
EARLIEST_PLAUSIBLE = pd.Timestamp("2000-01-01")
# Fields that identify a follow-up when the export has no record id.
FINGERPRINT_FIELDS = ("customer_id", "phone", "customer_name", "visit_at", "service_type", "visitor", "status")


@dataclass(frozen=True)
class FileLedger:
    """Where one file's rows went: ``read = imported + duplicates + rejected``.

    ``controls_removed`` counts the cells that lost a control character at intake (the
    rows themselves were kept: cleaning text never rejects a row). ``outside_window``
    counts the rows a report left unread because their visit time lies outside the
    window it needs (they are not part of ``read``).
    """

    path: str
    read: int
    imported: int
    duplicates: int
    rejected: int
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    controls_removed: int = 0
    outside_window: int = 0

    def as_dict(self) -> dict[str, object]:
        """The ledger as the ``--json`` output and the manifest show it."""
        return {
            "path": self.path,
            "read": self.read,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "rejected_by_reason": dict(sorted(self.rejected_by_reason.items())),
            "controls_removed": self.controls_removed,
            "outside_window": self.outside_window,
        }


@dataclass(frozen=True)
class CleanResult:
    """Cleaned records, the rows refused, and a ledger per source file.

    Attributes:
        records: typed records, one per accepted row, with ``record_key`` (the identity
            used to spot duplicates), ``source`` and ``source_row``.
        rejects: the rejects ledger (``LEDGER_COLUMNS``), one row per refused input row.
        ledgers: one per source file.
        other_slices: records left out because they belong to other slices.
        not_pulled: pulled from a store: the stored records of these imports that the
            query did not return (visited outside the window asked for).
    """

    records: pd.DataFrame
    rejects: pd.DataFrame
    ledgers: tuple[FileLedger, ...]
    other_slices: int = 0
    not_pulled: int = 0

    @property
    def read(self) -> int:
        """Rows read from all files."""
        return sum(ledger.read for ledger in self.ledgers)

    @property
    def duplicates(self) -> int:
        """Rows that repeated a follow-up already seen."""
        return sum(ledger.duplicates for ledger in self.ledgers)


def record_keys(records: pd.DataFrame, id_given: pd.Series) -> pd.Series:
    """The identity of each follow-up: its record id, or a fingerprint of what identifies it.

    Args:
        records: cleaned records (``visit_at`` already parsed).
        id_given: whether the export supplied the record id.

    Returns:
        ``id:<record id>`` or ``fp:<hash>`` per row.
    """
    present = [f for f in FINGERPRINT_FIELDS if f in records]
    # only rows without an id need a fingerprint (exports usually give every row one)
    fields = records.loc[~id_given, present].astype("string").fillna("")
    joined = fields.iloc[:, 0].str.cat([fields[f] for f in fields.columns[1:]], sep="|")
    fingerprints = pd.Series(
        [f"fp:{hashlib.sha1(text.encode('utf-8')).hexdigest()[:20]}" for text in joined], index=fields.index, dtype="object"
    )
    return ("id:" + records["record_id"].astype("string")).where(id_given, fingerprints).astype("object")


def clean_records(
    raw: pd.DataFrame, source: str, today: date | None = None, controls_removed: int = 0, outside_window: int = 0
) -> CleanResult:
    """Validate and type the records read from one file.

    A row is rejected (put in the ledger with its reason) when its visit time is missing,
    unparseable or implausible, its status is unknown, its service type is missing, or
    a completed contact has a score outside 1-5 or an NPS outside 0-10. A row that
    repeats an earlier follow-up of the same file is a duplicate. Refused / unreachable
    contacts are kept without scores: they count for the participation rate.

    Args:
        raw: canonical-named string columns (``load.read_records``), optionally with
            ``source_row``.
        source: the file, for the ledger.
        today: the day after which visit times are implausible (default: today).
        controls_removed: cells the reader cleaned of control characters, for the ledger.
        outside_window: rows the reader left out (outside the report's window), for the ledger.

    Returns:
        The typed records, the rejects and the file's ledger.
    """
    frame = _typed(raw, source)
    refusals = _refusals(frame, raw, source, today)
    rejected, rejects = refusals.rejected, refusals.ledger()
    frame["record_key"] = record_keys(frame, raw["record_id"].notna() if "record_id" in raw else pd.Series(False, index=raw.index))
    # a duplicate repeats an earlier row that was kept (a refused row owns no key); one filter for both
    repeated = frame["record_key"].where(~rejected).duplicated(keep="first") & ~rejected
    records = _python_text(frame.loc[~rejected & ~repeated].reset_index(drop=True))
    records["valid"] = records["status"].eq(VISIT_COMPLETED) & records["overall_satisfaction"].notna() & records["nps"].notna()
    ledger = FileLedger(
        path=source,
        read=len(frame),
        imported=len(records),
        duplicates=int(repeated.sum()),
        rejected=len(rejects),
        rejected_by_reason={str(k): int(v) for k, v in rejects["reason"].value_counts().sort_index().items()},
        controls_removed=controls_removed,
        outside_window=outside_window,
    )
    return CleanResult(records, rejects, (ledger,))


def _python_text(records: pd.DataFrame) -> pd.DataFrame:
    """Text kept in Arrow while cleaning (from Parquet), for the rows kept: repeated values as shared object strings.

    Done once, on the rows kept: validation ran on the Arrow strings. See ``as_shared_objects``.
    """
    for name in records.columns:
        column = records[name]
        if is_arrow_text(column):
            records[name] = as_shared_objects(column)
    return records


def as_shared_objects(column: pd.Series, sample: int = 20_000) -> pd.Series:
    """Arrow text with few distinct values as an object column (None for missing), one shared string per value.

    Service types, agents, channels … repeat on every row: one Python string per distinct
    value instead of one per row, and the analysis compares and groups them as objects. A
    column whose first ``sample`` values are mostly distinct (ids, names, real comments) is
    left in Arrow (pandas' ``str`` dtype, NaN for missing): a Python string per row would
    cost ~60-80 bytes each — half a gigabyte for a million rows' ids, names and phones —
    and every consumer reads such columns through pandas' missing-value checks.
    """
    head = column.iloc[:sample]
    if head.nunique() > len(head) // 2:
        return column
    codes, uniques = pd.factorize(column)
    values = np.empty(len(uniques) + 1, dtype=object)
    values[: len(uniques)] = uniques.astype("object")  # the last slot stays None: code -1 (missing) picks it
    return pd.Series(values[codes], index=column.index, dtype=object, name=column.name)


def _typed(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    """The rows with times parsed, answers normalised, a record id and the source (scores still as read)."""
    frame = raw.copy()
    if "source_row" not in frame:
        frame["source_row"] = range(2, len(frame) + 2)
    frame["source"] = source
    if "record_id" not in frame:
        frame["record_id"] = None
    id_given = frame["record_id"].notna()
    # an export without 记录编号: the file's name and row (never a local path, which would reach staff sheets)
    name = Path(source).name
    frame["record_id"] = frame["record_id"].astype("object").where(id_given, [f"{name}#{r}" for r in frame["source_row"]])
    frame["visit_at"] = parse_datetimes(frame["visit_at"])
    for optional_time in ("service_completed_at", "due_at"):
        if optional_time in frame:
            frame[optional_time] = parse_datetimes(frame[optional_time])
    frame["status"] = normalise_choice(raw["status"], "status")
    for answer in ("first_contact_resolved", "solution_accepted"):
        if answer in frame:
            frame[answer] = normalise_choice(frame[answer], "yes_no")
    for kind, column in (("customer_type", "customer_type"), ("channel", "channel")):
        if column in frame:
            frame[column] = normalise_choice(frame[column], kind, keep_unknown=True)
    return frame


def _refusals(frame: pd.DataFrame, raw: pd.DataFrame, source: str, today: date | None) -> Refusals:
    """Which rows are refused (each for its first reason), with their ledger rows; scores are parsed into ``frame``."""
    completed = frame["status"].eq(VISIT_COMPLETED)
    latest = pd.Timestamp(today or date.today()) + pd.Timedelta(days=1)
    refusals = Refusals(source, frame["source_row"], frame["record_id"])
    refuse = refusals.refuse

    refuse(raw["visit_at"].isna(), "visit_at", raw["visit_at"], "回访时间缺失")
    refuse(frame["visit_at"].isna(), "visit_at", raw["visit_at"], "回访时间无法解析")
    refuse(~frame["visit_at"].between(EARLIEST_PLAUSIBLE, latest), "visit_at", raw["visit_at"], "回访时间不合理（早于 2000 年或晚于今天）")
    refuse(frame["status"].isna(), "status", raw["status"], "回访状态缺失或无法识别")
    refuse(frame["service_type"].isna(), "service_type", raw["service_type"], "服务类型缺失")
    for column, low, high in [(f, 1, 5) for f in SCORE_FIELDS] + [("nps", 0, 10)]:
        if column not in frame:
            continue
        numbers = parse_numbers(frame[column])
        reason = f"{_field_label(column)}超出 {low}-{high} 范围或不是数字"
        refuse(completed & raw[column].notna() & ~numbers.between(low, high), column, raw[column], reason)
        frame[column] = numbers.where(completed)
    return refusals


def _field_label(column: str) -> str:
    return label(column) if column != "nps" else label("nps_answer")


def select_period(records: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """The records whose visit time falls within ``start``..``end`` (both inclusive).

    Args:
        records: cleaned records.
        start: first day, inclusive.
        end: last day, inclusive.

    Returns:
        The matching rows, in visit-time order.
    """
    day = records["visit_at"].dt.normalize()
    mask = day.between(pd.Timestamp(start), pd.Timestamp(end))
    return records.loc[mask].sort_values(["visit_at", "record_id"], kind="stable").reset_index(drop=True)
