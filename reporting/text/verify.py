"""The second-verification list (二次核实): responses to check again before they count."""

from __future__ import annotations

import pandas as pd

OUTLIER_Z = 2.5
OUTLIER_MIN_GROUP = 10
VERIFY_COLUMNS = ["record_id", "service_type", "visitor", "overall_satisfaction", "reason"]


def second_verification(valid: pd.DataFrame, contradiction: pd.Series) -> pd.DataFrame:
    """Responses to verify again, one row per record, with every reason that applies.

    Reasons: a score of 1-2 with no comment; a rating that contradicts its own comment;
    an overall score far (|z| ≥ 2.5) from the rest of the same agent's responses.

    Args:
        valid: the period's valid responses.
        contradiction: per record, whether rating and comment disagree.

    Returns:
        ``VERIFY_COLUMNS``, ordered by record id.
    """
    reasons: dict[int, list[str]] = {}
    silent_low = (
        valid["overall_satisfaction"].le(2) & valid["comment"].fillna("").str.strip().eq("")
        if "comment" in valid
        else valid["overall_satisfaction"].le(2)
    )
    for index in valid.index[silent_low]:
        reasons.setdefault(index, []).append("低分（1-2 分）未说明原因")
    for index in valid.index[contradiction.reindex(valid.index, fill_value=False)]:
        reasons.setdefault(index, []).append("评分与评论矛盾")
    if "visitor" in valid:
        groups = valid.groupby("visitor")["overall_satisfaction"]
        size, mean, spread = groups.transform("size"), groups.transform("mean"), groups.transform("std")
        z = (valid["overall_satisfaction"] - mean) / spread.where(spread > 0)
        for index in valid.index[(size >= OUTLIER_MIN_GROUP) & z.abs().ge(OUTLIER_Z).fillna(False)]:
            reasons.setdefault(index, []).append("与同一回访人的其他评分差异很大")
    picked = valid.loc[list(reasons), [c for c in VERIFY_COLUMNS[:-1] if c in valid]].to_dict("records")  # one lookup, not one per cell
    rows = [{**values, "reason": "；".join(found)} for values, found in zip(picked, reasons.values(), strict=True)]
    frame = pd.DataFrame(rows, columns=VERIFY_COLUMNS)
    return frame.sort_values("record_id", kind="stable").reset_index(drop=True)
