"""The follow-up workbook (workbook.xlsx): the seed's standard tables, formatted for people."""

from __future__ import annotations

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

HEADER_FILL = PatternFill("solid", fgColor="1D3F6E")
OVERDUE_FILL = PatternFill("solid", fgColor="F8D7DA")
DATE_FORMAT = "yyyy-mm-dd hh:mm"
STATUS_COLUMN = "当前状态"


def build_workbook(sheets: dict[str, pd.DataFrame], statuses: list[str], overdue_rows: dict[str, list[bool]] | None = None) -> Workbook:
    """A workbook with one formatted sheet per table.

    Every sheet gets a styled, frozen header row, an autofilter and column widths that
    fit the content; datetime columns become real date cells; a 当前状态 column gets a
    drop-down of ``statuses``; rows flagged in ``overdue_rows`` are highlighted.

    Args:
        sheets: sheet name → table (already masked).
        statuses: the allowed follow-up statuses.
        overdue_rows: sheet name → one flag per row.

    Returns:
        The workbook (not yet saved).
    """
    book = Workbook()
    book.remove(book.active)
    for name, table in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(list(table.columns))
        for row in table.itertuples(index=False):
            sheet.append([cell_value(value) for value in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(vertical="center")
        sheet.freeze_panes = "A2"
        if len(table.columns):
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{max(1, len(table) + 1)}"
        for position, column in enumerate(table.columns, start=1):
            letter = get_column_letter(position)
            if pd.api.types.is_datetime64_any_dtype(table[column]) or column.endswith("时间"):
                for cell in sheet[letter][1:]:
                    cell.number_format = DATE_FORMAT
            texts = [str(column)] + [str(v) for v in table[column].head(200) if v is not None and not pd.isna(v)]
            width = max(_display_width(t) for t in texts)
            sheet.column_dimensions[letter].width = min(60, max(8, width + 2))
        if STATUS_COLUMN in table.columns and len(table):
            letter = get_column_letter(list(table.columns).index(STATUS_COLUMN) + 1)
            validation = DataValidation(type="list", formula1='"' + ",".join(statuses) + '"', allow_blank=False)
            validation.add(f"{letter}2:{letter}{len(table) + 1}")
            sheet.add_data_validation(validation)
        for row_number, flagged in enumerate((overdue_rows or {}).get(name, []), start=2):
            if flagged:
                for cell in sheet[row_number]:
                    cell.fill = OVERDUE_FILL
    return book


def cell_value(value: object) -> object:
    """A plain Python value for openpyxl or a database driver: timestamps as datetimes, missing as None."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
