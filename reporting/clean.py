"""Cleaning and validation: every input row ends up analysed or in the rejects ledger."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

SCORE_FIELDS = ("score_speed", "score_professional", "score_clarity", "score_attitude", "overall_satisfaction")
STATUS_SYNONYMS = {
    "完成": "完成",
    "已完成": "完成",
    "成功": "完成",
    "已回访": "完成",
    "拒访": "拒访",
    "拒绝": "拒访",
    "拒绝回访": "拒访",
    "未接通": "未接通",
    "无人接听": "未接通",
    "未接": "未接通",
    "关机": "未接通",
    "空号": "未接通",
    "改约": "改约",
    "改期": "改约",
    "预约改期": "改约",
}
YES_NO_SYNONYMS = {
    "是": "是",
    "已解决": "是",
    "y": "是",
    "yes": "是",
    "否": "否",
    "未解决": "否",
    "n": "否",
    "no": "否",
    "不确定": "不确定",
    "不清楚": "不确定",
}
LEDGER_COLUMNS = ["source", "row", "record_id", "field", "value", "reason"]
_DATE_PARTS = re.compile(r"^\s*(\d{4})\D{1,2}(\d{1,2})\D{1,2}(\d{1,2})\D{0,2}(?:\s*(\d{1,2})[:：](\d{1,2}))?")


@dataclass(frozen=True)
class CleanResult:
    """Cleaned records and the rows that were refused.

    Attributes:
        records: typed records, one per accepted row, with ``source_row`` kept.
        rejects: the rejects ledger (``LEDGER_COLUMNS``), one row per refused input row.
        read: how many rows were read; always ``len(records) + len(rejects)``.
    """

    records: pd.DataFrame
    rejects: pd.DataFrame
    read: int


def parse_datetimes(values: pd.Series) -> pd.Series:
    """Parse timestamps written as ``2026-11-17 09:05``, ``2026/11/17 9:05`` or ``2026年11月17日 09:05``.

    Args:
        values: strings (or None).

    Returns:
        ``datetime64`` values at minute precision; NaT where a value does not parse.
    """
    text = values.astype("string").map(lambda v: unicodedata.normalize("NFKC", v) if isinstance(v, str) else v)
    parts = text.str.extract(_DATE_PARTS).astype("Float64")
    parts.columns = ["year", "month", "day", "hour", "minute"]
    parts = parts.fillna({"hour": 0, "minute": 0})
    return pd.to_datetime(parts, errors="coerce").dt.floor("min")


def parse_numbers(values: pd.Series) -> pd.Series:
    """Parse numbers, accepting full-width digits; NaN where a value is not a number."""
    text = values.astype("string").map(lambda v: unicodedata.normalize("NFKC", v).strip() if isinstance(v, str) else v)
    return pd.to_numeric(text, errors="coerce").astype("float64")


def normalise_choice(values: pd.Series, synonyms: dict[str, str]) -> pd.Series:
    """Map free spellings of an enumerated answer onto its canonical value (None if unknown)."""

    def one(value: object) -> str | None:
        if not isinstance(value, str):
            return None
        key = unicodedata.normalize("NFKC", value).strip()
        return synonyms.get(key, synonyms.get(key.lower()))

    return values.map(one).astype("object")


def clean_records(raw: pd.DataFrame, source: str) -> CleanResult:
    """Validate and type the records read from one source.

    A row is refused (and put in the ledger with its reason) when its visit time does
    not parse, its status is unknown, a completed contact has a score outside 1-5 or an
    NPS outside 0-10, or its record id repeats an earlier row. Refused/unreachable
    contacts are kept without scores: they count for the participation rate.

    Args:
        raw: canonical-named string columns from ``load.read_records``.
        source: the file name, for the ledger.

    Returns:
        The typed records, the rejects ledger and the number of rows read.
    """
    frame = raw.copy()
    frame["source_row"] = np.arange(2, len(frame) + 2)  # line numbers as a spreadsheet shows them
    if "record_id" not in frame:
        frame["record_id"] = None
    missing_id = frame["record_id"].isna()
    frame.loc[missing_id, "record_id"] = [f"{source}#{r}" for r in frame.loc[missing_id, "source_row"]]
    frame["visit_at"] = parse_datetimes(frame["visit_at"]).astype("datetime64[ns]")
    if "service_completed_at" in frame:
        frame["service_completed_at"] = parse_datetimes(frame["service_completed_at"])
    status_raw = frame["status"]
    frame["status"] = normalise_choice(frame["status"], STATUS_SYNONYMS)
    for field in ("first_contact_resolved", "solution_accepted"):
        if field in frame:
            frame[field] = normalise_choice(frame[field], YES_NO_SYNONYMS)
    completed = frame["status"].eq("完成")
    problems: list[pd.DataFrame] = []

    def refuse(mask: pd.Series, field: str, values: pd.Series, reason: str) -> None:
        problems.append(_ledger_rows(frame.loc[mask], source, field, values[mask], reason))

    bad_time = frame["visit_at"].isna()
    refuse(bad_time, "visit_at", raw["visit_at"], "回访时间缺失或无法解析")
    bad_status = ~bad_time & frame["status"].isna()
    refuse(bad_status, "status", status_raw, "回访状态无法识别")
    rejected = bad_time | bad_status
    for field, low, high in [(f, 1, 5) for f in SCORE_FIELDS] + [("nps", 0, 10)]:
        if field not in frame:
            continue
        numbers = parse_numbers(frame[field])
        out_of_range = completed & ~rejected & frame[field].notna() & ~numbers.between(low, high)
        refuse(out_of_range, field, raw[field], f"取值超出 {low}-{high} 范围或不是数字")
        rejected |= out_of_range
        frame[field] = numbers.where(completed)
    duplicate = ~rejected & frame["record_id"].duplicated(keep="first")
    refuse(duplicate, "record_id", frame["record_id"], "重复记录（同一记录编号已出现）")
    rejected |= duplicate
    rejects = pd.concat(problems, ignore_index=True) if problems else pd.DataFrame(columns=LEDGER_COLUMNS)
    records = frame.loc[~rejected].reset_index(drop=True)
    records["valid"] = records["status"].eq("完成") & records["overall_satisfaction"].notna() & records["nps"].notna()
    return CleanResult(records=records, rejects=rejects.sort_values("row", kind="stable").reset_index(drop=True), read=len(raw))


def _ledger_rows(rows: pd.DataFrame, source: str, field: str, values: pd.Series, reason: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": source,
            "row": rows["source_row"].to_numpy(),
            "record_id": rows["record_id"].to_numpy(),
            "field": field,
            "value": values.astype("object").where(values.notna(), "").astype(str).to_numpy(),
            "reason": reason,
        },
        columns=LEDGER_COLUMNS,
    )


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
