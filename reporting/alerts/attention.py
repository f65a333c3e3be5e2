"""Responses that need someone today: a key customer who is dissatisfied, or a comment threatening to escalate outside.

Found in the report's kernel (the records are there) by the ``response`` rules, and carried
in metrics.json as ``attention`` — customer id, masked quote, no name, no phone — for the
alert evaluation to turn into alerts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from reporting.alerts.rules import AlertRule
from reporting.intake.privacy import mask_text
from reporting.text.quotes import trim_quote

QUOTE_CHARS = 60


@dataclass(frozen=True)
class AttentionItem:
    """One response a ``response`` rule picked.

    Attributes:
        rule: the rule's name.
        reason: ``words`` (the comment names an outside escalation) or ``key_customer``.
        record_id: the follow-up record.
        customer_id: 客户编号 (never the name or the phone).
        customer_type: e.g. VIP客户.
        overall_satisfaction: the score given, None when not answered.
        words: the escalation words found.
        quote: the comment, masked and shortened.
    """

    rule: str
    reason: str
    record_id: str
    customer_id: str
    customer_type: str
    overall_satisfaction: int | None
    words: tuple[str, ...]
    quote: str


def needing_attention(valid: pd.DataFrame, rules: tuple[AlertRule, ...]) -> tuple[AttentionItem, ...]:
    """The period's valid responses each ``response`` rule picks, escalation threats first, then by record.

    Args:
        valid: the period's valid responses.
        rules: the ``response`` rules.
    """
    text = _words_of(valid)
    scores = (
        pd.to_numeric(valid["overall_satisfaction"], errors="coerce")
        if "overall_satisfaction" in valid
        else pd.Series(float("nan"), index=valid.index)
    )
    types = valid["customer_type"].astype("string").fillna("") if "customer_type" in valid else pd.Series("", index=valid.index)
    items = []
    texts, numbers = text.to_numpy(dtype=object), scores.to_numpy(dtype=float, na_value=np.nan)
    for rule in rules:
        threat = text.str.contains("|".join(map(re.escape, rule.words)), regex=True) if rule.words else pd.Series(False, index=valid.index)
        unhappy = types.isin(rule.customer_types) & scores.le(rule.overall_at_most) if rule.overall_at_most is not None else False
        positions = (threat | unhappy).to_numpy().nonzero()[0]
        # the picked rows as dicts, taken at once (a row Series per item cost ~20 µs: 0.8 s for a large week)
        for position, row in zip(positions, valid.iloc[positions].to_dict("records"), strict=True):
            found = tuple(word for word in rule.words if word in texts[position])
            score = numbers[position]
            items.append(_item(rule, row, found, None if np.isnan(score) else int(score)))
    return tuple(sorted(items, key=lambda i: (i.reason != "words", i.rule, i.record_id)))


def _words_of(valid: pd.DataFrame) -> pd.Series:
    """Each response's comment and suggestion as one text ("" where neither)."""
    parts = [valid[c].fillna("").astype(str) for c in ("comment", "suggestion") if c in valid]
    return (parts[0] + " " + parts[1] if len(parts) == 2 else parts[0]) if parts else pd.Series("", index=valid.index)


def _item(rule: AlertRule, row: Mapping[str, Any], found: tuple[str, ...], score: int | None) -> AttentionItem:
    name = row.get("customer_name")
    comment = str(row.get("comment") or row.get("suggestion") or "")
    quote = trim_quote(mask_text(comment, (name,) if isinstance(name, str) else ()), QUOTE_CHARS)
    return AttentionItem(
        rule=rule.name,
        reason="words" if found else "key_customer",
        record_id=str(row.get("record_id") or ""),
        customer_id=str(row.get("customer_id") or ""),
        customer_type=str(row.get("customer_type") or ""),
        overall_satisfaction=score,
        words=found,
        quote=quote,
    )
