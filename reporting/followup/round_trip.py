"""``reporting import-followups``: a workbook's 客户跟进计划表 and 改进措施 checked together, then written.

Every row of both sheets is checked before anything is written; with any bad row nothing
is written at all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from reporting.errors import StoreError
from reporting.followup.measure_sheet import ID_COLUMN as MEASURE_ID
from reporting.followup.measure_sheet import check_measure_rows
from reporting.followup.measures import load_measures, write_measure_changes
from reporting.followup.results import ID_COLUMN, check_results, read_result_sheets
from reporting.followup.tracking import count_items, load_items, write_results
from reporting.intake.store_schema import default_store_url, failure_reason, masked_url, open_store


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did: the bad rows (nothing written when any), else one summary line."""

    errors: tuple[str, ...]
    summary: str


def import_workbook(path: Path, store: str | None, now: datetime) -> ImportOutcome:
    """Check a filled-in workbook's plan results and measure changes against the store, then write them.

    Args:
        path: the workbook (weekly or follow-up).
        store: the store URL, None or "" for the default store.
        now: "in the future" is judged at this moment; recorded as the update time.

    Raises:
        SourceError: the workbook cannot be read or has neither sheet.
        StoreError: the store cannot be read or written, or holds no plan for a plan sheet.
    """
    url = store or default_store_url()
    plan_rows, measure_rows = read_result_sheets(path)
    plan = None
    if plan_rows is not None:
        if not count_items(url):
            raise StoreError(f"记录库 {masked_url(url)} 中没有任何跟进计划：请检查 --store 地址（应与生成该工作簿的报告所用记录库一致）")
        ids = sorted({str(v).strip() for v in plan_rows[ID_COLUMN].dropna()})
        plan = check_results(plan_rows, load_items(url, ids=ids), now)
    measures = None
    if measure_rows is not None:
        ids = sorted({str(v).strip() for v in measure_rows[MEASURE_ID].dropna()})
        measures = check_measure_rows(measure_rows, load_measures(url, ids=ids))
    errors = (*(plan.errors if plan else ()), *(measures.errors if measures else ()))
    if errors:
        return ImportOutcome(errors, "")
    _write_both(url, list(plan.updates) if plan else [], list(measures.changes) if measures else [], now)
    lines = []
    if plan is not None:
        by_status = Counter(str(change["status"]) for change in plan.updates)
        detail = "，".join(f"{status} {count}" for status, count in sorted(by_status.items()))
        lines.append(f"更新 {len(plan.updates)} 条跟进记录" + (f"（{detail}）" if detail else "") + f"，未变化 {plan.unchanged} 条")
    if measures is not None:
        lines.append(f"更新 {len(measures.changes)} 项改进措施，未变化 {measures.unchanged} 项")
    return ImportOutcome((), f"已写入记录库 {masked_url(url)}：" + "；".join(lines))


def _write_both(url: str, results: list[dict[str, object]], changes: list[dict[str, object]], now: datetime) -> None:
    """The plan results and the measure changes in one transaction: both are written, or neither.

    Raises:
        StoreError: the store cannot be written (nothing is written then).
    """
    try:
        with open_store(url).begin() as connection:
            write_results(connection, results, now)
            write_measure_changes(connection, changes, now)
    except SQLAlchemyError as error:
        raise StoreError(
            f"写入数据库 {masked_url(url)} 失败（{failure_reason(error)}），跟进结果与改进措施一条也未写入：请检查数据库后重试"
        ) from None
