"""The 改进措施 sheet: measures as staff see them, and the rows they changed, checked before anything is written.

Staff may close a measure (措施状态 已关闭, with the reason in 备注), change its 负责人 and
write 备注. A closed measure stays closed (a workbook exported before the closing, imported
again, must not reopen it; a recurring weakness starts a new measure). 已达成 and 逾期未达成
are judged from the data by the weekly report: choosing one by hand for a measure the store
holds as 进行中 is refused with the reason; on a measure already judged so it is accepted. Every row
is checked first; a bad row gets one line naming its sheet row, column and value, and
then nothing is applied (the same rules as the plan sheet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from reporting.analysis.measures import ACTIVE, GOES_DOWN, STATUSES, Measure, Progress
from reporting.followup.results import cell_text, sorted_outcomes
from reporting.vocab import headers, label, sheet_name

ID_COLUMN = "measure_id"
EDITABLE = ("owner", "status", "note")
SHEET_COLUMNS = ("measure_id", "slice", "subject", "action", "owner", "deadline", "baseline", "current", "target", "status", "note")


def status_label(status: str) -> str:
    """``open`` → 进行中, ``met`` → 已达成, ``missed`` → 逾期未达成, ``closed`` → 已关闭."""
    return label(f"measure_status_{status}")


def subject_name(kind: str, subject: str) -> str:
    """What a measure or recommendation is about, as people read it: 响应速度评分 (a score), 回访人 V03, 服务态度 (a problem)."""
    if kind == "dimension":
        return label(subject) + ("评分" if subject.startswith("score_") else "")
    if kind == "agent":
        return f"{label('visitor')} {subject}"
    return subject


def value_text(kind: str, value: float | None, n: int | None = None) -> str:
    """A measure's metric as people read it: a share as 12.3%, a score as 4.12 分, with its n when given."""
    if value is None:
        return "—"
    shown = f"{value:.1%}" if kind in GOES_DOWN else f"{value:.2f} 分"
    return f"{shown}（n={n}）" if n is not None else shown


def measure_sheet(measures: list[Measure], progress: tuple[Progress, ...] = ()) -> pd.DataFrame:
    """改进措施: one row per measure (Chinese headers), the status and current value judged by ``progress`` where given."""
    judged = {p.measure.id: p for p in progress}
    rows = []
    for measure in measures:
        item = judged.get(measure.id)
        current = item.current if item else None
        rows.append(
            {
                "measure_id": measure.id,
                "slice": measure.slice_label or label("measure_whole_centre"),
                "subject": subject_name(measure.kind, measure.subject),
                "action": measure.action,
                "owner": measure.owner,
                "deadline": measure.deadline.isoformat(),
                "baseline": value_text(measure.kind, measure.baseline.value, measure.baseline.n),
                "current": value_text(measure.kind, current.value, current.n) if current else "—",
                "target": value_text(measure.kind, measure.target),
                "status": status_label(item.status if item else measure.status),
                "note": measure.note,
            }
        )
    return pd.DataFrame(rows, columns=list(SHEET_COLUMNS)).rename(columns=headers("measures"))


def by_owner(measures: list[Measure], as_of: date) -> pd.DataFrame:
    """Measures still being worked on (进行中, 逾期未达成), per owner, overdue ones first, then by deadline.

    Returns:
        Columns owner, measure_id, slice, subject, deadline, days_over (0 when not
        past its deadline at ``as_of``), status (as last judged), with Chinese headers
        (``columns_measures``).
    """
    rows = [
        {
            "owner": m.owner,
            "measure_id": m.id,
            "slice": m.slice_label or label("measure_whole_centre"),
            "subject": subject_name(m.kind, m.subject),
            "deadline": m.deadline.isoformat(),
            "days_over": m.days_over(as_of),
            "status": status_label(m.status),
        }
        for m in measures
        if m.status in ACTIVE
    ]
    table = pd.DataFrame(rows, columns=["owner", "measure_id", "slice", "subject", "deadline", "days_over", "status"])
    ordered = table.sort_values(["owner", "days_over", "deadline", "measure_id"], ascending=[True, False, True, True], kind="stable")
    return ordered.reset_index(drop=True).rename(columns=headers("measures"))


def with_measure_marks(marks: dict[str, Any], sheets: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """``workbook_payload``'s marks plus, when ``sheets`` hold an 改进措施 sheet, its missed rows filled and 措施状态 as a drop-down."""
    sheet = sheets.get(sheet_name("measures"))
    if sheet is None:
        return marks
    column = headers("measures")["status"]
    missed = sheet[column].eq(status_label("missed")).tolist() if len(sheet) else []
    return {
        "highlight": marks.get("highlight", {}) | {sheet_name("measures"): missed},
        "choices": marks.get("choices", {}) | {column: [status_label(s) for s in STATUSES]},
    }


@dataclass(frozen=True)
class MeasureCheck:
    """What a filled-in 改进措施 sheet would change: one dict per changed measure, one line per bad row."""

    changes: tuple[dict[str, object], ...]
    errors: tuple[str, ...]
    unchanged: int


def check_measure_rows(sheet: pd.DataFrame, stored: list[Measure]) -> MeasureCheck:
    """Check every row of a filled-in 改进措施 sheet against the stored measures.

    Rules: the 措施编号 must be a stored measure and appear once; 措施状态 must be one of the
    four; closing (已关闭) needs a 备注 written in this row (why it is closed); 已达成 or
    逾期未达成 chosen for a measure the store holds as 进行中 is refused; any status on a
    closed measure keeps it closed; an empty 负责人 keeps the stored one.

    Args:
        sheet: rows of the sheet (index = Excel row number) with English keys.
        stored: the stored measures with those ids.

    Returns:
        The changes (``measure_id``, ``status`` ``closed`` or None, ``note``, ``owner``)
        and the errors.
    """
    known = {m.id: m for m in stored}
    by_label = {status_label(s): s for s in STATUSES}
    seen: dict[str, int] = {}
    return MeasureCheck(*sorted_outcomes(_check_row(int(number), row, known, by_label, seen) for number, row in sheet.iterrows()))


def _check_row(
    row_number: int, row: pd.Series, known: dict[str, Measure], by_label: dict[str, str], seen: dict[str, int]
) -> dict[str, object] | str | None:
    """One row: the change it makes, an error line, or None when it changes nothing."""
    where = f"{sheet_name('measures')} 第 {row_number} 行"
    identity = cell_text(row[ID_COLUMN])
    if not identity:
        return f"{where}：缺少措施编号：请保留导出时的措施编号，不要清空"
    where += f"（措施编号 {identity}）"
    if identity not in known:
        return f"{where}：数据库中没有这个措施编号：请确认工作簿来自同一记录库，且未改动措施编号"
    if identity in seen:
        return f"{where}：与第 {seen[identity]} 行的措施编号重复：请删除重复的行"
    seen[identity] = row_number
    chosen = cell_text(row["status"])
    if not chosen:
        return f"{where}：措施状态为空：请从下拉框选择（{'/'.join(by_label)}）"
    if chosen not in by_label:
        return f"{where}：措施状态 {chosen} 不是可选状态（{'/'.join(by_label)}）：请从下拉框选择"
    measure, status, note = known[identity], by_label[chosen], cell_text(row["note"])
    closing = status == "closed" and measure.status != "closed"
    if closing and not note:
        return f"{where}：关闭措施须在备注中写明原因（如“已改用新方案”）：请补写备注"
    if status in ("met", "missed") and measure.status == "open":
        return f"{where}：措施状态 {chosen} 由周报按数据判定，不能手工选择：请改为已关闭（并写明原因）或保留原状态"
    # a closed measure stays closed: an untouched row of a workbook made before the closing never reopens it
    owner = cell_text(row["owner"]) or measure.owner
    change = {ID_COLUMN: identity, "status": "closed" if closing else None, "note": note or measure.note or None, "owner": owner}
    same = not closing and owner == measure.owner and (note or measure.note) == measure.note
    return None if same else change
