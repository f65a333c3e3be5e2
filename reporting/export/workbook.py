"""The follow-up workbook (workbook.xlsx): the seed's standard tables, formatted for people.

Written with XlsxWriter in constant-memory mode: each row is styled as it is written, so
writing is linear in the rows and about three times faster than openpyxl. Every text
cell is written as text (``write_string``) — a value such as ``=HYPERLINK(…)`` from a
customer's comment is shown, never evaluated, and carries Excel's quote prefix so that
editing keeps it text — and characters a spreadsheet cannot hold are removed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from reporting.intake.hygiene import clean_text, plain_value

HEADER_COLOR = "#1D3F6E"
OVERDUE_COLOR = "#F8D7DA"
DATE_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0.0%"
WIDTH_SAMPLE = 200  # rows whose text sets a column's width
MAX_CELL_TEXT = 32767  # Excel's limit on the characters of one cell
# what a spreadsheet would read as a formula (or, in some programs, a DDE command)
_FORMULA_START = ("=", "+", "-", "@")
# a literal "_x0041_" in a text would be read by Excel as its escape of a character: its underscore is escaped
_EXCEL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
BODY_CHUNK = 5000  # rows joined into one write


def write_workbook_file(
    sheets: dict[str, pd.DataFrame],
    path: Path,
    overdue_rows: dict[str, list[bool]] | None = None,
    choices: dict[str, list[str]] | None = None,
    percent: frozenset[str] = frozenset(),
) -> Path:
    """Write a workbook with one formatted sheet per table, row by row.

    Every sheet gets a styled, frozen header row, an autofilter and column widths that
    fit the content (judged on the first rows); datetime columns become real date cells;
    a column named in ``choices`` gets a drop-down of its values, one named in ``percent``
    shows its fractions as percentages; rows flagged in ``overdue_rows`` are highlighted.

    Args:
        sheets: sheet name → table (already masked, with the headers people see).
        path: the .xlsx file to write.
        overdue_rows: sheet name → one flag per row.
        choices: column header → the values staff may pick (e.g. 当前状态 → the statuses).
        percent: column headers whose values are fractions (占比, 实际比例 …).

    Returns:
        The path written.
    """
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    styles = _Styles(book)
    for name, table in sheets.items():
        layout = _Layout(choices or {}, frozenset(percent))
        _write_sheet(book.add_worksheet(name), table, layout, (overdue_rows or {}).get(name, []), styles)
    book.close()
    return path


class _Styles:
    """The workbook's cell formats, one per combination used (XlsxWriter formats are shared objects)."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.header = book.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": HEADER_COLOR, "valign": "vcenter"})
        self._book = book
        self._cache: dict[tuple[str | None, bool, bool], Format | None] = {}

    def cell(self, number_format: str | None, overdue: bool, quoted: bool) -> Format | None:
        """The format of a cell with a number format (dates, percentages), in an overdue row, and/or text that looks like a formula."""
        key = (number_format, overdue, quoted)
        if key not in self._cache:
            spec: dict[str, object] = {}
            if number_format:
                spec["num_format"] = number_format
            if overdue:
                spec["bg_color"] = OVERDUE_COLOR
            if quoted:
                spec["quote_prefix"] = True
            self._cache[key] = self._book.add_format(spec) if spec else None
        return self._cache[key]

    def index(self, number_format: str | None, overdue: bool, quoted: bool) -> int:
        """The style number (``s=``) of ``cell``'s format in the workbook's styles; 0 for none."""
        found = self.cell(number_format, overdue, quoted)
        return found._get_xf_index() if found is not None else 0


@dataclass(frozen=True)
class _Layout:
    """Per-column choices of a workbook: drop-down values and percentage columns, by header."""

    choices: dict[str, list[str]]
    percent: frozenset[str]


def _write_sheet(sheet: Worksheet, table: pd.DataFrame, layout: _Layout, overdue: Sequence[bool], styles: _Styles) -> None:
    """Lay out one sheet (widths, frozen header, filter, drop-downs), write its header, then its body column by column."""
    columns = [str(c) for c in table.columns]
    for position, column in enumerate(table.columns):
        sheet.set_column(position, position, _column_width(column, table[column]))
    sheet.freeze_panes(1, 0)
    if columns:
        sheet.autofilter(0, 0, max(0, len(table)), len(columns) - 1)
    for position, column in enumerate(columns):
        if column in layout.choices and len(table):
            rule = {"validate": "list", "source": list(layout.choices[column]), "ignore_blank": False}
            sheet.data_validation(1, position, len(table), position, rule)
    for position, name in enumerate(columns):
        sheet.write_string(0, position, sheet_text(name), styles.header)
    if len(table) and columns:
        flags = np.array(_flags(overdue, len(table)), dtype=bool)
        cells = [
            _column_cells(table.iloc[:, i], _number_format(table.iloc[:, i], columns[i], layout.percent), flags, styles)
            for i in range(len(columns))
        ]
        _write_body(sheet, cells)


def _number_format(values: pd.Series, header: str, percent: frozenset[str]) -> str | None:
    """A column's number format: dates for date-times (and …时间 columns), percentages where asked."""
    if pd.api.types.is_datetime64_any_dtype(values) or header.endswith("时间"):
        return DATE_FORMAT
    return PERCENT_FORMAT if header in percent else None


def _write_body(sheet: Worksheet, cells: list[list[str | None]]) -> None:
    """Write the rows below the header as SpreadsheetML, straight into XlsxWriter's constant-memory row file.

    XlsxWriter has no bulk API: one ``write_*`` call per cell costs ~6 µs, 18 s for the 2.8M
    cells of the largest slice's workbook. Its constant-memory mode streams each finished
    row's XML into a temporary file that becomes the sheet's ``<sheetData>`` on ``close()``;
    the body's rows go into that file here, in the markup XlsxWriter writes itself
    (``<row r="2"><c r="A2" s="1" t="inlineStr"><is><t>…</t></is></c>…</row>``). Four of
    its internals are used: ``_write_single_row`` flushes the header row, ``_check_dimensions``
    records the sheet's extent, ``fh`` is the row file, ``Format._get_xf_index`` a style's
    number (the pinned XlsxWriter; the workbook tests read every kind of cell back).

    Args:
        sheet: a constant-memory worksheet whose header row (row 0) is written.
        cells: per column, per body row, the cell's markup after its reference (None: no cell).
    """
    rows, last_column = len(cells[0]), len(cells) - 1
    sheet._check_dimensions(rows, last_column)
    sheet._write_single_row(rows + 1)  # the header row goes out; the buffer then waits past the body
    letters = [xl_col_to_name(i) for i in range(len(cells))]
    for start in range(0, rows, BODY_CHUNK):
        numbers = [str(n) for n in range(start + 2, min(rows, start + BODY_CHUNK) + 2)]
        columns = [
            [
                f'<c r="{letter}{n}"{markup}' if markup is not None else ""
                for n, markup in zip(numbers, column[start : start + BODY_CHUNK], strict=True)
            ]
            for letter, column in zip(letters, cells, strict=True)
        ]
        sheet.fh.write("".join(f'<row r="{n}">{"".join(row)}</row>' for n, row in zip(numbers, zip(*columns, strict=True), strict=True)))


def _column_cells(values: pd.Series, number_format: str | None, overdue: np.ndarray, styles: _Styles) -> list[str | None]:
    """One column's cells as markup: text always as text, numbers as numbers, date-times as dates; overdue rows filled, blanks included.

    A plain column (dates, numbers, booleans) is converted as a whole; any other is converted
    value by value, each distinct value once.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        serials = _excel_serials(values)
        kinds = [None if np.isnan(s) else f"><v>{s:.16G}</v></c>" for s in serials]
        return _styled(kinds, overdue, DATE_FORMAT, styles)
    if pd.api.types.is_bool_dtype(values) and not values.isna().any():
        kinds = [f' t="b"><v>{int(v)}</v></c>' for v in values.to_numpy(dtype=bool)]
        return _styled(kinds, overdue, None, styles)
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        kinds = [f"><v>{v:.16G}</v></c>" if np.isfinite(v) else None for v in numbers]
        return _styled(kinds, overdue, number_format, styles)
    memo: dict[tuple[type, object, bool], str | None] = {}
    cells: list[str | None] = []
    for value, flagged in zip(values.to_numpy(dtype=object), overdue.tolist(), strict=True):
        try:
            key = (value.__class__, value, flagged)
            markup = memo[key] if key in memo else memo.setdefault(key, _cell_markup(value, number_format, flagged, styles))
        except TypeError:  # an unhashable value (a list …): no memo
            markup = _cell_markup(value, number_format, flagged, styles)
        cells.append(markup)
    return cells


def _styled(kinds: list[str | None], overdue: np.ndarray, number_format: str | None, styles: _Styles) -> list[str | None]:
    """Cells of a plain column with their style: the column's own, or with the overdue fill (a blank overdue cell is filled too)."""
    plain = _style_attr(styles.index(number_format, False, False)) if not overdue.all() else ""
    if not overdue.any():
        return [None if kind is None else plain + kind for kind in kinds]
    filled, blank = f' s="{styles.index(number_format, True, False)}"', f' s="{styles.index(None, True, False)}"/>'
    return [
        (blank if flagged else None) if kind is None else (filled if flagged else plain) + kind
        for kind, flagged in zip(kinds, overdue.tolist(), strict=True)
    ]


def _cell_markup(value: object, number_format: str | None, overdue: bool, styles: _Styles) -> str | None:
    """One value's cell markup after its reference, as ``_write_cell`` once wrote it through XlsxWriter's ``write_*``."""
    value = plain_value(value)
    if isinstance(value, str):
        value = sheet_text(value) or None  # a text of control characters only is an empty cell
    elif value is not None and not isinstance(value, bool | int | float | datetime | date):
        value = sheet_text(str(value)) or None
    if value is None:
        return f' s="{styles.index(None, True, False)}"/>' if overdue else None
    if isinstance(value, str):
        return _style_attr(styles.index(number_format, overdue, value.startswith(_FORMULA_START))) + _inline_string(value)
    if isinstance(value, bool):
        return _style_attr(styles.index(None, overdue, False)) + f' t="b"><v>{int(value)}</v></c>'
    if isinstance(value, datetime | date):
        serial = _excel_serial(value)
        return _style_attr(styles.index(DATE_FORMAT, overdue, False)) + f"><v>{serial:.16G}</v></c>"
    number = float(value)  # type: ignore[arg-type]
    if not np.isfinite(number):
        return f' s="{styles.index(None, True, False)}"/>' if overdue else None
    return _style_attr(styles.index(number_format, overdue, False)) + f"><v>{value:.16G}</v></c>"


def _style_attr(index: int) -> str:
    return f' s="{index}"' if index else ""


def _inline_string(text: str) -> str:
    """A text cell's markup after its style: escaped for XML and for Excel's own ``_xHHHH_`` escapes, whitespace kept."""
    if len(text) > MAX_CELL_TEXT // 2:  # Excel counts UTF-16 units: a character above U+FFFF is two
        text = text.encode("utf-16-le")[: 2 * MAX_CELL_TEXT].decode("utf-16-le", errors="ignore")
    text = _EXCEL_ESCAPE.sub(r"_x005F\1", text).replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f' t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _excel_serials(values: pd.Series) -> np.ndarray:
    """Date-times as Excel's serial days (1900 system, its phantom 1900-02-29 counted), NaN where missing."""
    days = (values.dt.tz_localize(None) if values.dt.tz is not None else values) - pd.Timestamp(1899, 12, 31)
    serials = days.to_numpy(dtype="timedelta64[ns]").astype("int64") / 86_400e9
    serials = np.where(values.isna().to_numpy(), np.nan, serials)
    return np.where(serials > 59, serials + 1, serials)


def _excel_serial(value: datetime | date) -> float:
    stamp = pd.Timestamp(value)
    return float(_excel_serials(pd.Series([stamp.tz_localize(None) if stamp.tzinfo else stamp]))[0])


def _flags(overdue: Sequence[bool], rows: int) -> list[bool]:
    return [bool(f) for f in list(overdue)[:rows]] + [False] * max(0, rows - len(overdue))


def sheet_text(text: str) -> str:
    """Text a spreadsheet can hold: no control characters, at most 32,767 characters."""
    return clean_text(text)[0][:MAX_CELL_TEXT]


def _column_width(name: object, values: pd.Series) -> float:
    texts = [str(name)] + [str(v) for v in values.head(WIDTH_SAMPLE) if v is not None and not pd.isna(v)]
    width = max(_display_width(t) for t in texts)
    return min(60, max(8, width + 2))


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
