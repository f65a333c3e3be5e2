"""Reading follow-up records from CSV, XLSX and Parquet files.

This is the only module that reads data. Headers are mapped to canonical field names
through the editable alias list in ``vocab/columns.yaml``.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from reporting.errors import SourceError
from reporting.vocab import column_aliases

REQUIRED_FIELDS = ("visit_at", "status", "service_type", "overall_satisfaction", "nps")
SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".parquet")
_BRACKET_SUFFIX = re.compile(r"[(\[（【].*?[)\]）】]\s*$")


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


def map_headers(headers: list[str]) -> dict[str, str]:
    """Map a file's headers to canonical field names.

    Args:
        headers: the headers as found in the file.

    Returns:
        ``{header in file: canonical field}`` for every header that is recognised; the
        first header wins when two map to the same field.
    """
    lookup = {normalise_header(alias).lower(): field for field, aliases in column_aliases().items() for alias in aliases}
    mapping: dict[str, str] = {}
    for header in headers:
        field = lookup.get(normalise_header(header).lower())
        if field and field not in mapping.values():
            mapping[header] = field
    return mapping


def check_source(path: Path) -> None:
    """Check a records file before a run: it exists, is readable and has the required columns.

    Only the header is read, so this is cheap even for large files.

    Args:
        path: a CSV, XLSX or Parquet file.

    Raises:
        SourceError: as for ``read_records``.
    """
    _require_columns(path, list(_read(path, header_only=True).columns))


def _read(path: Path, header_only: bool = False) -> pd.DataFrame:
    """Read a file as strings (only its header row when ``header_only``)."""
    if not path.exists():
        raise SourceError(f"找不到数据文件 {path}：请检查 source 参数的路径")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise SourceError(f"不支持的数据文件类型 {path}：请提供 CSV、XLSX 或 Parquet 文件")
    rows = 0 if header_only else None
    try:
        if suffix == ".csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", nrows=rows)
        if suffix == ".xlsx":
            return pd.read_excel(path, dtype=str, keep_default_na=False, nrows=rows)
        if header_only:
            import pyarrow.parquet as pq

            return pd.DataFrame(columns=pq.read_schema(path).names)
        return pd.read_parquet(path).astype(str)
    except UnicodeDecodeError:
        raise SourceError(f"数据文件 {path} 不是 UTF-8 编码：请另存为 UTF-8 后重试") from None
    except Exception as error:  # every reader has its own exception types
        raise SourceError(f"无法读取数据文件 {path}（{type(error).__name__}）：请确认文件完整且格式正确") from None


def _require_columns(path: Path, headers: list[str]) -> dict[str, str]:
    """Map the headers and fail naming any required field that is missing."""
    mapping = map_headers(headers)
    missing = [f for f in REQUIRED_FIELDS if f not in mapping.values()]
    if missing:
        wanted = "、".join(column_aliases()[f][0] for f in missing)
        found = "、".join(str(c) for c in headers[:12])
        raise SourceError(f"数据文件 {path} 缺少必需的列：{wanted}（找到的列：{found}）")
    return mapping


def read_records(path: Path) -> pd.DataFrame:
    """Read one records file and give its columns canonical names.

    Every value is read as text (cleaning parses it), so nothing is lost or guessed
    at this stage. Unrecognised columns are dropped.

    Args:
        path: a CSV (UTF-8), XLSX or Parquet file.

    Returns:
        A frame of strings with canonical column names, one row per data row.

    Raises:
        SourceError: the file is missing, of an unsupported type, unreadable, or lacks
            a required column.
    """
    raw = _read(path)
    mapping = _require_columns(path, list(raw.columns))
    records = raw.loc[:, list(mapping)].rename(columns=mapping)
    return records.replace({"": None, "nan": None, "None": None})
