"""The services-completed export: who was served, when, and whether they may be called.

Headers are matched through ``vocab/service_columns.yaml``; every row is either kept or
put in the rejects ledger with its reason (missing customer, unreadable completion time,
repeated service number).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reporting.config import VOCAB_DIR
from reporting.errors import SourceError
from reporting.intake.ledger import Refusals
from reporting.intake.load import map_headers
from reporting.intake.parse import parse_datetimes
from reporting.intake.tables import read_sheets, with_header
from reporting.vocab import read_yaml

REQUIRED = ("customer_id", "service_type", "completed_at")
# without these the rules that need them cannot act (complaints always called, 无需回访 excluded, key customers)
RULE_FIELDS = ("complaint", "do_not_call", "customer_type")
YES = frozenset({"是", "y", "yes", "true", "1", "√", "✓"})


@dataclass(frozen=True)
class ServicesFile:
    """A services export, cleaned.

    Attributes:
        services: kept rows with canonical columns, ``row`` (the spreadsheet row) and
            booleans ``complaint``, ``do_not_call``, ``key_customer``.
        rejects: rows left out, with the ledger's columns.
        read: rows read.
        missing: ``RULE_FIELDS`` the export lacks, by their Chinese header.
    """

    services: pd.DataFrame
    rejects: pd.DataFrame
    read: int
    missing: tuple[str, ...] = ()


def service_aliases() -> dict[str, list[str]]:
    """Canonical service fields and the headers exports use for them (``vocab/service_columns.yaml``)."""
    return read_yaml(VOCAB_DIR / "service_columns.yaml")


def read_services(path: Path) -> ServicesFile:
    """Read and clean a services export (CSV in UTF-8 or GB18030, XLSX, Parquet).

    Raises:
        SourceError: the file is missing, unreadable, or lacks a required column.
    """
    raw = _read_table(path)
    mapping = map_headers(list(raw.columns), service_aliases())
    missing = [f for f in REQUIRED if f not in mapping.values()]
    if missing:
        wanted = "、".join(service_aliases()[f][0] for f in missing)
        raise SourceError(f"服务记录文件 {path} 缺少列 {wanted}：请在导出中包含这些列（表头别名见 reporting/vocab/service_columns.yaml）")
    frame = raw[list(mapping)].rename(columns=mapping).replace({"": None})
    frame["row"] = range(2, len(frame) + 2)
    cleaned = clean_services(frame, str(path))
    absent = tuple(service_aliases()[f][0] for f in RULE_FIELDS if f not in mapping.values())
    return ServicesFile(cleaned.services, cleaned.rejects, cleaned.read, absent)


def clean_services(frame: pd.DataFrame, source: str) -> ServicesFile:
    """Keep rows with a customer, a service type and a readable completion time, each service once.

    Args:
        frame: canonical text columns plus ``row``.
        source: the file, for the ledger.

    Returns:
        The kept services (flags as booleans) and the rejects ledger.
    """
    frame = frame.copy()
    if "service_id" not in frame:
        frame["service_id"] = None
    frame["service_id"] = frame["service_id"].where(frame["service_id"].notna(), "行" + frame["row"].astype(str))
    completed = parse_datetimes(frame["completed_at"])
    problems = [
        (frame["customer_id"].isna(), "customer_id", "缺少客户编号"),
        (frame["service_type"].isna(), "service_type", "缺少服务类型"),
        (completed.isna(), "completed_at", "服务完成时间缺失或无法识别"),
    ]
    refusals = Refusals(source, frame["row"], frame["service_id"])
    for mask, field, reason in problems:
        refusals.refuse(mask, service_aliases()[field][0], frame[field], reason)
    repeated = frame["service_id"].duplicated()
    refusals.refuse(repeated, service_aliases()["service_id"][0], frame["service_id"], "服务单号重复（只保留第一条）")
    kept = frame.loc[~refusals.rejected].assign(completed_at=completed[~refusals.rejected])
    for flag in ("complaint", "do_not_call", "key_customer"):
        values = kept[flag] if flag in kept else pd.Series(None, index=kept.index, dtype="object")
        kept[flag] = values.map(lambda v: isinstance(v, str) and v.strip().lower() in YES).astype(bool)
    if "customer_type" not in kept:
        kept["customer_type"] = None
    return ServicesFile(kept.reset_index(drop=True), refusals.ledger(), len(frame))


def _read_table(path: Path) -> pd.DataFrame:
    """The file's first sheet / table as text, header in the first row, control characters removed."""
    grids = read_sheets(path, "服务记录文件").grids
    table = with_header(next(iter(grids.values())))
    return table.where(table.notna(), "")
