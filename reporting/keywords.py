"""Words that distinguish detractors from promoters, computed on our own comments.

Segmentation uses jieba with a domain user dictionary (``vocab/userdict.txt``) and a
stopword list (``vocab/stopwords.txt``). Words are ranked by the weighted log-odds ratio
with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008): the prior is the
word's frequency across all of the period's comments, so the ranking is about *this*
period's customers, not jieba's general-purpose IDF.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

import pandas as pd

from reporting.config import VOCAB_DIR

MIN_GROUP = 10
PRIOR_STRENGTH = 500.0
TOP_N = 8
_WORD = re.compile(r"^[\u4e00-\u9fffA-Za-z]{2,}$")


@dataclass(frozen=True)
class Keyword:
    """A distinguishing word: its z-score (positive: detractors) and how often each group used it."""

    word: str
    z: float
    detractor_count: int
    promoter_count: int


@cache
def _segmenter():  # noqa: ANN202 - jieba's Tokenizer has no public type
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(VOCAB_DIR / "userdict.txt"))
    return tokenizer


@cache
def _stopwords() -> frozenset[str]:
    return frozenset((VOCAB_DIR / "stopwords.txt").read_text(encoding="utf-8").split())


def segment(text: str) -> list[str]:
    """Content words of a text: jieba tokens of two or more CJK/Latin characters, stopwords removed."""
    stop = _stopwords()
    return [w for w in _segmenter().lcut(text) if _WORD.match(w) and w not in stop]


def log_odds(group_a: Counter[str], group_b: Counter[str], prior: Counter[str], prior_strength: float = PRIOR_STRENGTH) -> dict[str, float]:
    """Weighted log-odds z-scores of each word, group A against group B.

    Args:
        group_a: word counts of the first group.
        group_b: word counts of the second group.
        prior: background word counts (all comments).
        prior_strength: the prior's total pseudo-count α₀.

    Returns:
        ``{word: z}``; positive z means the word is typical of group A.
    """
    n_a, n_b, n_prior = sum(group_a.values()), sum(group_b.values()), sum(prior.values())
    scores = {}
    for word, background in prior.items():
        alpha = prior_strength * background / n_prior
        a, b = group_a.get(word, 0), group_b.get(word, 0)
        delta = math.log((a + alpha) / (n_a + prior_strength - a - alpha)) - math.log((b + alpha) / (n_b + prior_strength - b - alpha))
        scores[word] = delta / math.sqrt(1 / (a + alpha) + 1 / (b + alpha))
    return scores


def distinguishing_keywords(texts: pd.Series, nps: pd.Series, top_n: int = TOP_N) -> tuple[tuple[Keyword, ...], tuple[Keyword, ...]] | None:
    """The words most typical of detractors (0-6) and of promoters (9-10).

    Args:
        texts: the customers' words, one per valid response.
        nps: their 0-10 answers.
        top_n: how many words per side.

    Returns:
        ``(detractor words, promoter words)`` strongest first, or None when either
        group has fewer than ``MIN_GROUP`` comments.
    """
    words = texts.fillna("").map(lambda t: Counter(segment(t)) if t else Counter())
    detractors, promoters = words[nps <= 6], words[nps >= 9]
    if (detractors.map(len) > 0).sum() < MIN_GROUP or (promoters.map(len) > 0).sum() < MIN_GROUP:
        return None
    group_a, group_b, prior = sum(detractors, Counter()), sum(promoters, Counter()), sum(words, Counter())
    scores = log_odds(group_a, group_b, prior)

    def keyword(word: str) -> Keyword:
        return Keyword(word, scores[word], group_a.get(word, 0), group_b.get(word, 0))

    ranked = sorted(scores, key=lambda w: (-scores[w], w))
    return tuple(keyword(w) for w in ranked[:top_n] if scores[w] > 0), tuple(keyword(w) for w in reversed(ranked[-top_n:]) if scores[w] < 0)
