"""Taxonomy suggestions: one ready-to-paste problem type per discovered theme.

The analyst's loop: run the report → read 自动发现的问题主题 → paste the entries of
``taxonomy_suggestions.yaml`` under ``types:`` of their own taxonomy (a copy of
``reporting/vocab/taxonomy.yaml``), rename them → rerun with ``-p taxonomy`` → the
coverage rises. Keywords are drawn from the theme and checked not to collide with the
existing types: a word that already is, contains or is contained in an existing keyword,
or that the taxonomy already tags, is left out.
"""

from __future__ import annotations

import pandas as pd
import yaml

from reporting.text.classify import tag_problems
from reporting.text.themes import Theme
from reporting.vocab import Taxonomy

MAX_KEYWORDS = 5
HEADER = """\
# 自动发现的问题主题 → 问题分类表的候选类型（由本次报告生成，可直接粘贴）
# 用法：把需要的条目复制到你自己的分类表（reporting/vocab/taxonomy.yaml 的副本）的 types: 下，
# 把类型名改成业务名称、删掉不合适的关键词，然后用 -p taxonomy 你的分类表.yaml 重新运行：
# 这些评论会归入新类型，问题分析中的“问题归类覆盖率”随之上升。
# 关键词取自主题的代表词，已剔除与现有类型重复或已被现有类型识别的词。
"""


def suggest_types(themes: tuple[Theme, ...], taxonomy: Taxonomy) -> dict[str, dict[str, list[str]]]:
    """One taxonomy type entry per theme: ``{name: {"keywords": [...], "patterns": []}}``.

    Args:
        themes: the discovered themes (strongest keywords first).
        taxonomy: the taxonomy in use (its keywords must not be repeated).

    Returns:
        The entries, named ``新类型·<theme name>``; a theme without a usable keyword gets none.
    """
    existing = [k for t in taxonomy.types for k in t.keywords]
    entries: dict[str, dict[str, list[str]]] = {}
    for theme in themes:
        candidates = [w for w in theme.keywords if not _collides(w, existing)]
        if not candidates:
            continue
        already = tag_problems(pd.Series(candidates), taxonomy).any(axis=1).to_numpy() if taxonomy.types else [False] * len(candidates)
        keywords = [w for w, tagged in zip(candidates, already, strict=True) if not tagged][:MAX_KEYWORDS]
        if keywords:
            entries[f"新类型·{theme.name}"] = {"keywords": keywords, "patterns": []}
    return entries


def suggestions_yaml(entries: dict[str, dict[str, list[str]]]) -> str:
    """The entries as the YAML file written beside the report, under a ``types:`` key, with instructions."""
    body = yaml.safe_dump({"types": entries}, allow_unicode=True, sort_keys=False, default_flow_style=None) if entries else "types: {}\n"
    return HEADER + body


def _collides(word: str, existing: list[str]) -> bool:
    return any(word == k or word in k or k in word for k in existing)
