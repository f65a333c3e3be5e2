"""What a report's ``publish`` hands to the exporter: metrics, the rejects ledger, a workbook, taxonomy suggestions.

The outputs live in the executed notebook (the audit record); the HTML/PDF never show them
(their cell is tagged ``metrics`` and removed on export). Large workbook tables travel as a
file in the run's staging folder instead (``workbook_payload``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import display

from reporting.intake.privacy import mask_text
from reporting.report.html.values import json_value
from reporting.report.mimetypes import METRICS_MIMETYPE, REJECTS_MIMETYPE, SUGGESTIONS_MIMETYPE, WORKBOOK_MIMETYPE
from reporting.vocab import chinese_header


def publish_outputs(
    document: dict[str, Any],
    rejects: pd.DataFrame,
    workbook: dict[str, Any] | None = None,
    suggestions: str | None = None,
    rejects_id: str = "record_id",
) -> None:
    """Display a report's metrics document, rejects ledger (masked here), workbook and taxonomy suggestions for the exporter.

    ``rejects_id`` names what the ledger's id column holds (``record_id``: 记录编号;
    ``service_id``: 服务单号 for a services export), for its header.
    """
    ledger = {"id": rejects_id, "rows": masked_rejects(rejects)}
    outputs: dict[str, Any] = {METRICS_MIMETYPE: document, REJECTS_MIMETYPE: ledger}
    if workbook is not None:
        outputs[WORKBOOK_MIMETYPE] = workbook
    if suggestions is not None:
        outputs[SUGGESTIONS_MIMETYPE] = {"yaml": suggestions}
    display(outputs, raw=True)


def workbook_payload(
    sheets: dict[str, pd.DataFrame],
    handover_dir: str = "",
    file: str = "workbook.xlsx",
    highlight: dict[str, list[bool]] | None = None,
    choices: dict[str, list[str]] | None = None,
    percent: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Sheets (already masked, with the headers people see) for the exporter to write into an XLSX file.

    Under ``reporting run`` (the ``handover_dir`` parameter set to the run's staging folder)
    the tables travel as one pickle file there, which the exporter reads and removes: a
    large week's 50,000 rows would otherwise be encoded as JSON, saved in the executed
    notebook and parsed again. In an interactive session ("") they are embedded as JSON;
    the exporter reads either.

    Args:
        sheets: sheet name → table, in order.
        handover_dir: the run's hand-over folder (a report parameter), or "".
        file: the file name in the run's output folder.
        highlight: sheet name → one flag per row to fill (overdue plan items).
        choices: column header → the values offered in a drop-down (the plan's statuses).
        percent: column headers whose fractions are shown as percentages.
    """
    payload: dict[str, Any] = {"file": file, "highlight": highlight or {}, "choices": choices or {}, "percent": list(percent)}
    if handover_dir and Path(handover_dir).is_dir():
        path = Path(handover_dir) / f".{file}.sheets.pkl"
        pd.to_pickle(dict(sheets), path)
        return {**payload, "sheets_file": str(path)}
    return {
        **payload,
        "sheets": [{"name": name, **_table_payload(table)} for name, table in sheets.items()],
    }  # a list: JSON keys get sorted


def _table_payload(table: pd.DataFrame) -> dict[str, Any]:
    """A table as JSON-safe columns and rows (timestamps as ISO text, missing as null)."""
    rows = [[json_value(v) for v in row] for row in table.itertuples(index=False)]
    return {"columns": [str(c) for c in table.columns], "rows": rows}


def masked_rejects(rejects: pd.DataFrame) -> list[dict[str, Any]]:
    """The rejects ledger ready for export: file names only, personal data in values masked."""
    rows = []
    names: dict[str, str] = {}  # a ledger names a few files many times
    for row in rejects.itertuples(index=False):
        source = str(row.source)
        rows.append(
            {
                "source": names[source] if source in names else names.setdefault(source, Path(source).name),
                "row": int(row.row),
                "record_id": mask_text(row.record_id),
                "field": chinese_header(str(row.field)),
                "value": mask_text(row.value),
                "reason": str(row.reason),
            }
        )
    return rows
