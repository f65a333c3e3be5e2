"""The report's data files: the outputs collected from the notebook as metrics.json, rejects.csv, the workbook and CSVs.

The only writer of report files besides ``pages`` and ``workbook``; every table written is
escaped against formulas first.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd

from reporting.errors import ReportingError
from reporting.intake.hygiene import escape_formula_frame
from reporting.intake.ledger import LEDGER_COLUMNS
from reporting.vocab import chinese_header, label, sheet_name


def collect_optional_output(notebook: nbformat.NotebookNode, mimetype: str) -> Any:
    """The data published under ``mimetype``, or None when the notebook published none."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if mimetype in output.get("data", {}):
                return output["data"][mimetype]
    return None


def collect_output(notebook: nbformat.NotebookNode, mimetype: str) -> Any:
    """The data the notebook published under ``mimetype`` (a report's ``publish``).

    Raises:
        ReportingError: the notebook published none.
    """
    found = collect_optional_output(notebook, mimetype)
    if found is None:
        raise ReportingError("笔记本没有输出指标（缺少调用 publish 的单元格）：请检查报告笔记本")
    return found


def write_rejects_csv(ledger: dict[str, Any], path: Path) -> None:
    """Write the (already masked) rejects ledger as a UTF-8 CSV with Chinese headers, BOM for Excel.

    Args:
        ledger: ``{"id": what the id column holds, "rows": [...]}`` as the notebook published it.
        path: the CSV file.
    """
    write_csv(_ledger_table(ledger), path, encoding="utf-8-sig")


def write_csv(frame: pd.DataFrame, path: Path, encoding: str = "utf-8") -> None:
    """Write a table as CSV with every cell that Excel / WPS would evaluate escaped (``hygiene.escape_formula``).

    Our own readers undo the escape, so a file written here reads back to the same values.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    escape_formula_frame(frame).to_csv(path, index=False, encoding=encoding)


def write_json(document: Any, path: Path) -> None:
    """Write a JSON document with sorted keys, so equal content gives equal bytes."""
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def write_text(text: str, path: Path) -> None:
    """Write a UTF-8 text file."""
    path.write_text(text, encoding="utf-8")


def write_records_csv(records: pd.DataFrame, path: Path) -> None:
    """Write records as a UTF-8 CSV with the Chinese headers CRM exports use (formula-safe)."""
    write_csv(records.rename(columns=chinese_header), path)


def _payload_sheets(payload: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """The sheets a notebook published: from its hand-over file (removed after reading) or its embedded JSON."""
    if payload.get("sheets_file"):
        path = Path(payload["sheets_file"])
        sheets = pd.read_pickle(path)
        path.unlink(missing_ok=True)
    else:
        sheets = {table["name"]: pd.DataFrame(table["rows"], columns=table["columns"]) for table in payload["sheets"]}
    for frame in sheets.values():
        for column in frame.columns:
            if str(column).endswith("时间") and not pd.api.types.is_datetime64_any_dtype(frame[column]):
                frame[column] = pd.to_datetime(frame[column], errors="coerce")
    return sheets


def write_workbook(payload: dict[str, Any], rejects: dict[str, Any] | None, folder: Path) -> Path:
    """Write a published workbook (workbook.xlsx, call_list.xlsx …) into ``folder``, the rejects ledger appended as 剔除记录.

    Args:
        payload: ``{"file", "sheets" or "sheets_file", "highlight", "choices", "percent"}`` as the
            notebook published it (already masked, with the headers people see).
        rejects: the masked rejects ledger (``write_rejects_csv``), or None for none.
        folder: where the file goes.

    Returns:
        The workbook's path.
    """
    from reporting.export.workbook import write_workbook_file

    sheets = _payload_sheets(payload)
    if rejects is not None:
        sheets[sheet_name("rejects")] = _ledger_table(rejects)
    percent = frozenset(payload.get("percent") or ())
    return write_workbook_file(sheets, folder / payload["file"], payload.get("highlight"), payload.get("choices"), percent)


def _ledger_table(ledger: dict[str, Any]) -> pd.DataFrame:
    """The (masked) rejects ledger with its Chinese headers (labels ``rejects_*``; the id column's by what it holds)."""
    headers = {c: label(f"rejects_{c}") for c in LEDGER_COLUMNS} | {"record_id": label(f"rejects_{ledger['id']}")}
    return pd.DataFrame(ledger["rows"], columns=LEDGER_COLUMNS).rename(columns=headers)
