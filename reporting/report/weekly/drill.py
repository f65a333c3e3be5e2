"""追溯: the period's valid responses embedded in report.html, masked as in the workbook, each with the keys it is counted under.

Every count a reader may question carries ``data-drill="<kind>:<key>"`` (``problem:响应速度``,
``service:售后维修`` …); the page's record view shows the records whose keys hold it. The
records come from the workbook's 客户回访记录表 (names and personal data in comments
masked, the phone left out), so the page shows nothing the workbook does not.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from reporting.report.weekly.model import ReportModel
from reporting.text.classify import SCORE_BANDS, nps_group, score_band
from reporting.text.verify import reason_counts, reasons_by_record
from reporting.vocab import headers, label, labels

SHOWN_FIELDS = (
    "record_id", "customer_id", "customer_name", "service_type", "visitor", "channel", "overall_satisfaction", "nps",
    "comment", "problems", "theme", "sentiment",
)  # fmt: skip
SEP = "\n"  # between the keys of a record
OTHER_FEEDBACK = "其他"  # the feedback-type table's column for comments of no type
KINDS = ("all", "problem", "theme", "service", "channel", "agent", "band", "nps", "verify", "sentiment", "feedback", "tag")


def record_keys(model: ReportModel) -> list[str]:
    """Per valid response (the record sheet's order), every ``kind:key`` it is counted under, each between newlines.

    ``all:`` (every valid response), ``problem:`` each problem type, ``theme:`` its discovered
    theme, ``service:``/``channel:``/``agent:`` its segments, ``band:`` its satisfaction band,
    ``nps:`` its NPS group, ``verify:`` (on the 二次核实 list) and ``verify:<reason>`` each of
    its reasons, ``sentiment:``, ``feedback:`` (其他 without a type) and ``tag:`` each customer
    tag — as one text, ``"\nall:\nproblem:响应速度\n…\n"``, so the page's script finds a key
    by looking for ``"\n" + key + "\n"`` (and the JSON stays small).
    """
    sheet = model.record_sheet
    if sheet.empty:
        return []

    def column(name: str) -> pd.Series:
        values = sheet[name] if name in sheet else pd.Series(None, index=sheet.index, dtype=object)
        return values.astype(object).where(values.notna(), "").astype(str)

    def keys(kind: str, values: pd.Series, joined: str = "") -> pd.Series:
        """``\nkind:value`` (a value holding several names joined by ``joined`` gives one key each), "" when empty."""
        listed = values.str.replace(joined, f"{SEP}{kind}:", regex=False) if joined else values
        return (f"{SEP}{kind}:" + listed).where(values.ne(""), "")

    reasons = {record: "".join(f"{SEP}verify:{r}" for r in ("", *found)) for record, found in reasons_by_record(model.verification).items()}
    feedback = column("feedback_type").replace("", OTHER_FEEDBACK)
    parts = [
        keys("problem", column("problems"), "、"),
        keys("theme", column("theme")),
        keys("service", column("service_type")),
        keys("channel", column("channel")),
        keys("agent", column("visitor")),
        keys("band", _banded(sheet, "overall_satisfaction", score_band)),
        keys("nps", _banded(sheet, "nps", nps_group)),
        column("record_id").map(reasons).fillna(""),
        keys("sentiment", column("sentiment")),
        keys("feedback", feedback),
        keys("tag", column("tags"), "、"),
    ]
    joined = pd.Series(f"{SEP}all:", index=sheet.index, dtype=object)
    for part in parts:
        joined = joined + part
    return (joined + SEP).tolist()


def _banded(sheet: pd.DataFrame, field: str, bands) -> pd.Series:  # noqa: ANN001 - score_band or nps_group
    """A score's band or group as text ("" when unanswered)."""
    if field not in sheet:
        return pd.Series("", index=sheet.index, dtype=object)
    banded = bands(sheet[field].astype(float))
    return banded.where(banded.notna(), "").astype(str)


def drill_payload(model: ReportModel) -> dict[str, Any]:
    """What the page's record view reads: the columns (key, header), the records (masked values and keys), the kinds' names."""
    sheet = model.record_sheet
    fields = [f for f in SHOWN_FIELDS if f in sheet]
    names = headers("record")
    values = zip(*(_cells(sheet[f]) for f in fields), strict=True) if fields else iter(())
    rows = [{"v": list(row), "k": keys} for row, keys in zip(values, record_keys(model), strict=True)]
    return {
        "columns": [{"key": f, "name": names.get(f, f), "numeric": f in ("overall_satisfaction", "nps")} for f in fields],
        "records": rows,
        "kinds": {kind: label(f"drill_kind_{kind}") for kind in KINDS},
        "text": {key: str(labels()[f"drill_{key}"]) for key in ("title", "count", "page", "empty")},  # the script fills {…}
    }


def band_counts(model: ReportModel) -> list[tuple[str, str, int]]:
    """Per satisfaction band (非常满意, 一般, 不满意): its name, the name with its scores, how many valid responses fall in it."""
    bands = score_band(model.record_sheet["overall_satisfaction"]) if len(model.record_sheet) else pd.Series(dtype=object)
    shown = labels()["band_names"]
    return [(name, str(shown[name]), int(bands.eq(name).sum())) for name in reversed(SCORE_BANDS)]


def verification_reasons(model: ReportModel) -> list[tuple[str, int]]:
    """二次核实 reasons with how many listed records give each, most frequent first."""
    return sorted(reason_counts(model.verification).items(), key=lambda item: (-item[1], item[0]))


def payload_json(payload: dict[str, Any]) -> str:
    """The payload as JSON safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` as such."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _cells(values: pd.Series) -> list[object]:
    """A column as JSON cells: None for missing, whole numbers as int, other numbers as they are, the rest as text."""
    if pd.api.types.is_numeric_dtype(values):
        return [None if v != v else (int(v) if float(v).is_integer() else v) for v in values.tolist()]
    return [None if v is None or (isinstance(v, float) and v != v) else str(v) for v in values.tolist()]
