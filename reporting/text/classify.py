"""Classification: score bands, NPS groups and problem types from comments."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import TypeVar

import numpy as np
import pandas as pd

from reporting.vocab import ProblemType, Taxonomy, normalise_token, value_synonyms

SCORE_BANDS = ("不满意", "一般", "非常满意")  # 1-2, 3-4, 5 (DOMAIN.md)
NPS_GROUPS = ("贬损者", "中立者", "推荐者")  # 0-6, 7-8, 9-10

T = TypeVar("T")


def map_distinct(texts: pd.Series, function: Callable[[str], T]) -> list[T]:
    """Apply a function of one text once per distinct text, in order.

    Comments repeat a lot (没什么意见, 挺好的 …): matching each distinct text once and
    spreading the result back is what keeps text analysis linear in the distinct texts.

    Args:
        texts: strings.
        function: a pure function of one string.

    Returns:
        ``function(text)`` for every text, in the order of ``texts``.
    """
    seen: dict[str, T] = {}
    results = []
    for text in texts.to_numpy(dtype=object):
        found = seen.get(text, seen)
        if found is seen:
            found = seen[text] = function(text)
        results.append(found)
    return results


def score_band(scores: pd.Series) -> pd.Series:
    """Band 1-5 scores: 1-2 不满意, 3-4 一般, 5 非常满意 (missing stays missing)."""
    return pd.cut(scores, bins=[0, 2, 4, 5], labels=list(SCORE_BANDS)).astype("object")


def nps_group(nps: pd.Series) -> pd.Series:
    """Group 0-10 answers: 0-6 贬损者, 7-8 中立者, 9-10 推荐者 (missing stays missing)."""
    return pd.cut(nps, bins=[-1, 6, 8, 10], labels=list(NPS_GROUPS)).astype("object")


@cache
def compile_problem_pattern(keywords: tuple[str, ...], patterns: tuple[str, ...], negations: tuple[str, ...]) -> re.Pattern[str]:
    """One regular expression for a problem type: any keyword or pattern, not directly after a negation.

    Args:
        keywords: literal phrases.
        patterns: regular expressions.
        negations: words that cancel a match directly before it (不, 没有, 并不 …).

    Returns:
        The compiled expression.
    """
    alternatives = [re.escape(k) for k in sorted(keywords, key=len, reverse=True)] + list(patterns)
    negation = "|".join(re.escape(n) for n in sorted(negations, key=len, reverse=True))
    guard = "".join(f"(?<!{re.escape(n)})" for n in sorted(negations, key=len)) if negation else ""
    return re.compile(guard + "(?:" + "|".join(alternatives) + ")") if alternatives else re.compile(r"(?!x)x")


def tag_problems(texts: pd.Series, taxonomy: Taxonomy) -> pd.DataFrame:
    """Tag each text with the problem types it mentions.

    Args:
        texts: one string (or missing) per record, e.g. comment and suggestion joined.
        taxonomy: the problem taxonomy.

    Returns:
        A boolean frame with one column per problem type (taxonomy order), same index.
    """
    filled = texts.fillna("").astype(str)
    codes, distinct = pd.factorize(filled.to_numpy(dtype=object))
    columns = {}
    for kind in taxonomy.types:
        pattern = compile_problem_pattern(kind.keywords, kind.patterns, taxonomy.negations)
        found = np.fromiter((pattern.search(text) is not None for text in distinct), dtype=bool, count=len(distinct))
        columns[kind.name] = found[codes]
    return pd.DataFrame(columns, index=texts.index, dtype=bool)


def normalise_wording(texts: pd.Series, synonyms: dict[str, str] | None = None) -> pd.Series:
    """Rewrite variant wordings to their canonical phrase for analysis (响应太慢 → 响应速度慢).

    Quotes keep the customer's own words; only classification reads the normalised text.

    Args:
        texts: free text.
        synonyms: variant → canonical (default: the ``wording`` list of ``vocab/synonyms.yaml``).

    Returns:
        The normalised text.
    """
    lookup = synonyms if synonyms is not None else value_synonyms("wording")
    variants = sorted((v for v, c in lookup.items() if v != normalise_token(c)), key=len, reverse=True)
    if not variants:
        return texts
    pattern = re.compile("|".join(re.escape(v) for v in variants), flags=re.IGNORECASE)
    seen: dict[str, str] = {}

    def rewrite(text: object) -> str | None:
        if not isinstance(text, str):
            return None
        found = seen.get(text)
        if found is None:
            found = seen[text] = pattern.sub(lambda m: lookup[normalise_token(m.group(0))], text)
        return found

    # iterate plain objects: stepping through an Arrow-backed string column value by value is slow
    return pd.Series([rewrite(t) for t in texts.to_numpy(dtype=object)], index=texts.index, dtype="object")


def feedback_text(records: pd.DataFrame) -> pd.Series:
    """The customer's own words for a record, comment and suggestion joined, wording normalised."""
    parts = [records[c].fillna("") for c in ("comment", "suggestion") if c in records]
    if not parts:
        return pd.Series("", index=records.index)
    joined = parts[0].astype(str)
    for part in parts[1:]:
        joined = joined.str.cat(part.astype(str), sep="；")
    return normalise_wording(joined.str.strip("；"))


OTHER_CAUSE = "其他"


def count_causes(texts: pd.Series, causes: tuple[ProblemType, ...]) -> tuple[tuple[str, int, float], ...]:
    """The second-level causes named in the texts of one problem type, most frequent first.

    Args:
        texts: the (normalised) words of the records tagged with the type.
        causes: the type's second-level labels.

    Returns:
        ``(cause, count, share of the texts)``; texts naming no cause count under 其他.
    """
    if texts.empty:
        return ()
    filled = texts.fillna("")
    named = pd.Series(False, index=texts.index)
    counts: list[tuple[str, int]] = []
    for cause in causes:
        hits = pd.Series(
            map_distinct(filled, lambda text, words=cause.keywords: any(w in text for w in words)), index=texts.index, dtype=bool
        )
        named |= hits
        counts.append((cause.name, int(hits.sum())))
    counts.append((OTHER_CAUSE, int((~named).sum())))
    order = sorted((c for c in counts if c[1] > 0), key=lambda c: (-c[1], c[0] == OTHER_CAUSE))
    return tuple((name, count, count / len(texts)) for name, count in order)


def problem_distribution(tags: pd.DataFrame, respondents: int) -> pd.DataFrame:
    """Count and share of each problem type, most frequent first.

    Args:
        tags: boolean problem tags of the valid responses (one column per type).
        respondents: the denominator (valid responses).

    Returns:
        Columns ``type``, ``count``, ``share``; types never mentioned are left out.
    """
    counts = tags.sum().astype(int)
    order = sorted(((int(c), i, t) for i, (t, c) in enumerate(counts.items()) if c > 0), key=lambda x: (-x[0], x[1]))
    return pd.DataFrame(
        [{"type": t, "count": c, "share": c / respondents if respondents else 0.0} for c, _, t in order],
        columns=["type", "count", "share"],
    )
