"""Publishing: what a report notebook hands to the exporter (metrics, rejects, workbook tables, suggestions).

The outputs live in the executed notebook (the audit record); the HTML/PDF never show them
(their cell is tagged ``metrics`` and removed on export). Large workbook tables travel as a
file in the run's staging folder instead (``workbook_payload``).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import display

from reporting.intake.privacy import mask_text
from reporting.report.document import metrics_document
from reporting.report.fragments import json_value
from reporting.report.model import ReportModel
from reporting.report.published import METRICS_MIMETYPE, REJECTS_MIMETYPE, SUGGESTIONS_MIMETYPE, TRANSFER_DIR_ENV, WORKBOOK_MIMETYPE
from reporting.report.trend import TrendModel, trend_document
from reporting.text.reading import theme_label
from reporting.text.suggestions import suggestions_yaml
from reporting.vocab import chinese_header


def publish_metrics(model: ReportModel | TrendModel) -> None:
    """Display the metrics, the (masked) rejects ledger and the workbook as notebook outputs, for the exporter.

    The outputs live in the executed notebook (the audit record); the HTML/PDF never
    show them (their cell is tagged ``metrics`` and removed on export).
    """
    document = trend_document(model) if isinstance(model, TrendModel) else metrics_document(model)
    weekly = isinstance(model, ReportModel)
    workbook = workbook_payload(workbook_tables(model)) if weekly else None
    suggestions = suggestions_yaml(model.taxonomy_suggestions) if weekly else None
    publish_outputs(document, model.rejects, workbook, suggestions)


def publish_outputs(
    document: dict[str, Any], rejects: pd.DataFrame, workbook: dict[str, Any] | None = None, suggestions: str | None = None
) -> None:
    """Display a report's metrics document, rejects ledger (masked here), workbook and taxonomy suggestions for the exporter."""
    outputs: dict[str, Any] = {METRICS_MIMETYPE: document, REJECTS_MIMETYPE: masked_rejects(rejects)}
    if workbook is not None:
        outputs[WORKBOOK_MIMETYPE] = workbook
    if suggestions is not None:
        outputs[SUGGESTIONS_MIMETYPE] = {"yaml": suggestions}
    display(outputs, raw=True)


def workbook_payload(sheets: dict[str, pd.DataFrame], file: str = "workbook.xlsx", as_of: datetime | None = None) -> dict[str, Any]:
    """Sheets (already masked) for the exporter to write into an XLSX file.

    Under ``reporting run`` (``TRANSFER_DIR_ENV`` set to the run's staging folder) the
    tables travel as one pickle file there, which the exporter reads and removes: a large
    week's 50,000 rows would otherwise be encoded as JSON, saved in the executed notebook
    and parsed again. In an interactive session they are embedded as JSON.

    Args:
        sheets: sheet name → table, in order.
        file: the file name in the run's output folder.
        as_of: the moment overdue plan items are judged at (None: when the run started).
    """
    payload: dict[str, Any] = {"file": file, "as_of": as_of.isoformat() if as_of else None}
    transfer = os.environ.get(TRANSFER_DIR_ENV)
    if transfer and Path(transfer).is_dir():
        path = Path(transfer) / f".{file}.sheets.pkl"
        pd.to_pickle(dict(sheets), path)
        return {**payload, "sheets_file": str(path)}
    return {
        **payload,
        "sheets": [{"name": name, **_table_payload(table)} for name, table in sheets.items()],
    }  # a list: JSON keys get sorted


def workbook_tables(model: ReportModel) -> dict[str, pd.DataFrame]:
    """The workbook's tables that come from the report (all masked)."""
    advice = {r.subject: r.action for r in model.recommendations if r.kind == "problem"}
    rows = [(p.type, p.count, p.share, p.quotes) for p in model.problems] + [
        (theme_label(t.name), t.count, t.share, t.quotes) for t in model.themes
    ]
    feedback_table = pd.DataFrame(
        [
            {
                "反馈类型": name,
                "数量": count,
                "占比": round(share, 4),
                "典型案例描述": quotes[0].text if quotes else "",
                "改进建议": advice.get(name, ""),
            }
            for name, count, share, quotes in rows
        ],
        columns=["反馈类型", "数量", "占比", "典型案例描述", "改进建议"],
    )
    verification = model.verification.rename(
        columns={
            "record_id": "记录编号",
            "customer_id": "客户编号",
            "customer_name": "客户姓名",
            "service_type": "服务类型",
            "visitor": "回访人",
            "overall_satisfaction": "整体满意度",
            "text_negative": "文字负面概率",
            "reason": "核实原因",
        }
    )
    return {
        "客户回访记录表": model.record_sheet,
        "客户跟进计划表": masked_plan(model.plan),
        "客户反馈分类统计表": feedback_table,
        "二次核实清单": verification,
    }


def masked_plan(plan: pd.DataFrame) -> pd.DataFrame:
    """The plan with staff's free-text results masked (they may quote a phone number)."""
    return plan.assign(跟进结果简述=plan["跟进结果简述"].map(lambda v: mask_text(v) if isinstance(v, str) else v)) if len(plan) else plan


def _table_payload(table: pd.DataFrame) -> dict[str, Any]:
    """A table as JSON-safe columns and rows (timestamps as ISO text, missing as null)."""
    rows = [[json_value(v) for v in row] for row in table.itertuples(index=False)]
    return {"columns": [str(c) for c in table.columns], "rows": rows}


def masked_rejects(rejects: pd.DataFrame) -> list[dict[str, Any]]:
    """The rejects ledger ready for export: file names only, personal data in values masked."""
    rows = []
    for row in rejects.itertuples(index=False):
        rows.append(
            {
                "source": Path(str(row.source)).name,
                "row": int(row.row),
                "record_id": mask_text(row.record_id),
                "field": chinese_header(str(row.field)),
                "value": mask_text(row.value),
                "reason": str(row.reason),
            }
        )
    return rows
