"""The follow-up workbook (workbook.xlsx): the seed's standard tables, formatted for people.

Sheets are streamed (openpyxl's write-only mode): each row is styled as it is appended,
so writing is linear in the rows. Every text cell is stored as text — a value such as
``=HYPERLINK(…)`` from a customer's comment is shown, never evaluated — and characters
a spreadsheet cannot hold are removed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

from reporting.intake.hygiene import clean_text, plain_value

HEADER_FILL = PatternFill("solid", fgColor="1D3F6E")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_ALIGNMENT = Alignment(vertical="center")
OVERDUE_FILL = PatternFill("solid", fgColor="F8D7DA")
DATE_FORMAT = "yyyy-mm-dd hh:mm"
STATUS_COLUMN = "当前状态"
WIDTH_SAMPLE = 200  # rows whose text sets a column's width
MAX_CELL_TEXT = 32767  # Excel's limit on the characters of one cell
# what a spreadsheet would read as a formula (or, in some programs, a DDE command)
_FORMULA_START = ("=", "+", "-", "@")


def build_workbook(sheets: dict[str, pd.DataFrame], statuses: list[str], overdue_rows: dict[str, list[bool]] | None = None) -> Workbook:
    """A workbook with one formatted sheet per table, written row by row.

    Every sheet gets a styled, frozen header row, an autofilter and column widths that
    fit the content (judged on the first rows); datetime columns become real date cells;
    a 当前状态 column gets a drop-down of ``statuses``; rows flagged in ``overdue_rows``
    are highlighted.

    Args:
        sheets: sheet name → table (already masked).
        statuses: the allowed follow-up statuses.
        overdue_rows: sheet name → one flag per row.

    Returns:
        The workbook, to be saved once.
    """
    book = Workbook(write_only=True)
    for name, table in sheets.items():
        _write_sheet(book.create_sheet(name), table, statuses, (overdue_rows or {}).get(name, []))
    return book


def _write_sheet(sheet: WriteOnlyWorksheet, table: pd.DataFrame, statuses: list[str], overdue: Sequence[bool]) -> None:
    """Lay out one sheet (widths, frozen header, filter, drop-down), then stream its rows."""
    columns = [str(c) for c in table.columns]
    for position, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = _column_width(column, table[column])
    sheet.freeze_panes = "A2"
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(table) + 1)}"
    if STATUS_COLUMN in columns and len(table):
        letter = get_column_letter(columns.index(STATUS_COLUMN) + 1)
        validation = DataValidation(type="list", formula1='"' + ",".join(statuses) + '"', allow_blank=False)
        validation.add(f"{letter}2:{letter}{len(table) + 1}")
        sheet.data_validations.append(validation)
    sheet.append([_header_cell(sheet, column) for column in columns])
    dated = [pd.api.types.is_datetime64_any_dtype(table[c]) or str(c).endswith("时间") for c in table.columns]
    for values, flagged in zip(_rows(table), _flags(overdue, len(table)), strict=True):
        sheet.append([_cell(sheet, value, date, flagged) for value, date in zip(values, dated, strict=True)])


def _rows(table: pd.DataFrame) -> Iterator[list[object]]:
    """The table's rows as plain Python values (timestamps as datetimes, missing as None)."""
    arrays = [_plain_values(table.iloc[:, i]) for i in range(table.shape[1])]
    for row in range(len(table)):
        yield [array[row] for array in arrays]


def _plain_values(column: pd.Series) -> np.ndarray:
    if pd.api.types.is_datetime64_any_dtype(column):
        return np.array([None if pd.isna(v) else v.to_pydatetime() for v in column], dtype=object)
    return np.array([plain_value(v) for v in column.to_numpy(dtype=object)], dtype=object)


def _flags(overdue: Sequence[bool], rows: int) -> list[bool]:
    return [bool(f) for f in list(overdue)[:rows]] + [False] * max(0, rows - len(overdue))


def _header_cell(sheet: WriteOnlyWorksheet, name: str) -> WriteOnlyCell:
    cell = _text_cell(sheet, name)
    cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
    return cell


def _cell(sheet: WriteOnlyWorksheet, value: object, date: bool, overdue: bool) -> object:
    """One data cell: a plain value where no style is needed, else a styled cell; text always as text."""
    if value is None and not overdue:
        return None
    if isinstance(value, str):
        text = sheet_text(value)
        if not (date or overdue or text.startswith(_FORMULA_START)):
            return text  # openpyxl stores it as a plain string
        cell = _text_cell(sheet, text)
    elif not (date or overdue):
        return value
    else:
        cell = WriteOnlyCell(sheet, value=value)
    if date:
        cell.number_format = DATE_FORMAT
    if overdue:
        cell.fill = OVERDUE_FILL
    return cell


def _text_cell(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    """A cell that holds ``text`` as a string, whatever it starts with.

    openpyxl stores any string starting with ``=`` as a formula; here the type is forced
    back to text, and a formula-like text also gets Excel's quote prefix so that editing
    the cell keeps it text.
    """
    safe = sheet_text(text)
    cell = WriteOnlyCell(sheet, value=safe)
    cell.data_type = "s"
    if safe.startswith(_FORMULA_START):
        cell.quotePrefix = True
    return cell


def sheet_text(text: str) -> str:
    """Text a spreadsheet can hold: no control characters, at most 32,767 characters."""
    return clean_text(text)[0][:MAX_CELL_TEXT]


def _column_width(name: object, values: pd.Series) -> float:
    texts = [str(name)] + [str(v) for v in values.head(WIDTH_SAMPLE) if v is not None and not pd.isna(v)]
    width = max(_display_width(t) for t in texts)
    return min(60, max(8, width + 2))


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
