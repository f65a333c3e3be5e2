"""Classification: score bands, NPS groups and problem types from comments."""

from __future__ import annotations

import re

import pandas as pd

from reporting.vocab import Taxonomy

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


def feedback_text(records: pd.DataFrame) -> pd.Series:
    """The customer's own words for a record: comment and suggestion joined."""
    parts = [records[c].fillna("") for c in ("comment", "suggestion") if c in records]
    if not parts:
        return pd.Series("", index=records.index)
    joined = parts[0].astype(str)
    for part in parts[1:]:
        joined = joined.str.cat(part.astype(str), sep="；")
    return joined.str.strip("；")
