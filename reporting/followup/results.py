"""The staff's round trip: results typed into workbook.xlsx, checked, then written to the store.

Staff fill 当前状态, 实际跟进时间 and 跟进结果简述 in 客户跟进计划表 (and close measures in
改进措施: ``measure_sheet``). Every row is checked
before anything is written; a bad row gets one line naming its sheet row, column, value
and what to do, and then nothing is applied.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from reporting.errors import SourceError
from reporting.followup.plan import EDITABLE_COLUMNS, FollowupRules, load_followup_rules
from reporting.intake.tables import read_sheets, with_header
from reporting.vocab import header_keys, headers, sheet_name

ID_COLUMN = "item_id"


@dataclass(frozen=True)
class ResultsCheck:
    """What a filled-in plan sheet would change.

    Attributes:
        updates: one dict per changed item (跟进编号 and the editable columns).
        errors: one line per bad row; when any, nothing may be applied.
        unchanged: rows that match the store already.
    """

    updates: tuple[dict[str, object], ...]
    errors: tuple[str, ...]
    unchanged: int


def read_result_sheets(path: Path) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """The sheets staff fill in: 客户跟进计划表 and 改进措施, each with Excel row numbers as index and English keys.

    A workbook may hold either or both (the weekly workbook both, the follow-up workbook both);
    a sheet it lacks is None.

    Raises:
        SourceError: the file is missing or not an XLSX workbook, it has neither sheet, or a
            sheet lacks a needed column.
    """
    if path.suffix.lower() != ".xlsx":
        raise SourceError(f"{path} 不是 XLSX 工作簿：请用本系统导出的 workbook.xlsx，在 Excel/WPS/LibreOffice 中保存为 .xlsx")
    grids = read_sheets(path, "工作簿").grids
    plan, measures = sheet_name("plan"), sheet_name("measures")
    if plan not in grids and measures not in grids:
        raise SourceError(f"工作簿 {path} 中没有 {plan} 或 {measures} 工作表：请用本系统导出的 workbook.xlsx，勿改工作表名")
    plan_rows = _filled_rows(path, grids, "plan", (ID_COLUMN, *EDITABLE_COLUMNS)) if plan in grids else None
    measure_rows = _filled_rows(path, grids, "measures", ("measure_id", "owner", "status", "note")) if measures in grids else None
    return plan_rows, measure_rows


def _filled_rows(path: Path, grids: dict[str, pd.DataFrame], kind: str, needed: tuple[str, ...]) -> pd.DataFrame:
    """A sheet's non-blank rows (index = Excel row number) with English keys, only the ``needed`` columns."""
    name, grid = sheet_name(kind), grids[sheet_name(kind)]
    keys = header_keys(kind)
    sheet = with_header(grid) if len(grid) else pd.DataFrame(columns=[])
    sheet.columns = [keys.get(h, h) for h in sheet.columns]
    missing = [headers(kind)[c] for c in needed if c not in sheet.columns]
    if missing:
        raise SourceError(f"工作簿 {path} 的 {name} 缺少列 {'、'.join(missing)}：请勿删除或改名导出时的列")
    sheet.index = sheet.index + 1  # grid row i is Excel row i + 1
    # a cell that held only spaces is empty
    blank = sheet.apply(lambda column: column.map(lambda v: v is None or (isinstance(v, str) and not v.strip()))).all(axis=1)
    return sheet.loc[~blank, list(needed)]


def check_results(sheet: pd.DataFrame, stored: pd.DataFrame, now: datetime) -> ResultsCheck:
    """Check every row of a filled-in plan sheet against the stored items.

    Rules: the 跟进编号 must be a stored item and appear once; 当前状态 must be one of the
    statuses; 实际跟进时间 must be a date-time, not in the future and not before the call it
    follows up; 已完成 needs both 实际跟进时间 and 跟进结果简述; a time or result needs a status
    past 待跟进. An empty cell keeps the stored value and an untouched 待跟进 row never undoes
    recorded progress, so several people's copies of one workbook can be imported in turn.

    Args:
        sheet: rows of the sheet (index = Excel row number) with 跟进编号 and the editable columns.
        stored: the stored items (plan columns) with those ids.
        now: the moment "in the future" is judged at.

    Returns:
        The changes and the errors.
    """
    rules = load_followup_rules()
    known = stored.set_index(ID_COLUMN)
    seen: dict[str, int] = {}
    return ResultsCheck(*sorted_outcomes(_check_row(int(number), row, known, seen, rules, now) for number, row in sheet.iterrows()))


def sorted_outcomes(outcomes: Iterable[dict[str, object] | str | None]) -> tuple[tuple[dict[str, object], ...], tuple[str, ...], int]:
    """Rows' outcomes sorted: the changes, the error lines, and how many rows changed nothing (None)."""
    changes, errors, unchanged = [], [], 0
    for outcome in outcomes:
        if isinstance(outcome, str):
            errors.append(outcome)
        elif outcome is None:
            unchanged += 1
        else:
            changes.append(outcome)
    return tuple(changes), tuple(errors), unchanged


def _check_row(
    row_number: int, row: pd.Series, known: pd.DataFrame, seen: dict[str, int], rules: FollowupRules, now: datetime
) -> dict[str, object] | str | None:
    """One row of the sheet: the change it makes, an error line, or None when it changes nothing."""
    statuses, done_status = list(rules.statuses), rules.done_status
    where = f"{sheet_name('plan')} 第 {row_number} 行"
    item = cell_text(row[ID_COLUMN])
    if not item:
        return f"{where}：缺少跟进编号：请保留导出时的跟进编号，不要清空"
    where += f"（跟进编号 {item}）"
    if item not in known.index:
        return f"{where}：数据库中没有这个跟进编号：请确认工作簿来自同一记录库，且未改动跟进编号"
    if item in seen:
        return f"{where}：与第 {seen[item]} 行的跟进编号重复：请删除重复的行"
    seen[item] = row_number
    status = cell_text(row["status"])
    if status not in statuses:
        return f"{where}：当前状态 {status!r} 不是可选状态（{'/'.join(statuses)}）：请从下拉框选择"
    done_at, problem = _moment(row["done_at"])
    time_error = _time_error(where, row["done_at"], done_at, problem, known.at[item, "visit_at"], now)
    if time_error:
        return time_error
    result, stored_item = cell_text(row["result"]), known.loc[item]
    if status == statuses[0] and (done_at is not None or result):
        return f"{where}：已填写实际跟进时间或结果，但当前状态仍为{statuses[0]}：请把状态改为跟进中或{done_status}"
    if status == statuses[0] and stored_item["status"] != statuses[0]:
        return None  # an untouched row (e.g. another copy of the workbook) never undoes recorded progress
    # an empty cell keeps what the store holds: copies filled by different people do not erase each other
    if done_at is None and not pd.isna(stored_item["done_at"]):
        done_at = pd.Timestamp(stored_item["done_at"]).floor("min")
    result = result or cell_text(stored_item["result"])
    if status == done_status and (done_at is None or not result):
        return f"{where}：状态为{done_status}时须填写实际跟进时间和跟进结果简述：请补全或把状态改为跟进中"
    change = {ID_COLUMN: item, "status": status, "done_at": done_at, "result": result or None}
    return None if _same(change, stored_item) else change


def _time_error(where: str, cell: object, done_at: pd.Timestamp | None, unreadable: bool, visit: object, now: datetime) -> str | None:
    """Why a 实际跟进时间 cannot be taken: unreadable, in the future, or before the call it follows up."""
    if unreadable:
        return f"{where}：实际跟进时间 {cell!r} 不是有效时间：请写成 2026-11-24 10:30 或使用日期单元格"
    if done_at is not None and done_at > pd.Timestamp(now):
        return f"{where}：实际跟进时间 {done_at:%Y-%m-%d %H:%M} 晚于现在：请填写已经发生的跟进时间"
    if done_at is not None and not pd.isna(visit) and done_at < visit:
        return f"{where}：实际跟进时间 {done_at:%Y-%m-%d %H:%M} 早于回访时间 {visit:%Y-%m-%d %H:%M}：请改正时间"
    return None


def cell_text(value: object) -> str:
    """A cell as stripped text; empty for a missing value."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def _moment(value: object) -> tuple[pd.Timestamp | None, bool]:
    """A cell's date-time: ``(moment, False)``, ``(None, False)`` when empty, ``(None, True)`` when unreadable."""
    if isinstance(value, datetime):
        return pd.Timestamp(value).floor("min"), False
    text = cell_text(value)
    if not text:
        return None, False
    moment = pd.to_datetime(text, errors="coerce")
    return (None, True) if pd.isna(moment) else (pd.Timestamp(moment).floor("min"), False)


def _same(change: dict[str, object], stored: pd.Series) -> bool:
    """Whether a row repeats what the store holds already."""
    stored_done = stored["done_at"]
    done_same = (change["done_at"] is None and pd.isna(stored_done)) or (
        change["done_at"] is not None and not pd.isna(stored_done) and pd.Timestamp(stored_done).floor("min") == change["done_at"]
    )
    return change["status"] == stored["status"] and done_same and (change["result"] or "") == cell_text(stored["result"])
