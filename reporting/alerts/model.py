"""What an alert is: a condition a rule found in a report, with the numbers behind it and where to read more."""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("critical", "warning", "info")  # most severe first: the order of a grouped message
KINDS = ("threshold", "change", "emerging", "response", "overdue", "recovered")


@dataclass(frozen=True)
class Alert:
    """One fired alert (or one 已恢复 line for a condition that cleared).

    Attributes:
        key: the alert's identity — ``rule|report|slice|period`` (and ``|record`` for a
            response alert): a rerun, a retry or a second scheduler produces the same key,
            so the store can tell that it was already sent.
        kind: one of ``KINDS``.
        rule: the rule's name in ``vocab/alerts.yaml``.
        report: the report it comes from (``weekly``).
        slice: the slice label ("" for the overall report).
        period: the report's period folder name (``2026-11-16_2026-11-22``).
        metric: what was measured (``overall_satisfaction``, ``problem:响应速度``, ``record`` …).
        value: the value this period (a mean, a share, a count).
        baseline: what it is compared with (the threshold, the previous period, the mean of
            the previous periods), None when nothing is.
        n: the observations behind ``value``.
        p: the test's p-value, where a test decided.
        q: its Benjamini–Hochberg q within the alert family (all slices × metrics of a batch).
        severity: one of ``SEVERITIES``.
        message: one Chinese sentence a manager can act on (names and phones masked).
        link: where to read more: a path relative to the outputs folder, or ``base_url`` + path.
    """

    key: str
    kind: str
    rule: str
    report: str
    slice: str
    period: str
    metric: str
    value: float | None
    baseline: float | None
    n: int | None
    p: float | None
    q: float | None
    severity: str
    message: str
    link: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown alert kind {self.kind!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown alert severity {self.severity!r}")


def most_severe_first(alerts: list[Alert]) -> list[Alert]:
    """Alerts ordered as a grouped message lists them: critical, warning, info; then by report, slice and rule."""
    return sorted(alerts, key=lambda a: (SEVERITIES.index(a.severity), a.report, a.slice, a.rule, a.key))
