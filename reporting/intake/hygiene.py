"""Text hygiene: what real exports carry that no reader of a report should meet.

CRM exports and pasted chat text carry control bytes (backspace, NUL, ESC, vertical
tab …) and invisible bidirectional overrides. They are removed from every text value at
intake; tabs and line breaks are normalised (a tab becomes a space, CR LF and a lone CR
become LF). Writers use the same rules again to defend themselves against text that
reached them by another path.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# C0 and C1 controls except tab, LF and CR; DEL; bidi marks, embeddings, overrides and isolates
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# a terminal colour or cursor sequence (ESC [ … letter), pasted from a console: removed whole
_ANSI = re.compile("\x1b\\[[0-9;?]*[ -/]*[@-~]")
_LINE_BREAK = re.compile("\r\n?")
# what makes a string worth a closer look (one scan per value; most values have none)
_SUSPECT = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# the same but for LF, which needs nothing: values joined by LF are scanned at once
_NEEDS_CLEANING = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def is_arrow_text(values: pd.Series) -> bool:
    """Whether a column's text is Arrow-backed (pandas' ``str`` dtype, as read from Parquet) rather than Python objects."""
    return pd.api.types.is_string_dtype(values.dtype) and values.dtype != object


def clean_text(text: str) -> tuple[str, bool]:
    """One value without control characters, with tabs and line breaks normalised.

    Args:
        text: a text value as read.

    Returns:
        The cleaned text, and whether a control character was removed (normalising a
        tab or a line break does not count).

    Examples:
        >>> clean_text("\\x08好评\\r\\n谢谢\\t!")
        ('好评\\n谢谢 !', True)
    """
    if not _SUSPECT.search(text):
        return text, False
    without_ansi, sequences = _ANSI.subn("", text)
    removed, count = _CONTROL.subn("", without_ansi)
    count += sequences
    return _LINE_BREAK.sub("\n", removed).replace("\t", " "), count > 0


def clean_text_column(values: pd.Series) -> tuple[pd.Series, int]:
    """Clean every text value of a column; other values pass unchanged.

    Each distinct text is cleaned once (exports repeat values many times).

    Args:
        values: a column as read (object or string dtype).

    Returns:
        The cleaned column (same index and dtype), and how many of its cells lost a
        control character.
    """
    if not _needs_cleaning(values):
        return values, 0
    array = values.to_numpy(dtype=object)
    codes, distinct = pd.factorize(array)
    if not len(distinct):
        return values, 0
    cleaned = [clean_text(v) if isinstance(v, str) else (v, False) for v in distinct]
    if not any(new is not old for (new, _), old in zip(cleaned, distinct, strict=True)):
        return values, 0
    new_values = np.array([new for new, _ in cleaned] + [None], dtype=object)
    dirty = np.array([flag for _, flag in cleaned] + [False], dtype=bool)
    # factorize gives missing values the code -1: the last entry, None
    result = pd.Series(new_values[codes], index=values.index, name=values.name, dtype=object)
    return result.astype(values.dtype) if values.dtype != object else result, int(dirty[codes].sum())


def _needs_cleaning(values: pd.Series) -> bool:
    """One scan of a whole column (almost every column needs nothing)."""
    if is_arrow_text(values):  # a vectorised regex
        return bool(values.str.contains(_NEEDS_CLEANING.pattern, regex=True, na=False).any())
    array = values.to_numpy(dtype=object)
    try:
        joined = "\n".join(array)
    except TypeError:  # missing values or numbers among the texts
        joined = "\n".join(v for v in array if isinstance(v, str))
    return _NEEDS_CLEANING.search(joined) is not None


def clean_text_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Clean every text column of a frame.

    Args:
        frame: values as read (not modified).

    Returns:
        The frame itself when nothing needed cleaning, else a cleaned copy; and how many
        cells lost a control character.
    """
    changed: dict[int, pd.Series] = {}
    total = 0
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            cleaned, count = clean_text_column(column)
            total += count
            if cleaned is not column:
                changed[position] = cleaned
    if not changed:
        return frame, total
    result = frame.copy()
    for position, column in changed.items():
        result.isetitem(position, column)
    return result, total


# OWASP "CSV injection": a cell starting with one of these is a formula to Excel / WPS.
# Leading apostrophes before one of them are escaped too, so that reading back is exact.
_FORMULA_START = re.compile(r"^'*[=+\-@\t\r]")
_ESCAPED_FORMULA = re.compile(r"^'+[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def escape_formula(value: object) -> object:
    """A CSV cell that Excel / WPS will show as text, never evaluate (OWASP: prefix ``'``).

    Plain numbers (``-5``, ``+3.2``) are left alone: a spreadsheet reads them as numbers.

    Examples:
        >>> escape_formula('=HYPERLINK("http://x")'), escape_formula("-5"), escape_formula("好")
        ('\\'=HYPERLINK("http://x")', '-5', '好')
    """
    if isinstance(value, str) and _FORMULA_START.match(value) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def unescape_formula(text: str) -> str:
    """The original value of a cell written by ``escape_formula`` (other text unchanged)."""
    return text[1:] if _ESCAPED_FORMULA.match(text) else text


def escape_formula_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table whose text cells are all formula-safe for a CSV (``escape_formula``)."""
    escaped = frame.copy()
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            values = [escape_formula(v) for v in column.to_numpy(dtype=object)]
            escaped.isetitem(position, pd.Series(values, index=frame.index, dtype=object))
    return escaped


_ESCAPED_CELL_IN_CSV = re.compile(r"(?:^|[,\n])\"?'+[=+\-@\t\r]")


def may_hold_escaped_formulas(csv_text: str) -> bool:
    """Whether a CSV's text may hold a cell that ``escape_formula`` escaped (one cheap scan)."""
    return _ESCAPED_CELL_IN_CSV.search(csv_text) is not None


def unescape_formula_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A CSV grid read back: cells that ``escape_formula`` escaped get their original value."""
    restored = frame.copy()
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        values = column.to_numpy(dtype=object)
        if any(isinstance(v, str) and v.startswith("'") for v in values):
            restored.isetitem(
                position, pd.Series([unescape_formula(v) if isinstance(v, str) else v for v in values], index=frame.index, dtype=object)
            )
    return restored


def plain_value(value: object) -> object:
    """A plain Python value for a spreadsheet writer or a database driver.

    Timestamps become datetimes, NumPy scalars Python numbers, missing values None.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value
