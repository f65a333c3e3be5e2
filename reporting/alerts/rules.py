"""The alert rules (``vocab/alerts.yaml`` or an operator's own file): typed, every field checked, one line per mistake."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

from reporting.alerts.model import SEVERITIES
from reporting.config import VOCAB_DIR
from reporting.errors import UserInputError
from reporting.vocab import read_yaml

METRICS = ("overall_satisfaction", "csat", "nps", "score_speed", "score_professional", "score_clarity", "score_attitude")
# the metrics an `against: recent` rule can watch → their column in metrics.json's trend
RECENT_METRICS = {
    "overall_satisfaction": "satisfaction",
    "nps": "nps",
    "score_speed": "speed",
}  # metric → its column in metrics.json's trend
REQUIRED = {
    "threshold": ("metric",),
    "change": ("metric", "direction"),
    "emerging": ("ratio",),
    "response": (),
    "overdue": ("more_than",),
}
ALLOWED = {
    "threshold": ("metric", "below", "above", "min_n"),
    "change": ("metric", "against", "k", "direction", "min_delta", "min_relative", "min_n"),
    "emerging": ("k", "ratio", "min_share", "min_count"),
    "response": ("customer_types", "overall_at_most", "words"),
    "overdue": ("more_than",),
}
COMMON = ("kind", "severity", "cooldown_days")


@dataclass(frozen=True)
class AlertRule:
    """One rule of ``alerts.yaml`` (the fields a kind does not use keep their defaults).

    Attributes:
        name: the rule's name (its key in the file), shown in messages.
        kind: ``threshold``, ``change``, ``emerging``, ``response`` or ``overdue``.
        severity: ``critical``, ``warning`` or ``info``.
        cooldown_days: after an alert of this rule for a report and slice is sent, the same
            rule is not sent again for it for this many days (0: every new period).
        metric: the KPI a threshold or change rule watches.
        below, above: a threshold rule's bounds (either or both).
        min_n: the least valid responses for a threshold or change rule to judge.
        against: a change rule's baseline: ``previous`` period, or the mean of the ``recent`` k.
        k: how many earlier periods ``recent`` (and an emerging rule's baseline) covers.
        direction: ``down`` or ``up``: which way a change must go to fire.
        min_delta, min_relative: the least change (absolute / as a fraction of the baseline).
        ratio: an emerging rule's least ratio of this period's share to the baseline share.
        min_share, min_count: an emerging rule's least share of valid responses and count.
        customer_types: a response rule's key customer types (客户类型).
        overall_at_most: a key customer scoring at most this fires a response rule.
        words: a comment with any of these fires a response rule (a threat to escalate).
        more_than: an overdue rule fires above this many overdue follow-up items.
    """

    name: str
    kind: str
    severity: str
    cooldown_days: int = 0
    metric: str = ""
    below: float | None = None
    above: float | None = None
    min_n: int = 0
    against: str = "previous"
    k: int = 4
    direction: str = "down"
    min_delta: float = 0.0
    min_relative: float = 0.0
    ratio: float = 2.0
    min_share: float = 0.0
    min_count: int = 0
    customer_types: tuple[str, ...] = ()
    overall_at_most: int | None = None
    words: tuple[str, ...] = ()
    more_than: int = 0


@dataclass(frozen=True)
class AlertRules:
    """All the rules, and the false discovery rate of the change family they share."""

    q: float
    rules: tuple[AlertRule, ...]

    def of_kind(self, kind: str) -> tuple[AlertRule, ...]:
        """The rules of one kind, in the file's order."""
        return tuple(rule for rule in self.rules if rule.kind == kind)


def load_alert_rules(path: Path | None = None) -> AlertRules:
    """The alert rules (default: the bundled ``vocab/alerts.yaml``), every rule checked; re-read when the file changes.

    Raises:
        UserInputError: the file is missing or not a mapping, or a rule has an unknown kind,
            an unknown or missing field, or a value of the wrong type or range — the
            message names the file, the rule and the field.
    """
    source = path or VOCAB_DIR / "alerts.yaml"
    if not source.is_file():
        raise UserInputError(f"找不到预警规则文件 {source}：请检查 alerts.rules 的路径，留空表示使用自带规则")
    return _rules_of(source, source.stat().st_mtime_ns)


@cache
def _rules_of(source: Path, _version: int) -> AlertRules:
    document = read_yaml(source)
    if not isinstance(document, dict) or not isinstance(document.get("rules"), dict):
        raise UserInputError(f"预警规则文件 {source} 须为映射，且有 rules 段：请参照自带的 reporting/vocab/alerts.yaml")
    unknown = sorted(set(document) - {"q", "rules"})
    if unknown:
        raise UserInputError(f"预警规则文件 {source} 有未知的项 {'、'.join(unknown)}：只能有 q 与 rules")
    q = _number(source, "q", document.get("q", 0.10), float)
    if not 0 < q <= 0.5:
        raise UserInputError(f"预警规则文件 {source} 的 q 值 {q} 须大于 0 且不超过 0.5（变化检验的错误发现率，常用 0.1）")
    rules = tuple(_rule(source, str(name), spec) for name, spec in document["rules"].items())
    return AlertRules(q, rules)


def _rule(source: Path, name: str, spec: Any) -> AlertRule:
    """One rule from its mapping, checked field by field."""
    where = f"预警规则文件 {source} 中规则 {name}"
    if not isinstance(spec, dict):
        raise UserInputError(f"{where} 格式不对：应为包含 kind、severity 等字段的映射")
    kind = spec.get("kind")
    if kind not in REQUIRED:
        raise UserInputError(f"{where} 的 kind 值 {kind!r} 无效：可用 {'、'.join(REQUIRED)}")
    allowed = set(COMMON) | set(ALLOWED[kind])
    extra = sorted(set(spec) - allowed)
    if extra:
        raise UserInputError(f"{where} 有 {kind} 规则不用的字段 {'、'.join(extra)}：可用 {'、'.join(sorted(allowed))}")
    for field in ("severity", *REQUIRED[kind]):
        if spec.get(field) in (None, ""):
            raise UserInputError(f"{where} 缺少 {field}：请补上（参照自带的 alerts.yaml）")
    if spec["severity"] not in SEVERITIES:
        raise UserInputError(f"{where} 的 severity 值 {spec['severity']!r} 无效：可用 critical（严重）、warning（警告）、info（提示）")
    values = {key: _typed(where, key, value) for key, value in spec.items()}
    rule = AlertRule(name=name, **values)
    _check_ranges(where, rule)
    return rule


_TYPES = {f.name: f.type for f in fields(AlertRule)}


def _typed(where: str, key: str, value: Any) -> Any:
    """A field's value in its declared type (numbers, a list of words, text)."""
    declared = str(_TYPES[key])
    if "tuple" in declared:
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            raise UserInputError(f"{where} 的 {key} 须为列表，例如 [VIP客户] 或 [12315, 曝光]")
        return tuple(str(v) for v in value)
    if "float" in declared:
        return _number(where, key, value, float)
    if "int" in declared:
        return _number(where, key, value, int)
    return str(value)


def _number(where: object, key: str, value: Any, kind: type) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float) or (kind is int and float(value) != int(value)):
        noun = "整数" if kind is int else "数字"
        raise UserInputError(f"{where} 的 {key} 值 {value!r} 不是{noun}：请改成{noun}")
    return kind(value)


def _check_ranges(where: str, rule: AlertRule) -> None:
    """The values a kind needs, in range (a metric the reports have, a direction, positive counts …)."""
    if rule.kind in ("threshold", "change") and rule.metric not in METRICS:
        raise UserInputError(f"{where} 的 metric 值 {rule.metric!r} 无效：可用 {'、'.join(METRICS)}")
    if rule.kind == "threshold" and rule.below is None and rule.above is None:
        raise UserInputError(f"{where} 须写 below 或 above（低于或高于哪个值时预警）")
    if rule.kind == "change" and (rule.direction not in ("down", "up") or rule.against not in ("previous", "recent")):
        raise UserInputError(f"{where} 的 direction 须为 down 或 up，against 须为 previous 或 recent")
    if rule.kind == "change" and rule.against == "recent" and rule.metric not in RECENT_METRICS:
        raise UserInputError(f"{where} 的 against: recent 只能用于有逐期趋势的指标：{'、'.join(RECENT_METRICS)}")
    if rule.kind == "response" and not (rule.words or rule.overall_at_most is not None):
        raise UserInputError(f"{where} 须写 words（扬言投诉的词）或 overall_at_most（重点客户的最低分）")
    if min(rule.k, rule.cooldown_days + 1, rule.min_n + 1, rule.min_count + 1, rule.more_than + 1) < 1 or rule.ratio <= 0:
        raise UserInputError(f"{where} 的 k、ratio 须为正数，cooldown_days、min_n、min_count、more_than 不能为负")
