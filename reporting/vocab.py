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


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when PyYAML has it: ~7x faster, same documents


class _UniqueKeyLoader(_SAFE_LOADER):  # type: ignore[misc,valid-type]
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
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # a (C)SafeLoader subclass
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


@dataclass(frozen=True)
class MeasureRule:
    """One recommendation rule: when it fires, the measure, who owns it, by when, and how the target is set.

    Attributes:
        action: the measure (``{theme}`` / ``{agent}`` are filled in for theme and agent rules).
        owner: who carries it out.
        due_in_days: the deadline, counted from the period's last day.
        below: a score rule fires when the dimension's mean is below this.
        step, floor, cap: a score rule's target = min(cap, max(current + step, floor)).
        share_at_least: a problem or theme rule fires when the share reaches this.
        reduce_by: a problem or theme rule's target share = current × (1 − reduce_by).
    """

    action: str
    owner: str
    due_in_days: int
    below: float = 0.0
    step: float = 0.0
    floor: float = 0.0
    cap: float = 5.0
    share_at_least: float = 1.0
    reduce_by: float = 0.0


@dataclass(frozen=True)
class RecommendationRules:
    """The recommendation rules: per score dimension, per problem type, for a discovered theme and a lagging agent."""

    dimensions: dict[str, MeasureRule]
    problems: dict[str, MeasureRule]
    emerging_theme: MeasureRule | None = None
    lagging_agent: MeasureRule | None = None


_RULE_FIELDS = {
    "dimensions": ("below", "step", "floor", "cap"),
    "problems": ("share_at_least", "reduce_by"),
    "themes": ("share_at_least", "reduce_by"),
    "agents": (),
}


def load_rules(path: Path | None = None) -> RecommendationRules:
    """Load the recommendation rules YAML (default: the bundled one), every rule checked.

    Read again whenever the file changed, so an analyst's edit shows on the next run of
    the notebook; otherwise served from memory.

    Args:
        path: an analyst's own rules file, or None for the bundled one.

    Raises:
        UserInputError: a section is not a mapping, or a rule lacks a field or has a non-numeric one.
    """
    source = path or VOCAB_DIR / "recommendations.yaml"
    return _rules_of(source, source.stat().st_mtime_ns if source.exists() else 0)


@cache
def _rules_of(source: Path, _version: int) -> RecommendationRules:
    doc = read_yaml(source)
    if not isinstance(doc, dict):
        raise UserInputError(f"建议规则文件 {source} 是空的或不是映射：请参照自带的 recommendations.yaml")
    sections: dict[str, dict[str, MeasureRule]] = {}
    for section, numeric in _RULE_FIELDS.items():
        entries = doc.get(section) or {}
        if not isinstance(entries, dict):
            raise UserInputError(f"建议规则文件 {source} 的 {section} 段格式不对：请参照自带的 recommendations.yaml")
        known = _rule_names(section)
        unknown = [str(name) for name in entries if known is not None and str(name) not in known]
        if unknown:
            names, allowed = "、".join(unknown), "、".join(sorted(known or ()))
            raise UserInputError(f"建议规则文件 {source} 的 {section} 下有未知的名称 {names}：可用的有 {allowed}（拼写需一致）")
        sections[section] = {str(name): _measure_rule(source, f"{section}.{name}", spec, numeric) for name, spec in entries.items()}
    return RecommendationRules(
        sections["dimensions"], sections["problems"], sections["themes"].get("emerging"), sections["agents"].get("lagging")
    )


def _measure_rule(source: Path, where: str, spec: object, numeric: tuple[str, ...]) -> MeasureRule:
    """One rule from its YAML mapping, naming the file, the rule and the field when something is missing or not a number."""
    if not isinstance(spec, dict):
        raise UserInputError(f"建议规则文件 {source} 中 {where} 格式不对：应为包含 action、owner、due_in_days 等字段的映射")
    for name in ("action", "owner", "due_in_days", *numeric):
        if spec.get(name) in (None, ""):
            raise UserInputError(f"建议规则文件 {source} 中 {where} 缺少 {name}：请补上（参照自带的 recommendations.yaml）")
    numbers: dict[str, float] = {}
    for name in ("due_in_days", *numeric):
        try:
            numbers[name] = float(spec[name])
        except (TypeError, ValueError):
            raise UserInputError(f"建议规则文件 {source} 中 {where} 的 {name} 值 {spec[name]!r} 不是数字：请改成数字") from None
    days = numbers.pop("due_in_days")
    if days < 0 or days != int(days):
        raise UserInputError(
            f"建议规则文件 {source} 中 {where} 的 due_in_days 值 {spec['due_in_days']!r} 须为不小于 0 的整数（完成时限的天数）"
        )
    return MeasureRule(action=str(spec["action"]), owner=str(spec["owner"]), due_in_days=int(days), **numbers)


def _rule_names(section: str) -> frozenset[str] | None:
    """The names a rules section may use (None: any — problem types depend on the taxonomy in use)."""
    if section == "dimensions":
        return frozenset(f for f in column_aliases() if f.startswith("score_") or f == "overall_satisfaction")
    return {"themes": frozenset({"emerging"}), "agents": frozenset({"lagging"})}.get(section)


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


def sheet_name(key: str, /) -> str:
    """The name people see of a workbook sheet, by key (``sheets`` in the labels: ``plan`` → 客户跟进计划表)."""
    return str(labels()["sheets"][key])


def header_keys(table: str, /) -> dict[str, str]:
    """Chinese header → English key for one kind of table (reading a sheet people filled in)."""
    return {text: key for key, text in headers(table).items()}
