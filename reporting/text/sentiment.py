"""Sentiment (正面/中性/负面) and feedback type (表扬/建议/投诉/咨询) per comment.

The text lexicon (``vocab/sentiment.yaml``) is combined with the customer's own rating:
a comment with sentiment words is judged by its words; one without falls back on the
rating. When the words and the rating disagree (5 points with a complaint, 1-2 points
with praise) the record is flagged as a contradiction for second verification.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
import pandas as pd

from reporting.config import VOCAB_DIR
from reporting.domain import FEEDBACK_TYPES, NEGATIVE, NEUTRAL, POSITIVE
from reporting.vocab import read_yaml


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


@lru_cache(maxsize=1 << 16)
def bundled_polarity(text: str) -> tuple[int, int]:
    """``text_polarity`` with the bundled lexicon, once per distinct text for the whole run.

    The feedback classifier and the learned sentiment's lexicon view both need it; the
    cache keeps them from matching the same comment twice.
    """
    return text_polarity(text, load_lexicon())


def classify_feedback(
    texts: pd.Series, ratings: pd.Series, complaint_tags: pd.Series, text_sentiment: pd.Series | None = None
) -> pd.DataFrame:
    """Sentiment, feedback type and contradiction flag for each record.

    Args:
        texts: the customer's words (comment and suggestion).
        ratings: overall satisfaction 1-5 (or missing).
        complaint_tags: whether the text mentions a problem type of the taxonomy.
        text_sentiment: the text's own sentiment, learned from the data (``learned``); when
            given it replaces the lexicon's judgement of the words, and contradictions are
            left to ``learned.find_disagreements``.

    Returns:
        Columns ``sentiment``, ``feedback_type`` (None when the text is not any of the
        four), ``contradiction`` (bool), same index. 表扬 needs positive words and no
        complaint; 投诉 needs negative words or a problem type.
    """
    if not len(texts) == len(ratings) == len(complaint_tags):
        raise ValueError("texts, ratings and complaint_tags must have the same length")
    lexicon = load_lexicon()
    # the lexicon is matched once per distinct text; the rest is array arithmetic
    codes, distinct = pd.factorize(texts.fillna("").to_numpy(dtype=object))
    features = np.array([_text_features(text, lexicon) for text in distinct], dtype=np.int64).reshape(len(distinct), 4)[codes]
    positive, negative, suggestion, inquiry = features.T
    has_problem = np.array([bool(v) for v in complaint_tags], dtype=bool)
    negative = negative + has_problem
    rating = pd.Series(list(ratings), dtype="object").to_numpy(dtype="float64", na_value=np.nan)
    by_rating = np.select([np.isnan(rating), rating <= 2, rating == 3], [None, NEGATIVE, NEUTRAL], POSITIVE).astype(object)
    if text_sentiment is None:
        has_words = (positive > 0) | (negative > 0)
        by_text = np.select([~has_words, positive > negative, negative > positive], [None, POSITIVE, NEGATIVE], NEUTRAL).astype(object)
        contradiction = ((by_text == NEGATIVE) & (rating == 5)) | ((by_text == POSITIVE) & (by_rating == NEGATIVE))
        praised = (by_text == POSITIVE) & (positive > 0)
    else:
        by_text = np.array([None if pd.isna(v) else v for v in text_sentiment.reindex(texts.index)], dtype=object)
        contradiction = np.zeros(len(texts), dtype=bool)
        praised = (by_text == POSITIVE) & ~has_problem
    sentiment = np.where(by_text != None, by_text, np.where(by_rating != None, by_rating, NEUTRAL)).astype(object)  # noqa: E711 - elementwise
    complained = (sentiment == NEGATIVE) & ((negative > 0) | (by_text == NEGATIVE))
    kind = np.select([complained, suggestion > 0, inquiry > 0, (sentiment == POSITIVE) & praised], list(FEEDBACK_TYPES), None).astype(
        object
    )
    return pd.DataFrame(
        {
            "sentiment": pd.Series(sentiment, index=texts.index, dtype="object"),
            "feedback_type": pd.Series(kind, index=texts.index, dtype="object"),
            "contradiction": pd.Series(contradiction, index=texts.index, dtype=bool),
        }
    )


def _text_features(text: str, lexicon: Lexicon) -> tuple[int, int, int, int]:
    """Positive and negative expressions, and whether a suggestion / an inquiry marker occurs, in one text."""
    positive, negative = bundled_polarity(text) if lexicon is load_lexicon() else text_polarity(text, lexicon)
    return positive, negative, int(lexicon.suggestion.search(text) is not None), int(lexicon.inquiry.search(text) is not None)
