"""Parsing the values an export writes: timestamps, numbers and enumerated answers.

Each parser takes a Series of text as read and returns typed values (NaT, NaN or None where
a value does not parse), working once per distinct text where values repeat.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd

from reporting.intake.hygiene import is_arrow_text
from reporting.vocab import normalise_token, value_synonyms

_DATE_PARTS = re.compile(r"^\s*(\d{4})\D{1,2}(\d{1,2})\D{1,2}(\d{1,2})\D{0,2}(?:\s*(\d{1,2})[:：](\d{1,2}))?")
_EXCEL_SERIAL = re.compile(r"^\s*(\d{5})(\.\d+)?\s*$")
# the form almost every export uses; parsed in one vectorised call, everything else value by value
_CANONICAL_MINUTE = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"
_CANONICAL_FORMAT = "%Y-%m-%d %H:%M"


def per_distinct(values: pd.Series, parse: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Parse text values once per distinct value and spread the results back.

    Exports repeat the same dates, scores and answers thousands of times; parsing each
    distinct text once keeps cleaning fast. Values that are not all text are parsed as
    they are (numbers that compare equal, such as 1 and 1.0, must not share a result).

    Args:
        values: the values as read (text or missing).
        parse: an elementwise parser of a whole Series.

    Returns:
        ``parse(values)``, computed on the distinct values.
    """
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        return parse(values)
    codes, distinct = pd.factorize(values)  # Arrow text is dictionary-encoded without becoming Python objects
    # the last entry parses a missing value: factorize marks missing values with code -1
    parsed = parse(pd.Series(np.append(np.asarray(distinct, dtype=object), None), dtype="object", name=values.name))
    return pd.Series(parsed.to_numpy()[codes], index=values.index, name=parsed.name)


def parse_datetimes(values: pd.Series) -> pd.Series:
    """Parse timestamps written as ``2026-11-17 09:05``, ``2026/11/17 9:05``, ``2026年11月17日 09:05`` or Excel serials.

    Args:
        values: strings (or None).

    Returns:
        ``datetime64`` values at minute precision; NaT where a value does not parse.
    """
    if is_arrow_text(values):
        return _parse_datetimes(values)  # Arrow text (Parquet): vectorised over the column, timestamps rarely repeat
    return per_distinct(values, _parse_datetimes)


def _parse_datetimes(values: pd.Series) -> pd.Series:
    text = values.astype("string")
    canonical = text.str.fullmatch(_CANONICAL_MINUTE).fillna(False).astype(bool)
    fast = pd.to_datetime(text.where(canonical), format=_CANONICAL_FORMAT, errors="coerce").astype("datetime64[ns]").rename(None)
    rest = fast.isna() & text.notna().to_numpy(dtype=bool)
    if not rest.any():
        return fast
    return fast.where(~rest, _parse_any_datetimes(values[rest])).astype("datetime64[ns]")


def _parse_any_datetimes(values: pd.Series) -> pd.Series:
    text = values.astype("string").map(lambda v: unicodedata.normalize("NFKC", v) if isinstance(v, str) else v)
    parts = text.str.extract(_DATE_PARTS).astype("Float64")
    parts.columns = ["year", "month", "day", "hour", "minute"]
    parts = parts.fillna({"hour": 0, "minute": 0})
    parsed = pd.to_datetime(parts, errors="coerce").astype("datetime64[ns]")
    serial = pd.to_numeric(text.where(text.str.match(_EXCEL_SERIAL, na=False)), errors="coerce")
    from_serial = pd.to_datetime(serial, unit="D", origin="1899-12-30", errors="coerce").astype("datetime64[ns]")
    return parsed.fillna(from_serial).dt.round("min")


def parse_numbers(values: pd.Series) -> pd.Series:
    """Parse numbers, accepting full-width digits; NaN where a value is not a number."""
    return per_distinct(values, _parse_numbers)


def _parse_numbers(values: pd.Series) -> pd.Series:
    text = values.astype("string").map(lambda v: unicodedata.normalize("NFKC", v).strip() if isinstance(v, str) else v)
    return pd.to_numeric(text, errors="coerce").astype("float64")


def normalise_choice(values: pd.Series, kind: str, keep_unknown: bool = False) -> pd.Series:
    """Map free spellings of an enumerated answer onto its canonical value.

    Args:
        values: the answers as written.
        kind: the synonym list in ``vocab/synonyms.yaml``.
        keep_unknown: keep an unrecognised value as written (else it becomes None).

    Returns:
        The canonical values.
    """
    synonyms = value_synonyms(kind)

    def one(value: object) -> str | None:
        if not isinstance(value, str) or not value.strip():
            return None
        return synonyms.get(normalise_token(value), value.strip() if keep_unknown else None)

    # once per distinct answer; a text never equals a non-text, and every non-text gives None
    codes, distinct = pd.factorize(values if values.dtype != object else values.to_numpy(dtype=object))
    answers = np.array([one(value) for value in distinct] + [None], dtype=object)
    return pd.Series(answers[codes], index=values.index, dtype="object")
