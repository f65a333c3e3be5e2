"""Evaluating the alert rules over reports' metrics: one report after its run, every report of a batch together.

Pure: metrics documents (what each report's ``metrics.json`` holds) in, alerts out. The
tests behind ``change`` and ``emerging`` alerts form one family each across every report
and slice evaluated together, corrected with Benjamini–Hochberg at the rules' q — so
twenty stationary slices do not produce a false alarm where one slice would not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from reporting.alerts.model import Alert, most_severe_first
from reporting.alerts.rules import RECENT_METRICS, AlertRule, AlertRules
from reporting.analysis.compare import two_sided_normal_p
from reporting.analysis.metrics import Z95
from reporting.analysis.multiplicity import adjust_p_values
from reporting.vocab import label


@dataclass(frozen=True)
class ReportMetrics:
    """One report to evaluate: its metrics document and where it lives.

    Attributes:
        report: the report's name (``weekly``).
        period: its period folder name.
        slice: its slice label ("" for the overall report).
        link: its page, relative to the outputs folder (``weekly/<period>/<slice>/report.html``).
        document: its metrics document.
    """

    report: str
    period: str
    slice: str
    link: str
    document: dict[str, Any]


def evaluate(reports: Sequence[ReportMetrics], rules: AlertRules, base_url: str = "") -> list[Alert]:
    """Every alert the rules raise over these reports, most severe first.

    Args:
        reports: the reports evaluated together (a run's one, a batch's all).
        rules: the alert rules.
        base_url: put before each link (``https://reports.example/``), "" for links relative to the outputs folder.
    """
    found: list[Alert] = []
    for report in reports:
        found += _thresholds(report, rules.of_kind("threshold"))
        found += _responses(report, rules.of_kind("response"))
        found += _overdue(report, rules.of_kind("overdue"))
    tested = [a for r in reports for a in _changes(r, rules.of_kind("change"))] + [
        a for r in reports for a in _emerging(r, rules.of_kind("emerging"))
    ]
    found += _significant(tested, rules.q)
    return most_severe_first([replace(a, link=base_url + a.link) if base_url else a for a in _once_per_response(found)])


def _once_per_response(alerts: list[Alert]) -> list[Alert]:
    """One alert per response: a customer in both the overall report and a slice's is named once (the first report's)."""
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for alert in alerts:
        if alert.kind == "response":
            identity = (alert.report, alert.period, alert.key.rsplit("|", 1)[-1])
            if identity in seen:
                continue
            seen.add(identity)
        kept.append(alert)
    return kept


def _significant(candidates: list[tuple[Alert, bool]], q_level: float) -> list[Alert]:
    """The tested candidates that fire: each kind's p-values corrected as one family; fire when q passes and the rule's size holds."""
    fired = []
    for kind in ("change", "emerging"):
        family = [(alert, big) for alert, big in candidates if alert.kind == kind]
        q_values = adjust_p_values([alert.p for alert, _ in family])
        for (alert, big_enough), q in zip(family, q_values, strict=True):
            if big_enough and q is not None and q <= q_level:
                fired.append(replace(alert, p=round(alert.p, 6) if alert.p is not None else None, q=round(q, 6)))
    return fired


def _alert(report: ReportMetrics, rule: AlertRule, metric: str, message: str, **numbers: Any) -> Alert:
    record = numbers.pop("record", "")
    key = "|".join(filter(None, (rule.name, report.report, report.slice or "全部", report.period, record)))
    values = {"value": None, "baseline": None, "n": None, "p": None, "q": None} | numbers
    return Alert(
        key,
        rule.kind,
        rule.name,
        report.report,
        report.slice,
        report.period,
        metric,
        severity=rule.severity,
        message=message,
        link=report.link,
        **values,
    )


def _where(report: ReportMetrics) -> str:
    return f"【{report.slice}】" if report.slice else ""


def kpi(document: dict[str, Any], metric: str) -> tuple[float | None, int, dict[str, Any]]:
    """A KPI's value, its n and its entry (with ``ci95`` and ``change``) in a weekly metrics document."""
    entry = (
        document.get("scores", {}).get(metric)
        if metric.startswith("score_")
        else document.get("satisfaction" if metric == "overall_satisfaction" else metric)
    )
    if not entry:
        return None, 0, {}
    return entry.get("value", entry.get("mean")), int(entry.get("n") or 0), entry


def _thresholds(report: ReportMetrics, rules: tuple[AlertRule, ...]) -> list[Alert]:
    alerts = []
    for rule in rules:
        value, n, _ = kpi(report.document, rule.metric)
        if value is None or n < rule.min_n:
            continue
        bound = (
            rule.below
            if rule.below is not None and value < rule.below
            else rule.above
            if rule.above is not None and value > rule.above
            else None
        )
        if bound is None:
            continue
        side = "below" if bound == rule.below else "above"
        message = _where(report) + label(
            f"alert_threshold_{side}", name=label(rule.metric), value=_fmt(rule.metric, value), bound=_fmt(rule.metric, bound), n=n
        )
        alerts.append(_alert(report, rule, rule.metric, message, value=value, baseline=bound, n=n))
    return alerts


def _changes(report: ReportMetrics, rules: tuple[AlertRule, ...]) -> list[tuple[Alert, bool]]:
    """Change candidates with their p (not yet corrected) and whether direction and size hold."""
    candidates = []
    for rule in rules:
        value, n, entry = kpi(report.document, rule.metric)
        if value is None or n < rule.min_n:
            continue
        baseline, p, base_n = _baseline(report.document, rule, value, n, entry)
        if baseline is None or p is None or base_n < rule.min_n:
            continue
        delta = value - baseline
        toward = delta < 0 if rule.direction == "down" else delta > 0
        size = abs(delta) >= rule.min_delta and (not rule.min_relative or (baseline and abs(delta) >= rule.min_relative * abs(baseline)))
        against = label("alert_against_previous") if rule.against == "previous" else label("alert_against_recent", k=rule.k)
        message = _where(report) + label(
            "alert_change_down" if delta < 0 else "alert_change_up",
            name=label(rule.metric), against=against, baseline=_fmt(rule.metric, baseline), value=_fmt(rule.metric, value), n=n,
        )  # fmt: skip
        alert = _alert(report, rule, rule.metric, message, value=value, baseline=baseline, n=n, p=p)
        candidates.append((alert, bool(toward and size)))
    return candidates


def _baseline(
    document: dict[str, Any], rule: AlertRule, value: float, n: int, entry: dict[str, Any]
) -> tuple[float | None, float | None, int]:
    """The rule's baseline, the p of the difference and the baseline's n (the previous period's test, or the recent periods')."""
    if rule.against == "previous":
        change = entry.get("change") or {}
        return change.get("previous"), change.get("p"), int(change.get("n_previous") or 0)
    column = RECENT_METRICS.get(rule.metric)
    earlier = [row for row in document.get("trend", []) if not row.get("current")][-rule.k :]
    rows = [row for row in earlier if column and row.get(column) is not None and row.get("n")]
    if not rows or not entry.get("ci95") or None in entry["ci95"]:
        return None, None, 0
    base_n = sum(int(row["n"]) for row in rows)
    baseline = sum(float(row[column]) * int(row["n"]) for row in rows) / base_n
    low, high = entry["ci95"]
    se_now = (float(high) - float(low)) / (2 * Z95)  # the period's own standard error, from its interval
    se_base = se_now * math.sqrt(n / base_n)  # the same spread per response, over the earlier periods' responses
    z = (value - baseline) / math.hypot(se_now, se_base) if se_now else None
    return baseline, (two_sided_normal_p(z) if z is not None else None), base_n


def _emerging(report: ReportMetrics, rules: tuple[AlertRule, ...]) -> list[tuple[Alert, bool]]:
    """Problem types and discovered themes whose share is well above their recent share: one-sided binomial test.

    Each one's history (``problem_history``: its share of valid responses per period, this
    period last) gives this period's share and count and the baseline (the mean of the k
    periods before).
    """
    from scipy.stats import binomtest  # imported on use, like every SciPy test here

    valid = int(report.document.get("sample", {}).get("valid") or 0)
    candidates = []
    for rule in rules:
        for name, history in report.document.get("problem_history", {}).items():
            shares = [float(s["share"]) for s in history]
            earlier = shares[:-1][-rule.k :]
            if not earlier or valid == 0:
                continue
            share, baseline = shares[-1], sum(earlier) / len(earlier)
            count = round(share * valid)
            p = binomtest(count, valid, max(baseline, 0.5 / valid), alternative="greater").pvalue
            big = share >= rule.ratio * baseline and share >= rule.min_share and count >= rule.min_count
            shown = {"name": name, "share": share, "count": count, "baseline": baseline, "k": len(earlier)}
            message = _where(report) + label("alert_emerging", **shown)
            alert = _alert(report, rule, f"problem:{name}", message, value=share, baseline=baseline, n=valid, p=float(p), record=name)
            candidates.append((alert, big))
    return candidates


def _responses(report: ReportMetrics, rules: tuple[AlertRule, ...]) -> list[Alert]:
    alerts = []
    for rule in rules:
        for entry in report.document.get("attention", []):
            if entry.get("rule") != rule.name:
                continue
            shown = {
                "customer": entry["customer_id"],
                "score": entry.get("overall_satisfaction"),
                "customer_type": entry.get("customer_type") or "",
                "words": "、".join(entry.get("words", [])),
                "quote": entry.get("quote", ""),
            }
            message = _where(report) + label(f"alert_response_{entry['reason']}", **shown)
            alerts.append(_alert(report, rule, "record", message, value=entry.get("overall_satisfaction"), n=1, record=entry["record_id"]))
    return alerts


def _overdue(report: ReportMetrics, rules: tuple[AlertRule, ...]) -> list[Alert]:
    followup = report.document.get("followup") or {}
    overdue = followup.get("overdue")
    alerts = []
    for rule in rules:
        if overdue is not None and overdue > rule.more_than:
            message = _where(report) + label("alert_overdue", count=overdue, limit=rule.more_than)
            alerts.append(_alert(report, rule, "overdue", message, value=float(overdue), baseline=float(rule.more_than), n=int(overdue)))
    return alerts


def _fmt(metric: str, value: float) -> str:
    """A KPI's value as the messages show it: NPS in points, shares as percentages, means to two decimals."""
    if metric == "nps":
        return f"{value:.1f}"
    if metric == "csat":
        return f"{value:.1%}"
    return f"{value:.2f} 分"
