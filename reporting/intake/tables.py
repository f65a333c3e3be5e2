"""The one reader of tabular inputs: records exports, services exports and the filled-in follow-up workbook.

Every value is read as text (the cleaners parse it), control characters are removed from
every cell, the header included (``hygiene.clean_text``), and a CSV cell our own writer
escaped against formula injection is unescaped. A file that is missing, of another type
or unreadable gets one line naming it (``kind`` says which input it is).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from reporting.errors import SourceError
from reporting.intake.hygiene import (
    clean_text,
    clean_text_column,
    clean_text_frame,
    is_arrow_text,
    may_hold_escaped_formulas,
    unescape_formula_frame,
)

SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".parquet")
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
HEAD_ROWS = 31  # what a header-only read keeps: enough rows to find a header below title rows
HEADER_BYTES = 1 << 18  # what a header-only read decodes of a CSV: the header and the rows around it
BINARY_CONTROL_SHARE = 0.3  # a text file's start with more control characters than this is binary


@dataclass(frozen=True)
class Sheets:
    """A file's tables as grids of text cells (header rows not yet found; None for an empty cell).

    Attributes:
        grids: sheet name → grid ("" for a CSV's or Parquet file's one table); a grid's
            index is the row's position in the file counted from 0, the header included —
            except a Parquet file's, whose header is its column names (``headers``) and
            whose rows are numbered from 1, its text kept in Arrow-backed strings.
        encoding: the text encoding detected (CSV only).
        controls_removed: sheet name → cells that lost a control character.
        rows_left_out: rows a Parquet row filter left unread.
        cleaned: control characters already removed (the Parquet reader does it on Arrow strings).
        headers: sheet name → its header, for a grid that does not hold it in its first row.
    """

    grids: dict[str, pd.DataFrame]
    encoding: str | None = None
    controls_removed: dict[str, int] | None = None
    rows_left_out: int = 0
    cleaned: bool = False
    headers: dict[str, list[str]] | None = None


def read_sheets(
    path: Path,
    kind: str,
    header_only: bool = False,
    sheet: str | None = None,
    parquet_columns: Callable[[list[str]], list[str]] | None = None,
    parquet_rows: Callable[[object], np.ndarray] | None = None,
) -> Sheets:
    """Read a CSV, XLSX or Parquet file as grids of text.

    Args:
        path: the file.
        kind: how messages name it (``数据文件``, ``服务记录文件``, ``工作簿``).
        header_only: keep only the first rows (a cheap pre-flight look at the header).
        sheet: an XLSX sheet to read (default: every sheet).
        parquet_columns: chooses which of a Parquet file's columns to read (default: all).
        parquet_rows: given the Parquet table, the positions of the rows to keep — a filter
            applied in Arrow before any value becomes Python text (default: all rows).

    Raises:
        SourceError: the file is missing, of an unsupported type, unreadable, or lacks ``sheet``.
    """
    if not path.is_file():
        raise SourceError(f"找不到{kind} {path}：请检查路径")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise SourceError(f"不支持的{kind}类型 {path}：请提供 CSV、XLSX 或 Parquet 文件")
    try:
        if suffix == ".csv":
            grid, encoding = _csv_grid(path, kind, header_only)
            sheets = Sheets({"": grid}, encoding)
        elif suffix == ".xlsx":
            sheets = Sheets(_xlsx_grids(path, kind, header_only, sheet))
        else:
            sheets = _parquet_grid(path, header_only, parquet_columns, parquet_rows)
    except SourceError:
        raise
    except Exception as error:  # every reader has its own exception types
        raise SourceError(f"无法读取{kind} {path}（{type(error).__name__}）：请确认文件完整且格式与扩展名一致") from None
    if sheets.cleaned:
        return sheets
    cleaned, removed = {}, {}
    for name, grid in sheets.grids.items():
        cleaned[name], removed[name] = clean_text_frame(grid)
    return Sheets(cleaned, sheets.encoding, removed, sheets.rows_left_out)


def with_header(grid: pd.DataFrame, header_row: int = 0) -> pd.DataFrame:
    """The rows below ``header_row`` with the header's cells as column names (blank names as "")."""
    headers = ["" if h is None or (not isinstance(h, str) and pd.isna(h)) else str(h).strip() for h in grid.iloc[header_row]]
    body = grid.iloc[header_row + 1 :].copy()
    body.columns = headers
    return body


def decode_csv(path: Path, kind: str = "数据文件", head_bytes: int | None = None) -> tuple[str, str]:
    """A CSV's text and the encoding it was in (UTF-8, UTF-8 with BOM or GB18030).

    Args:
        path: the file.
        kind: how messages name the file.
        head_bytes: decode only the file's first this many bytes (a pre-flight look at
            the header); a character cut at the end is left out.

    Raises:
        SourceError: none of them decodes it; ``kind`` names the file in the message.
    """
    with path.open("rb") as handle:
        data = handle.read(head_bytes) if head_bytes else handle.read()
    complete = head_bytes is None or len(data) < head_bytes
    for encoding in CSV_ENCODINGS:
        try:
            return codecs.getincrementaldecoder(encoding)().decode(data, final=complete), encoding
        except UnicodeDecodeError:
            continue
    raise SourceError(f"{kind} {path} 的编码无法识别（不是 UTF-8 或 GBK/GB18030）：请另存为 UTF-8 后重试")


def _csv_grid(path: Path, kind: str, header_only: bool) -> tuple[pd.DataFrame, str]:
    """Decode a CSV (UTF-8, UTF-8 with BOM or GB18030) into a grid of strings, header row included."""
    text, encoding = decode_csv(path, kind, head_bytes=HEADER_BYTES if header_only else None)
    if _looks_binary(text[:4096]):
        raise SourceError(f"{kind} {path} 不是文本 CSV：请确认文件格式与扩展名一致")
    lines = _csv_rows(text, HEAD_ROWS if header_only else None)
    width = max((len(line) for line in lines), default=0)
    grid = pd.DataFrame([line + [""] * (width - len(line)) for line in lines], dtype="object")
    return (unescape_formula_frame(grid) if may_hold_escaped_formulas(text) else grid), encoding


LONE_CR = re.compile(r"\r(?!\n)")


def _csv_rows(text: str, limit: int | None) -> list[list[str]]:
    """The CSV's rows (the first ``limit`` only, when given).

    A carriage return alone inside an unquoted field (a comment typed on an old system,
    written by a tool that quotes only fields with ``\n``) is a line break within the
    field, as it is in a quoted one: Python's reader refuses it, so such a text is read
    with each lone CR stood in for by a character the text does not hold, then put back.
    """

    def read(source: str) -> list[list[str]]:
        rows = csv.reader(io.StringIO(source))
        return list(itertools.islice(rows, limit) if limit is not None else rows)

    try:
        return read(text)
    except csv.Error:
        if not LONE_CR.search(text):
            raise
    stand_in = next(chr(code) for code in range(0xE000, 0xF900) if chr(code) not in text)
    return [[cell.replace(stand_in, "\r") for cell in row] for row in read(LONE_CR.sub(stand_in, text))]


def _looks_binary(sample: str) -> bool:
    """Whether text is mostly control characters (a binary file), not a CSV with stray ones.

    Real exports carry control bytes in comments (removed at intake), so only a file
    whose start is largely made of them is taken for a binary one.
    """
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    return bool(sample) and controls / len(sample) > BINARY_CONTROL_SHARE


def _xlsx_grids(path: Path, kind: str, header_only: bool, sheet: str | None) -> dict[str, pd.DataFrame]:
    """The workbook's sheets (or the one named) as text grids, row i being Excel's row i + 1; empty cells "".

    Read with calamine directly, column by column: numbers as their text (``5``, ``4.5``),
    dates and times as ``YYYY-MM-DD HH:MM:SS``, text as written — a cell holding ``NA`` or
    ``null`` is that text, as in a CSV (pandas' reader would make it a missing value).
    """
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    if sheet is not None and sheet not in book.sheet_names:
        raise SourceError(f"{kind} {path} 没有工作表 {sheet}：请用本系统导出的文件")
    grids = {}
    for name in [sheet] if sheet is not None else book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=HEAD_ROWS if header_only else None)
        width = max((len(row) for row in rows), default=0)
        padded = [row if len(row) == width else [*row, *([""] * (width - len(row)))] for row in rows]
        columns = {i: _cells_as_text(column) for i, column in enumerate(zip(*padded, strict=True))}
        grids[str(name)] = pd.DataFrame(columns, index=pd.RangeIndex(len(rows)), columns=range(width), dtype=object)
    return grids


def _cells_as_text(cells: tuple[object, ...]) -> list[object]:
    """One column of calamine's cell values as text (an empty cell is "", as in a CSV)."""
    kinds = set(map(type, cells))
    if kinds <= {str}:
        return list(cells)
    if bool in kinds:  # True == 1.0 as a key: no shared conversions
        return [_cell_text(cell) for cell in cells]
    texts = {cell: _cell_text(cell) for cell in set(cells)}  # scores and dates repeat: each distinct value once
    return [texts[cell] if cell in texts else _cell_text(cell) for cell in cells]  # (a NaN is not found: its own text)


def _cell_text(cell: object) -> str:
    """A cell's value as the text a person sees in it (whole numbers without ``.0``)."""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, datetime):
        return str(cell)
    if isinstance(cell, date):
        return str(datetime(cell.year, cell.month, cell.day))
    return str(cell)


def _parquet_grid(
    path: Path,
    header_only: bool,
    choose_columns: Callable[[list[str]], list[str]] | None,
    choose_rows: Callable[[object], np.ndarray] | None,
) -> Sheets:
    """A Parquet file as one grid whose first row is the header (its column names), rows numbered from 1."""
    import pyarrow.parquet as pq

    names = pq.read_schema(path).names
    if header_only:
        header = [clean_text(str(n))[0] for n in names]
        return Sheets({"": pd.DataFrame(columns=range(len(names)))}, cleaned=True, headers={"": header})
    wanted = (choose_columns(names) if choose_columns else names) or names
    table = pq.read_table(path, columns=wanted)
    positions = np.arange(table.num_rows)
    if choose_rows is not None:
        positions = choose_rows(table)
        table = table.take(positions)
    frame = table.to_pandas()
    values, removed = {}, 0
    for position, name in enumerate(frame.columns):
        # control characters are found on the Arrow strings (a vectorised scan); the text stays in Arrow
        text, count = clean_text_column(_as_text(frame[name]))
        removed += count
        values[position] = text.reset_index(drop=True)
    body = pd.DataFrame(values)
    body.index = positions + 1
    names = [clean_text(str(n)) for n in frame.columns]  # headers too may carry control characters
    removed += sum(dirty for _, dirty in names)
    left_out = pq.read_metadata(path).num_rows - len(positions)
    return Sheets({"": body}, controls_removed={"": removed}, rows_left_out=left_out, cleaned=True, headers={"": [n for n, _ in names]})


def _as_text(column: pd.Series) -> pd.Series:
    """A column's values as text: Arrow-backed strings kept as they are, integers cast column-wise, anything else ``str(value)``."""
    if is_arrow_text(column):
        return column
    present = column.notna()
    if pd.api.types.is_integer_dtype(column.dtype):
        return column.astype("str").where(present)
    if pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty"):
        return column.astype("object").where(present, None)
    return column.astype("object").where(present, None).map(lambda v: v if v is None else str(v))


def readable_names(names: list[str]) -> dict[str, str]:
    """Column name → the name with control characters removed (headers too may carry them)."""
    return {name: clean_text(name)[0] for name in names}
