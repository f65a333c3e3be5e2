"""Loading of the editable YAML vocabularies (columns, taxonomy, rules, labels)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from reporting.config import LABELS_DIR, VOCAB_DIR
from reporting.errors import UserInputError


class _DuplicateKeyError(Exception):
    def __init__(self, key: object, line: int) -> None:
        super().__init__(key, line)
        self.key, self.line = key, line


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a mapping key given twice (PyYAML would keep the last silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise _DuplicateKeyError(key, key_node.start_mark.line + 1)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path) -> Any:
    """Read a YAML file, turning a missing or malformed file into a user error.

    Args:
        path: the YAML file.

    Returns:
        The parsed document.
    """
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except FileNotFoundError:
        raise UserInputError(f"找不到配置文件 {path}：请检查路径") from None
    except _DuplicateKeyError as error:
        raise UserInputError(f"配置文件 {path} 第 {error.line} 行的 {error.key} 与前面的同名项重复：请合并或删去其一") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" 第 {mark.line + 1} 行" if mark else ""
        raise UserInputError(f"配置文件 {path}{where} 不是有效的 YAML：请修正格式") from None


@cache
def column_aliases() -> dict[str, list[str]]:
    """Canonical field name → accepted headers, from ``vocab/columns.yaml``."""
    return read_yaml(VOCAB_DIR / "columns.yaml")


def chinese_header(field: str) -> str:
    """The Chinese header a CRM export uses for a canonical field (its first alias)."""
    return column_aliases().get(field, [field])[0]


@dataclass(frozen=True)
class ProblemType:
    """One first-level problem type of the taxonomy."""

    name: str
    keywords: tuple[str, ...]
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    """The problem taxonomy: version, negation words, first-level types and their second-level causes."""

    version: str
    negations: tuple[str, ...]
    types: tuple[ProblemType, ...]
    subtypes: dict[str, tuple[ProblemType, ...]] = field(default_factory=dict)


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Load the problem taxonomy YAML (default: the bundled ``vocab/taxonomy.yaml``).

    Args:
        path: an analyst's own taxonomy file, or None for the bundled one.

    Returns:
        The parsed taxonomy.
    """
    source = path or VOCAB_DIR / "taxonomy.yaml"
    doc = read_yaml(source)
    try:
        types = tuple(
            ProblemType(
                name=str(name),
                keywords=tuple(str(k) for k in (spec.get("keywords") or [])),
                patterns=tuple(str(p) for p in (spec.get("patterns") or [])),
            )
            for name, spec in doc["types"].items()
        )
        subtypes = {
            str(parent): tuple(ProblemType(str(name), tuple(str(k) for k in keywords), ()) for name, keywords in (children or {}).items())
            for parent, children in (doc.get("subtypes") or {}).items()
        }
    except (KeyError, AttributeError, TypeError):
        raise UserInputError(f"问题分类文件 {source} 缺少 types 段或格式不对：请参照自带的 taxonomy.yaml") from None
    orphans = sorted(set(subtypes) - {t.name for t in types})
    if orphans:
        raise UserInputError(
            f"问题分类文件 {source} 的 subtypes 下有 types 中没有的类型 {'、'.join(orphans)}：新类型应写在 types: 之下（subtypes: 之前）"
        )
    return Taxonomy(str(doc.get("version", "")), tuple(doc.get("negations") or []), types, subtypes)


def load_rules(path: Path | None = None) -> dict[str, dict[str, dict[str, Any]]]:
    """Load the recommendation rules YAML (default: the bundled one).

    Args:
        path: an analyst's own rules file, or None for the bundled one.

    Returns:
        ``{"dimensions": {...}, "problems": {...}, "themes": {...}, "agents": {...}}`` as written.
    """
    doc = read_yaml(path or VOCAB_DIR / "recommendations.yaml")
    return {key: doc.get(key) or {} for key in ("dimensions", "problems", "themes", "agents")}


@cache
def value_synonyms(kind: str) -> dict[str, str]:
    """Spelling → canonical value for one synonym list of ``vocab/synonyms.yaml``.

    Keys are normalised (NFKC, stripped, lower-case); each canonical value maps to itself.

    Args:
        kind: ``status``, ``yes_no``, ``customer_type``, ``channel`` or ``wording``.
    """
    lists = read_yaml(VOCAB_DIR / "synonyms.yaml")[kind]
    lookup: dict[str, str] = {}
    for canonical, variants in lists.items():
        for spelling in [canonical, *variants]:
            lookup[normalise_token(str(spelling))] = str(canonical)
    return lookup


def normalise_token(text: str) -> str:
    """Normalise a short value for synonym lookup: NFKC, stripped, lower-case."""
    return unicodedata.normalize("NFKC", text).strip().lower()


@cache
def labels() -> dict[str, Any]:
    """Every user-facing Chinese text, by key, from ``labels/zh_CN.yaml``."""
    return read_yaml(LABELS_DIR / "zh_CN.yaml")


def label(key: str, /, **values: object) -> str:
    """The Chinese text for ``key``, with ``{placeholders}`` filled from ``values``."""
    return str(labels()[key]).format(**values)


def headers(table: str, /, **values: object) -> dict[str, str]:
    """English column key → the Chinese header people see, for one kind of table (``columns_<table>`` in the labels).

    Frames inside the package use English keys; workbooks and templates apply these at the edge.
    """
    return {key: str(text).format(**values) for key, text in labels()[f"columns_{table}"].items()}


def header_keys(table: str, /) -> dict[str, str]:
    """Chinese header → English key for one kind of table (reading a sheet people filled in)."""
    return {text: key for key, text in headers(table).items()}
