"""Words that distinguish detractors from promoters, computed on our own comments.

Segmentation uses jieba with a domain user dictionary (``vocab/userdict.txt``) and a
stopword list (``vocab/stopwords.txt``). Words are ranked by the weighted log-odds ratio
with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008): the prior is the
word's frequency across all of the period's comments, so the ranking is about *this*
period's customers, not jieba's general-purpose IDF.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import pickle
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from reporting.config import CACHE_DIR, VOCAB_DIR

MIN_GROUP = 10
PRIOR_STRENGTH = 500.0
TOP_N = 8
_WORD = re.compile(r"^[\u4e00-\u9fffA-Za-z]{2,}$")
# jieba's own block pattern (re_han_default): it segments each such block on its own, and
# whatever lies between blocks comes out as single characters, never a content word
_BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+")
SEGMENT_CACHE = 1 << 16


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
    tokenizer.FREQ, tokenizer.total = _prefix_dictionary(tokenizer, CACHE_DIR)
    tokenizer.initialized = True
    tokenizer.load_userdict(str(VOCAB_DIR / "userdict.txt"))
    return tokenizer


def _prefix_dictionary(tokenizer: Any, folder: Path) -> tuple[dict[str, int], int]:
    """jieba's prefix dictionary (every word and word prefix with its frequency) and its total.

    Kept as a pickle in ``folder``, named after jieba's version and dictionary file: it
    loads in a third of the time of jieba's own marshal cache (0.2 s against 0.6 s). A
    missing or unreadable cache is rebuilt by jieba and written again (when the folder is
    writable).
    """
    import jieba

    source = Path(jieba.__file__).with_name("dict.txt")
    stat = source.stat()
    cached = folder / f"jieba-{jieba.__version__}-{stat.st_size}-{int(stat.st_mtime)}.pickle"
    with contextlib.suppress(OSError, EOFError, ValueError, pickle.UnpicklingError), cached.open("rb") as stream:
        return pickle.load(stream)  # noqa: S301 - our own cache file, written below
    tokenizer.initialize()
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.partial")
        with partial.open("wb") as stream:
            pickle.dump((tokenizer.FREQ, tokenizer.total), stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, cached)
    return tokenizer.FREQ, tokenizer.total


def preload() -> None:
    """Load jieba's dictionary and the user words now (about half a second), ahead of the first comment."""
    _segmenter()


@cache
def _stopwords() -> frozenset[str]:
    return frozenset((VOCAB_DIR / "stopwords.txt").read_text(encoding="utf-8").split())


def segment(text: str) -> list[str]:
    """Content words of a text: jieba tokens of two or more CJK/Latin characters, stopwords removed."""
    return [w for block in _BLOCK.findall(text) for w in _segment_block(block) if is_content_word(w)]


def is_content_word(token: str) -> bool:
    """Whether a jieba token is a content word: two or more CJK/Latin characters, not a stopword."""
    return _WORD.match(token) is not None and token not in _stopwords()


def clauses(text: str) -> list[tuple[str, ...]]:
    """A text's clauses (runs between punctuation or spaces), each as its jieba tokens in order, stopwords kept."""
    return [_segment_block(block) for block in _BLOCK.findall(text)]


def is_stopword(word: str) -> bool:
    """Whether the word is on the stopword list (``vocab/stopwords.txt``)."""
    return word in _stopwords()


@lru_cache(maxsize=SEGMENT_CACHE)
def _segment_block(block: str) -> tuple[str, ...]:
    """jieba's tokens of one block; clauses recur across comments, so each is segmented once."""
    return tuple(_segmenter().lcut(block))


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


def _count_words(texts: pd.Series, segmented: dict[str, Counter[str]]) -> Counter[str]:
    """How many of the texts use each word: each distinct text's words times how often the text occurs."""
    total: Counter[str] = Counter()
    for text, times in texts.value_counts(sort=False).items():
        for word, count in segmented[text].items():
            total[word] += count * times
    return total


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
    filled = texts.fillna("")
    # segment each distinct text once; a group's counts are its distinct texts' counts times their frequency.
    # A word counts once per comment, so one long or repetitive comment cannot outweigh many customers.
    segmented = {text: Counter(set(segment(text))) if text else Counter() for text in pd.unique(filled.to_numpy(dtype=object))}
    has_words = filled.map({text: bool(words) for text, words in segmented.items()}).astype(bool)
    detractor, promoter = (nps <= 6).to_numpy(dtype=bool), (nps >= 9).to_numpy(dtype=bool)
    if has_words[detractor].sum() < MIN_GROUP or has_words[promoter].sum() < MIN_GROUP:
        return None
    group_a, group_b, prior = (_count_words(filled[mask], segmented) for mask in (detractor, promoter, slice(None)))
    scores = log_odds(group_a, group_b, prior)

    def keyword(word: str) -> Keyword:
        return Keyword(word, scores[word], group_a.get(word, 0), group_b.get(word, 0))

    ranked = sorted(scores, key=lambda w: (-scores[w], w))
    return tuple(keyword(w) for w in ranked[:top_n] if scores[w] > 0), tuple(keyword(w) for w in reversed(ranked[-top_n:]) if scores[w] < 0)
