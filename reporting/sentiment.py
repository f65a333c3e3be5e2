"""Sentiment (正面/中性/负面) and feedback type (表扬/建议/投诉/咨询) per comment.

The text lexicon (``vocab/sentiment.yaml``) is combined with the customer's own rating:
a comment with sentiment words is judged by its words; one without falls back on the
rating. When the words and the rating disagree (5 points with a complaint, 1-2 points
with praise) the record is flagged as a contradiction for second verification.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pandas as pd

from reporting.config import VOCAB_DIR
from reporting.vocab import read_yaml

SENTIMENTS = ("正面", "中性", "负面")
FEEDBACK_TYPES = ("投诉", "建议", "咨询", "表扬")


@dataclass(frozen=True)
class Lexicon:
    """Compiled sentiment words and feedback markers."""

    positive: re.Pattern[str]
    negated_positive: re.Pattern[str]
    negative: re.Pattern[str]
    suggestion: re.Pattern[str]
    inquiry: re.Pattern[str]


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def load_lexicon() -> Lexicon:
    """The bundled lexicon, compiled once."""
    doc = read_yaml(VOCAB_DIR / "sentiment.yaml")
    negations = sorted(doc["negations"], key=len, reverse=True)
    negation = "(?:" + _alternatives(negations) + ")"
    not_after_negation = "".join(f"(?<!{re.escape(n)})" for n in negations)
    return Lexicon(
        positive=re.compile(not_after_negation + "(?:" + _alternatives(doc["positive"]) + ")"),
        negated_positive=re.compile(negation + "(?:" + _alternatives(doc["positive"]) + ")"),
        negative=re.compile(not_after_negation + "(?:" + _alternatives(doc["negative"]) + ")"),
        suggestion=re.compile(_alternatives(doc["suggestion_markers"])),
        inquiry=re.compile(_alternatives(doc["inquiry_markers"])),
    )


def text_polarity(text: str, lexicon: Lexicon) -> tuple[int, int]:
    """Counts of positive and negative expressions in a text (negation-aware)."""
    negated = len(lexicon.negated_positive.findall(text))
    return len(lexicon.positive.findall(text)), len(lexicon.negative.findall(text)) + negated


def rating_sentiment(score: float | None) -> str | None:
    """The sentiment a 1-5 rating expresses: 1-2 负面, 3 中性, 4-5 正面."""
    if score is None or pd.isna(score):
        return None
    return "负面" if score <= 2 else "中性" if score == 3 else "正面"


def classify_feedback(texts: pd.Series, ratings: pd.Series, complaint_tags: pd.Series) -> pd.DataFrame:
    """Sentiment, feedback type and contradiction flag for each record.

    Args:
        texts: the customer's words (comment and suggestion).
        ratings: overall satisfaction 1-5 (or missing).
        complaint_tags: whether the text mentions a problem type of the taxonomy.

    Returns:
        Columns ``sentiment``, ``feedback_type`` (None when the text is not any of the
        four), ``contradiction`` (bool), same index.
    """
    lexicon = load_lexicon()
    rows = []
    for text, rating, has_problem in zip(texts.fillna(""), ratings, complaint_tags, strict=True):
        positive, negative = text_polarity(text, lexicon)
        negative += int(bool(has_problem))
        by_rating = rating_sentiment(rating)
        by_text = None if not (positive or negative) else "正面" if positive > negative else "负面" if negative > positive else "中性"
        sentiment = by_text or by_rating or "中性"
        contradiction = (by_text == "负面" and rating == 5) or (by_text == "正面" and by_rating == "负面")
        if sentiment == "负面" and (negative or has_problem):
            kind = "投诉"
        elif lexicon.suggestion.search(text):
            kind = "建议"
        elif lexicon.inquiry.search(text):
            kind = "咨询"
        elif sentiment == "正面" and positive:
            kind = "表扬"
        else:
            kind = None
        rows.append({"sentiment": sentiment, "feedback_type": kind, "contradiction": bool(contradiction)})
    return pd.DataFrame(
        {
            "sentiment": pd.Series([r["sentiment"] for r in rows], index=texts.index, dtype="object"),
            "feedback_type": pd.Series([r["feedback_type"] for r in rows], index=texts.index, dtype="object"),
            "contradiction": pd.Series([r["contradiction"] for r in rows], index=texts.index, dtype=bool),
        }
    )
