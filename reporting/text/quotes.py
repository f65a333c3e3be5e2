"""Choosing customers' own words (客户原话) to quote, masked and traceable."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from reporting.intake.privacy import mask_text

MAX_QUOTE_CHARS = 80
IDEAL_QUOTE_CHARS = 28


@dataclass(frozen=True)
class Quote:
    """One customer quote with what makes it traceable."""

    record_id: str
    service_type: str
    score: int | None
    text: str


def trim_quote(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """Shorten a quote to ``limit`` characters, ending with an ellipsis when cut."""
    clean = " ".join(text.split())
    return clean if len(clean) <= limit else clean[: limit - 1].rstrip("，。、；, ") + "…"


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def is_near_duplicate(text: str, chosen: list[str], threshold: float = 0.5) -> bool:
    """Whether ``text`` shares most of its character bigrams with an already chosen quote.

    The overlap coefficient (shared bigrams ÷ the smaller set) catches the same
    complaint wrapped in a different opening or closing phrase.
    """
    grams = _bigrams(text)
    for other in chosen:
        other_grams = _bigrams(other)
        smaller = min(len(grams), len(other_grams))
        if smaller and len(grams & other_grams) / smaller >= threshold:
            return True
    return False


def select_quotes(records: pd.DataFrame, mask: pd.Series, focus: pd.Series, limit: int = 3, lowest_first: bool = True) -> tuple[Quote, ...]:
    """Pick up to ``limit`` distinct, readable quotes among the flagged records.

    Comments about this problem alone come first (they represent it best), then lower
    overall scores (they speak to it most directly), then comments closest to a
    readable length, then record id, so the choice is stable.
    Near-duplicates (``is_near_duplicate``) are skipped. Personal data in the
    text (phone numbers, the customer's own name …) is masked.

    Args:
        records: the period's valid responses with ``comment``, ``overall_satisfaction``,
            ``record_id``, ``service_type`` and optionally ``customer_name``.
        mask: which records mention the problem.
        focus: how many problem types each record mentions (fewer = more focused).
        limit: how many quotes at most.
        lowest_first: prefer low scores (problems); False prefers high ones (praise).

    Returns:
        The chosen quotes.
    """
    needed = [c for c in ("comment", "overall_satisfaction", "record_id", "service_type", "customer_name") if c in records]
    candidates = records.loc[mask & records["comment"].notna(), needed].copy()  # only the columns a quote needs
    candidates["_focus"] = focus[candidates.index]
    candidates["_score"] = candidates["overall_satisfaction"] * (1 if lowest_first else -1)
    candidates["_length_gap"] = (candidates["comment"].str.len() - IDEAL_QUOTE_CHARS).abs()
    candidates = candidates.sort_values(["_focus", "_score", "_length_gap", "record_id"], kind="stable")
    chosen: list[Quote] = []
    texts: list[str] = []
    for row in candidates.itertuples(index=False):
        names = (row.customer_name,) if hasattr(row, "customer_name") and isinstance(row.customer_name, str) else ()
        text = trim_quote(mask_text(row.comment, names))
        if is_near_duplicate(text, texts):
            continue
        score = None if pd.isna(row.overall_satisfaction) else int(row.overall_satisfaction)
        chosen.append(Quote(str(row.record_id), str(row.service_type), score, text))
        texts.append(text)
        if len(chosen) == limit:
            break
    return tuple(chosen)
