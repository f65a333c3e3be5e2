"""The second-verification list (二次核实): responses to check again before they count.

Staff act on it, so every row carries the customer's number and masked name.
"""

from __future__ import annotations

import pandas as pd

from reporting.domain import NEGATIVE, POSITIVE
from reporting.intake.privacy import mask_name

OUTLIER_Z = 2.5
OUTLIER_MIN_GROUP = 10
VERIFY_COLUMNS = ["record_id", "customer_id", "customer_name", "service_type", "visitor", "overall_satisfaction", "text_negative", "reason"]


def second_verification(valid: pd.DataFrame, disagreements: pd.DataFrame) -> pd.DataFrame:
    """Responses to verify again, one row per record, with every reason that applies.

    Reasons: a rating its own words contradict (``learned.find_disagreements``, already
    capped and ranked, most doubtful first); a score of 1-2 with no comment; an overall
    score far (|z| ≥ 2.5) from the rest of the same agent's responses.

    Args:
        valid: the period's valid responses.
        disagreements: ``position`` (into ``valid``), ``label`` and ``text_negative`` per doubtful rating.

    Returns:
        ``VERIFY_COLUMNS`` (names masked): contradictions first, most doubtful first, then
        the others by record id.
    """
    reasons: dict[int, list[str]] = {}
    probability: dict[int, float] = {}
    for row in disagreements.itertuples(index=False):
        index = valid.index[int(row.position)]
        said = NEGATIVE if row.text_negative >= 0.5 else POSITIVE
        reasons.setdefault(index, []).append(f"评分与文字矛盾（评分{row.label}，文字{said}）")
        probability[index] = round(float(row.text_negative), 3)
    silent_low = (
        valid["overall_satisfaction"].le(2) & valid["comment"].fillna("").str.strip().eq("")
        if "comment" in valid
        else valid["overall_satisfaction"].le(2)
    )
    for index in valid.index[silent_low]:
        reasons.setdefault(index, []).append("低分（1-2 分）未说明原因")
    if "visitor" in valid:
        groups = valid.groupby("visitor")["overall_satisfaction"]
        size, mean, spread = groups.transform("size"), groups.transform("mean"), groups.transform("std")
        z = (valid["overall_satisfaction"] - mean) / spread.where(spread > 0)
        for index in valid.index[(size >= OUTLIER_MIN_GROUP) & z.abs().ge(OUTLIER_Z).fillna(False)]:
            reasons.setdefault(index, []).append("与同一回访人的其他评分差异很大")
    wanted = [c for c in VERIFY_COLUMNS if c in valid and c not in ("text_negative", "reason")]
    picked = valid.loc[list(reasons), wanted].to_dict("records")  # one lookup, not one per cell
    rows = [
        {
            **values,
            "text_negative": probability.get(index),
            "reason": REASON_SEPARATOR.join(found),
            "_rank": order if index in probability else None,
        }
        for order, (values, (index, found)) in enumerate(zip(picked, reasons.items(), strict=True))
    ]
    frame = pd.DataFrame(rows, columns=[*VERIFY_COLUMNS, "_rank"])
    if "customer_name" in frame:
        frame["customer_name"] = frame["customer_name"].map(mask_name)
    frame = frame.sort_values(["_rank", "record_id"], kind="stable", na_position="last")
    return frame.drop(columns="_rank").reset_index(drop=True)


REASON_SEPARATOR = "；"  # between a listed record's reasons


def reasons_by_record(verification: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """The 二次核实 list as record id → its reasons."""
    if verification.empty:
        return {}
    joined = zip(verification["record_id"], verification["reason"], strict=True)
    return {str(record): tuple(str(reasons).split(REASON_SEPARATOR)) for record, reasons in joined}


def reason_counts(verification: pd.DataFrame) -> dict[str, int]:
    """How many listed records give each reason, by reason."""
    counts: dict[str, int] = {}
    for reasons in reasons_by_record(verification).values():
        for reason in reasons:
            counts[reason] = counts.get(reason, 0) + 1
    return dict(sorted(counts.items()))
