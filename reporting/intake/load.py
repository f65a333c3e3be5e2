"""Reading follow-up records from CSV, XLSX and Parquet files.

This is the only module that reads records files. Headers are mapped to canonical
field names through the editable alias list in ``vocab/columns.yaml``; the header row
may sit below title rows (XLSX and CSV), CSVs may be UTF-8 (with or without BOM) or
GB18030/GBK, and an XLSX workbook is searched for the sheet that holds the records.
"""

from __future__ import annotations

import glob
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from reporting.config import PROJ_ROOT, resolve_path
from reporting.errors import SourceError
from reporting.intake.tables import Sheets, read_sheets, readable_names
from reporting.vocab import column_aliases

REQUIRED_FIELDS = ("visit_at", "status", "service_type", "overall_satisfaction", "nps")
HEADER_SEARCH_ROWS = 30
MIN_HEADER_FIELDS = 3
BLANK_TEXTS = ("", "nan", "None", "NaT")  # what empty cells read as text look like
_BRACKET_SUFFIX = re.compile(r"[(\[（【].*?[)\]）】]\s*$")
_GLOB_CHARS = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class RecordsFile:
    """One file's records as read, before cleaning.

    Attributes:
        path: the file.
        records: canonical-named string columns plus ``source_row``, the row number
            as a spreadsheet or text editor shows it.
        encoding: the text encoding detected (CSV only).
        sheet: the sheet the records came from (XLSX only).
        controls_removed: cells that lost a control character (``hygiene.clean_text``).
        outside_window: rows left unread because their visit time lies outside the window
            the report needs (``read_records(window=…)``).
    """

    path: Path
    records: pd.DataFrame
    encoding: str | None = None
    sheet: str | None = None
    controls_removed: int = 0
    outside_window: int = 0


def normalise_header(header: object) -> str:
    """Normalise a column header for alias lookup.

    Full-width characters become half-width, surrounding spaces go, and a trailing
    bracketed note such as ``(0-10)`` or ``（1-5分）`` is dropped.

    Args:
        header: the header as found in the file.

    Returns:
        The normalised header.
    """
    text = unicodedata.normalize("NFKC", str(header)).strip()
    return _BRACKET_SUFFIX.sub("", text).strip()


def map_headers(headers: list[str], aliases: dict[str, list[str]] | None = None) -> dict[str, str]:
    """Map a file's headers to canonical field names.

    Args:
        headers: the headers as found in the file.
        aliases: field → the headers exports use for it (default: the records' ``vocab/columns.yaml``).

    Returns:
        ``{header in file: canonical field}`` for every header that is recognised; the
        first header wins when two map to the same field.
    """
    known = column_aliases() if aliases is None else aliases
    lookup = {normalise_header(alias).lower(): field for field, names in known.items() for alias in names}
    mapping: dict[str, str] = {}
    for header in headers:
        field = lookup.get(normalise_header(header).lower())
        if field and field not in mapping.values():
            mapping[header] = field
    return mapping


def expand_sources(spec: str) -> list[Path]:
    """Turn a ``source`` value into files: one path, a glob, or several separated by commas.

    Relative paths are tried from the working folder first, then from the project root.

    Args:
        spec: e.g. ``exports/2026-11.xlsx`` or ``exports/*.csv,extra.csv``.

    Returns:
        The files, in the order given (a glob's matches sorted by name).

    Raises:
        SourceError: a path does not exist or a glob matches nothing.
    """
    parts = [spec] if Path(spec).expanduser().exists() else [p.strip() for p in spec.split(",") if p.strip()]
    files: list[Path] = []
    for part in parts:
        path = Path(part).expanduser()
        if _GLOB_CHARS.search(part):
            matches = sorted(glob.glob(str(path))) or sorted(glob.glob(str(PROJ_ROOT / path)))
            if not matches:
                raise SourceError(f"没有文件匹配 {part}：请检查 source 参数中的路径或通配符")
            files.extend(Path(m).resolve() for m in matches if Path(m).is_file())
            continue
        if not resolve_path(path).is_file():
            raise SourceError(f"找不到数据文件 {part}：请检查 source 参数的路径")
        files.append(resolve_path(path))
    return files


def check_source(path: Path) -> None:
    """Check a records file before a run: readable, with a header holding the required columns.

    Args:
        path: a CSV, XLSX or Parquet file.

    Raises:
        SourceError: as for ``read_records``.
    """
    read_records(path, header_only=True)


def read_records(path: Path, header_only: bool = False, window: tuple[date, date] | None = None) -> RecordsFile:
    """Read one records file and give its columns canonical names.

    Every value is read as text (cleaning parses it), so nothing is lost or guessed at
    this stage; control characters are removed from every cell, the header included
    (``hygiene.clean_text``). Unrecognised columns and fully empty rows are dropped.

    Args:
        path: a CSV, XLSX or Parquet file.
        header_only: stop after finding the header (cheap pre-flight check).
        window: read only the rows visited from the first to the last day (inclusive) of
            this window — a report needs its period and the trend before it. A Parquet
            file is filtered in Arrow before any value becomes Python text; other files
            after reading. Rows whose visit time is missing or not written ``YYYY-MM-DD…``
            are always kept (cleaning judges them); the others are counted in
            ``outside_window``.

    Returns:
        The records with their row numbers, and where they were found.

    Raises:
        SourceError: the file is missing, of an unsupported type, unreadable, has no
            recognisable header, or lacks a required column.
    """
    suffix = path.suffix.lower()
    sheets = read_sheets(
        path,
        "数据文件",
        header_only,
        parquet_columns=_record_columns,
        parquet_rows=(lambda table: _rows_in_window(table, window)) if window is not None else None,
    )
    sheet, grid, header_row = _records_sheet(path, sheets)
    given = (sheets.headers or {}).get(sheet or "")
    headers = given if given is not None else ["" if pd.isna(h) else str(h) for h in grid.iloc[header_row]]
    mapping = _require_columns(path, headers)
    body = grid if given is not None else grid.iloc[header_row + 1 :]
    columns = {field: body.iloc[:, headers.index(header)] for header, field in mapping.items()}
    records, filled = _blank_to_none(pd.DataFrame(columns, index=body.index))
    # grid row i is spreadsheet row / text line i + 1; a Parquet file's records count from 1
    records["source_row"] = body.index.to_numpy() + (0 if suffix == ".parquet" else 1)
    records = records.loc[filled]
    outside = sheets.rows_left_out
    if window is not None and suffix != ".parquet":
        inside = window_mask(records["visit_at"], window)
        outside, records = int((~inside).sum()), records.loc[inside]
    removed = (sheets.controls_removed or {}).get(sheet or "", 0)
    return RecordsFile(path, records.reset_index(drop=True), sheets.encoding, sheet, removed, outside)


def _records_sheet(path: Path, sheets: Sheets) -> tuple[str | None, pd.DataFrame, int]:
    """The sheet whose header maps the most record fields, and its header row (a CSV's or Parquet file's one table)."""
    best: tuple[int, str, int] | None = None
    for name, grid in sheets.grids.items():
        given = (sheets.headers or {}).get(name)
        row, score = (-1, len(map_headers([h for h in given if h]))) if given is not None else _best_header_row(grid)
        if best is None or score > best[0]:
            best = (score, name, row)
    if best is None or best[0] < MIN_HEADER_FIELDS:
        where = "的工作表中" if path.suffix.lower() == ".xlsx" else "中"
        raise SourceError(f"在 {path} {where}找不到可识别的表头：请确认表头包含 回访时间、回访状态、服务类型、整体满意度、推荐意愿 等列")
    return best[1] or None, sheets.grids[best[1]], best[2]


def _record_columns(names: list[str]) -> list[str]:
    """The Parquet columns that map to a record field (only those are read)."""
    readable = readable_names(names)
    mapping = map_headers(list(readable.values()))
    return [name for name in names if readable[name] in mapping]


def _rows_in_window(table: object, window: tuple[date, date]) -> np.ndarray:
    """Positions of a Parquet table's rows visited within the window (all rows when it has no visit column)."""
    names = list(table.column_names)  # type: ignore[attr-defined]
    readable = readable_names(names)
    mapping = map_headers(list(readable.values()))
    visit = next((name for name in names if mapping.get(readable[name]) == "visit_at"), None)
    if visit is None:
        return np.arange(table.num_rows)  # type: ignore[attr-defined]
    return np.flatnonzero(window_mask(table.column(visit), window))  # type: ignore[attr-defined]


def window_mask(values: object, window: tuple[date, date]) -> np.ndarray:
    """Which visit times may fall in the window: those in it, and every one not written ``YYYY-MM-DD…`` or missing.

    Args:
        values: visit times as read (a pandas column or an Arrow array: text or timestamps).
        window: first and last day, inclusive.

    Returns:
        One boolean per value.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    first, last = window
    try:
        array = values if isinstance(values, pa.Array | pa.ChunkedArray) else pa.array(values.to_numpy(dtype=object), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed kinds of values: keep them all, cleaning judges them
        return np.ones(len(values), dtype=bool)
    if pa.types.is_timestamp(array.type) or pa.types.is_date(array.type):
        low = pa.scalar(datetime.combine(first, time.min), type=pa.timestamp("us"))
        high = pa.scalar(datetime.combine(last + timedelta(days=1), time.min), type=pa.timestamp("us"))
        stamps = pc.cast(array, pa.timestamp("us"))
        keep = pc.and_(pc.greater_equal(stamps, low), pc.less(stamps, high))
    elif pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        iso = pc.match_substring_regex(array, r"^\d{4}-\d{2}-\d{2}")
        inside = pc.and_(pc.greater_equal(array, first.isoformat()), pc.less(array, (last + timedelta(days=1)).isoformat()))
        keep = pc.or_kleene(inside, pc.invert(iso))
    else:  # numbers (Excel serials) or nothing at all: cleaning judges them
        return np.ones(len(array), dtype=bool)
    return np.asarray(pc.fill_null(keep, True).to_numpy(zero_copy_only=False), dtype=bool)


def _blank_to_none(records: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Missing values and the texts that stand for them (``BLANK_TEXTS``) become missing (None, or NA in Arrow text).

    Args:
        records: text columns as read (object, or Arrow-backed strings from Parquet).

    Returns:
        The records, and whether each row holds any value at all.
    """
    blanks = {name: records[name].isna() | records[name].isin(BLANK_TEXTS) for name in records.columns}
    cleaned = pd.DataFrame({name: records[name].where(~blank, None) for name, blank in blanks.items()}, index=records.index)
    filled = ~pd.DataFrame(blanks, index=records.index).all(axis=1)
    return cleaned, filled


def _best_header_row(grid: pd.DataFrame) -> tuple[int, int]:
    """The row (among the first ones) that maps the most canonical fields, and how many."""
    best_row, best_score = 0, -1
    for row in range(min(HEADER_SEARCH_ROWS, len(grid))):
        cells = [str(v) for v in grid.iloc[row] if isinstance(v, str) and v.strip()]
        score = len(map_headers(cells))
        if score > best_score:
            best_row, best_score = row, score
    return best_row, best_score


def _require_columns(path: Path, headers: list[str]) -> dict[str, str]:
    """Map the headers and fail naming any required field that is missing."""
    mapping = map_headers([h for h in headers if h])
    missing = [f for f in REQUIRED_FIELDS if f not in mapping.values()]
    if missing:
        wanted = "、".join(column_aliases()[f][0] for f in missing)
        named = [h for h in headers if h]
        found = "、".join(named[:12]) + (f" 等 {len(named)} 列" if len(named) > 12 else "")
        raise SourceError(f"数据文件 {path} 缺少必需的列：{wanted}（找到的列：{found}）")
    return mapping


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
