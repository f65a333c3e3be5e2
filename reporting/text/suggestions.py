"""Taxonomy suggestions: one ready-to-paste problem type per discovered theme.

The analyst's loop: run the report → read 自动发现的问题主题 → paste the entries of
``taxonomy_suggestions.yaml`` under ``types:`` of their own taxonomy (a copy of
``reporting/vocab/taxonomy.yaml``), rename them → rerun with ``-p taxonomy`` → the
coverage rises. Keywords are drawn from the theme and must be telling: used by most of the
theme's comments and almost only by complaints (praise such as 当天就处理好了 must not
become a problem), and not colliding with an existing type or with another suggestion.
"""

from __future__ import annotations

import pandas as pd
import yaml

from reporting.text.classify import tag_problems
from reporting.text.themes import Theme
from reporting.vocab import Taxonomy

MAX_KEYWORDS = 5
MIN_THEME_USE = 0.5  # a keyword is used by at least half of the theme's comments
MIN_PRECISION = 0.8  # … and at least this share of all comments using it are complaints
HEADER = """\
# 自动发现的问题主题 → 问题分类表的候选类型（由本次报告生成，可直接粘贴）
# 用法：把需要的条目（不含下面的 types: 这一行）复制到你自己的分类表（reporting/vocab/taxonomy.yaml 的副本）
# 中 types: 之下、subtypes: 之前，与现有类型同样缩进两格；
# 把类型名改成业务名称、删掉不合适的关键词，然后用 -p taxonomy 你的分类表.yaml 重新运行：
# 这些评论会归入新类型，问题分析中的“问题归类覆盖率”随之上升。
# 关键词取自主题的代表词：须出现在该主题多数评论中、且使用它的评论绝大多数是投诉或负面评论；
# 已剔除与现有类型或其他建议重复、或已被现有类型识别的词。
"""


def suggest_types(
    themes: tuple[Theme, ...], taxonomy: Taxonomy, texts: pd.Series, complaints: pd.Series
) -> dict[str, dict[str, list[str]]]:
    """One taxonomy type entry per theme: ``{name: {"keywords": [...], "patterns": []}}``.

    A keyword must say the theme and little else: it is used by at least half of the
    theme's comments, at least ``MIN_PRECISION`` of all comments using it are complaints
    (so a word of praise or of everyday wording never becomes a problem), it does not
    collide with an existing type or an earlier suggestion, and the taxonomy does not tag
    it already.

    Args:
        themes: the discovered themes (positions into ``texts``, strongest keywords first).
        taxonomy: the taxonomy in use.
        texts: every valid response's words.
        complaints: which of them are complaints or negative comments.

    Returns:
        The entries, named ``新类型·<theme name>``; a theme without a telling keyword gets none.
    """
    existing = [k for t in taxonomy.types for k in t.keywords]
    words = texts.fillna("").astype(str)
    entries: dict[str, dict[str, list[str]]] = {}
    for theme in themes:
        members = words.iloc[list(theme.positions)]
        keywords = [w for w in theme.keywords if _telling(w, members, words, complaints) and not _collides(w, existing)]
        if keywords and taxonomy.types:
            tagged = tag_problems(pd.Series(keywords), taxonomy).any(axis=1).to_numpy()
            keywords = [w for w, known in zip(keywords, tagged, strict=True) if not known]
        if keywords:
            entries[f"新类型·{theme.name}"] = {"keywords": keywords[:MAX_KEYWORDS], "patterns": []}
            existing.extend(keywords[:MAX_KEYWORDS])
    return entries


def _telling(word: str, members: pd.Series, words: pd.Series, complaints: pd.Series) -> bool:
    """Whether most of the theme's comments use the word and almost only complaints do."""
    if members.str.contains(word, regex=False).mean() < MIN_THEME_USE:
        return False
    using = words.str.contains(word, regex=False)
    return bool(using.any()) and float(complaints[using].mean()) >= MIN_PRECISION


def suggestions_yaml(entries: dict[str, dict[str, list[str]]]) -> str:
    """The entries as the YAML file written beside the report, under a ``types:`` key, with instructions."""
    body = yaml.safe_dump({"types": entries}, allow_unicode=True, sort_keys=False, default_flow_style=None) if entries else "types: {}\n"
    return HEADER + body


def _collides(word: str, existing: list[str]) -> bool:
    return any(word == k or word in k or k in word for k in existing)
