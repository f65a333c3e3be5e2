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
from reporting.vocab import headers, label, labels

SHOWN_FIELDS = (
    "record_id", "customer_id", "customer_name", "service_type", "visitor", "channel", "overall_satisfaction", "nps",
    "comment", "problems", "theme", "sentiment",
)  # fmt: skip
OTHER_FEEDBACK = "其他"  # the feedback-type table's column for comments of no type
KINDS = ("all", "problem", "theme", "service", "channel", "agent", "band", "nps", "verify", "sentiment", "feedback", "tag")


def record_keys(model: ReportModel) -> list[list[str]]:
    """Per valid response (the record sheet's order), every ``kind:key`` it is counted under.

    ``all:`` (every valid response), ``problem:`` each problem type, ``theme:`` its discovered
    theme, ``service:``/``channel:``/``agent:`` its segments, ``band:`` its satisfaction band,
    ``nps:`` its NPS group, ``verify:`` (on the 二次核实 list) and ``verify:<reason>`` each of
    its reasons, ``sentiment:``, ``feedback:`` (其他 without a type) and ``tag:`` each customer tag.
    """
    sheet = model.record_sheet
    reasons = _verification_reasons(model.verification)
    bands = score_band(sheet["overall_satisfaction"]) if "overall_satisfaction" in sheet else pd.Series(None, index=sheet.index)
    groups = nps_group(sheet["nps"]) if "nps" in sheet else pd.Series(None, index=sheet.index)
    keys = []
    for position, row in enumerate(sheet.itertuples(index=False)):
        record = row._asdict()
        own = ["all:"]
        own += [f"problem:{name}" for name in _split(record.get("problems"))]
        own += _single("theme", record.get("theme"))
        own += _single("service", record.get("service_type")) + _single("channel", record.get("channel"))
        own += _single("agent", record.get("visitor"))
        own += _single("band", bands.iloc[position]) + _single("nps", groups.iloc[position])
        verified = reasons.get(str(record.get("record_id")), ())
        own += ["verify:", *(f"verify:{reason}" for reason in verified)] if verified else []
        own += _single("sentiment", record.get("sentiment")) + [f"feedback:{_text(record.get('feedback_type')) or OTHER_FEEDBACK}"]
        own += [f"tag:{name}" for name in _split(record.get("tags"))]
        keys.append(own)
    return keys


def drill_payload(model: ReportModel) -> dict[str, Any]:
    """What the page's record view reads: the columns (key, header), the records (masked values and keys), the kinds' names."""
    sheet = model.record_sheet
    fields = [f for f in SHOWN_FIELDS if f in sheet]
    names = headers("record")
    rows = [
        {"v": [_cell(record[f]) for f in fields], "k": keys}
        for record, keys in zip(sheet[fields].to_dict("records"), record_keys(model), strict=True)
    ]
    return {
        "columns": [{"key": f, "name": names.get(f, f), "numeric": f in ("overall_satisfaction", "nps")} for f in fields],
        "records": rows,
        "kinds": {kind: label(f"drill_kind_{kind}") for kind in KINDS},
        "text": {key: str(labels()[f"drill_{key}"]) for key in ("title", "count", "page", "empty")},  # the script fills {…}
    }


def band_counts(model: ReportModel) -> list[tuple[str, int]]:
    """How many valid responses fall in each satisfaction band (非常满意, 一般, 不满意), as the record view counts them."""
    bands = score_band(model.record_sheet["overall_satisfaction"]) if len(model.record_sheet) else pd.Series(dtype=object)
    return [(name, int(bands.eq(name).sum())) for name in reversed(SCORE_BANDS)]


def verification_reasons(model: ReportModel) -> list[tuple[str, int]]:
    """二次核实 reasons with how many listed records give each, most frequent first."""
    counts: dict[str, int] = {}
    for reasons in _verification_reasons(model.verification).values():
        for reason in reasons:
            counts[reason] = counts.get(reason, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def payload_json(payload: dict[str, Any]) -> str:
    """The payload as JSON safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` as such."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _verification_reasons(verification: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """二次核实: record id → its reasons (the list joins them with ；)."""
    if verification.empty:
        return {}
    return {str(r): tuple(str(reason).split("；")) for r, reason in zip(verification["record_id"], verification["reason"], strict=True)}


def _split(value: object) -> list[str]:
    return [part for part in str(value).split("、") if part] if isinstance(value, str) else []


def _single(kind: str, value: object) -> list[str]:
    text = _text(value)
    return [f"{kind}:{text}"] if text else []


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _cell(value: object) -> object:
    """A cell as JSON: None for missing, whole numbers as int, everything else as text."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int | float):
        return value
    return str(value)
