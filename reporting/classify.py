"""Classification: score bands, NPS groups and problem types from comments."""

from __future__ import annotations

import re

import pandas as pd

from reporting.vocab import ProblemType, Taxonomy, normalise_token, value_synonyms

SCORE_BANDS = ("不满意", "一般", "非常满意")  # 1-2, 3-4, 5 (DOMAIN.md)
NPS_GROUPS = ("贬损者", "中立者", "推荐者")  # 0-6, 7-8, 9-10


def score_band(scores: pd.Series) -> pd.Series:
    """Band 1-5 scores: 1-2 不满意, 3-4 一般, 5 非常满意 (missing stays missing)."""
    return pd.cut(scores, bins=[0, 2, 4, 5], labels=list(SCORE_BANDS)).astype("object")


def nps_group(nps: pd.Series) -> pd.Series:
    """Group 0-10 answers: 0-6 贬损者, 7-8 中立者, 9-10 推荐者 (missing stays missing)."""
    return pd.cut(nps, bins=[-1, 6, 8, 10], labels=list(NPS_GROUPS)).astype("object")


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
    columns = {}
    for kind in taxonomy.types:
        pattern = compile_problem_pattern(kind.keywords, kind.patterns, taxonomy.negations)
        columns[kind.name] = filled.map(lambda text, p=pattern: p.search(text) is not None)
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
    rewritten = [pattern.sub(lambda m: lookup[normalise_token(m.group(0))], t) if isinstance(t, str) else None for t in texts]
    return pd.Series(rewritten, index=texts.index, dtype="object")


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
        hits = filled.map(lambda text, words=cause.keywords: any(w in text for w in words))
        named |= hits
        counts.append((cause.name, int(hits.sum())))
    counts.append((OTHER_CAUSE, int((~named).sum())))
    order = sorted((c for c in counts if c[1] > 0), key=lambda c: (-c[1], c[0] == OTHER_CAUSE))
    return tuple((name, count, count / len(texts)) for name, count in order)
