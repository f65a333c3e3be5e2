"""The outputs index, the stakeholders' landing page: what changed in each report's latest period, then every report.

Per report and slice, its newest period: each headline KPI with its change against the
previous period (an arrow only when the change passes its corrected test), a sparkline of
the last eight periods, the alerts of that report and its open improvement measures.
Below, every report by type, slice and period, newest first. One offline file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from reporting.analysis.measures import STATUSES
from reporting.report.html.fragments import render_fragment
from reporting.report.html.sparkline import sparkline
from reporting.report.html.values import format_nps, format_percent, format_score, signed_points, signed_score
from reporting.vocab import label, labels

SPARK_PERIODS = 8
ALERTS_SHOWN = 3
HEADLINE_KPIS = (("satisfaction", "satisfaction_mean"), ("csat", "csat"), ("nps", "nps"))  # metrics key, label key


@dataclass(frozen=True)
class KpiChange:
    """One headline KPI of a report: its value, and its change against the previous period.

    Attributes:
        key: ``satisfaction``, ``csat`` or ``nps``.
        value: as people read it (3.39, 49.6%, -28.6).
        delta: the change as people read it (-0.37 分, -13.9 个百分点), "" when untested.
        arrow: ``up`` or ``down`` only when the change passes its corrected test (q), else "".
        decision: the test's word (显著 / 探索性 / 不显著), "" when untested.
    """

    key: str
    name: str
    value: str
    delta: str = ""
    arrow: str = ""
    decision: str = ""


@dataclass(frozen=True)
class IndexEntry:
    """One report folder as the index lists it (and, for the newest of its report and slice, what the landing card shows)."""

    report: str
    slice: str
    period_start: str
    period_end: str
    finished_at: str
    attempted: int | None
    valid: int | None
    satisfaction: float | None
    csat: float | None
    nps: float | None
    links: tuple[tuple[str, str], ...]
    changes: tuple[KpiChange, ...] = ()
    series: tuple[tuple[str, Markup], ...] = ()
    alerts: tuple[dict[str, str], ...] = field(default=())
    alerts_more: int = 0
    measures: dict[str, int] = field(default_factory=dict)


def collect_entries(output_dir: Path) -> list[IndexEntry]:
    """Every finished report under ``output_dir`` (folders holding a manifest), newest period first.

    Args:
        output_dir: the output root.

    Returns:
        The entries, sorted by period end (newest first), report, then slice (overall first).
    """
    entries = []
    for manifest_path in sorted(output_dir.glob("*/*/manifest.json")) + sorted(output_dir.glob("*/*/*/manifest.json")):
        folder = manifest_path.parent
        if any(part.startswith(".") or part == "failed" for part in folder.relative_to(output_dir).parts):
            continue
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        metrics_path = folder / "metrics.json"
        metrics = json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path.exists() else {}
        links = tuple(
            (name, (folder / name).relative_to(output_dir).as_posix())
            for name in ("report.html", "report.pdf", "workbook.xlsx", "call_list.xlsx", "rejects.csv")
            if (folder / name).exists()
        )
        alerts = metrics.get("alerts") or []
        entries.append(
            IndexEntry(
                report=str(manifest.get("report", folder.parts[-2])),
                slice=str(metrics.get("slice") or ""),
                period_start=manifest["period"]["start"],
                period_end=manifest["period"]["end"],
                finished_at=str(manifest.get("finished_at", "")),
                attempted=metrics.get("sample", {}).get("attempted"),
                valid=metrics.get("sample", {}).get("valid"),
                satisfaction=metrics.get("satisfaction", {}).get("value"),
                csat=metrics.get("csat", {}).get("value"),
                nps=metrics.get("nps", {}).get("value"),
                links=links,
                changes=kpi_changes(metrics),
                series=kpi_series(metrics),
                alerts=tuple(_alert(a) for a in alerts[:ALERTS_SHOWN]),
                alerts_more=max(0, len(alerts) - ALERTS_SHOWN),
                measures=measure_counts(metrics),
            )
        )
    entries.sort(key=lambda e: (e.report, e.slice))
    entries.sort(key=lambda e: e.period_end, reverse=True)
    return entries


def kpi_changes(metrics: dict[str, Any]) -> tuple[KpiChange, ...]:
    """A weekly report's headline KPIs with their change against the previous period (none for other reports)."""
    formats = {"satisfaction": format_score, "csat": format_percent, "nps": format_nps}
    changes = []
    for key, name in HEADLINE_KPIS:
        entry = metrics.get(key)
        if not isinstance(entry, dict) or "value" not in entry:
            continue
        change = entry.get("change") or {}
        delta, decision = change.get("delta"), change.get("decision", "untested")
        arrow = ("up" if delta > 0 else "down") if decision == "significant" and delta else ""
        changes.append(
            KpiChange(
                key=key,
                name=label(name),
                value=formats[key](entry["value"]),
                delta=_delta_text(key, delta) if delta is not None else "",
                arrow=arrow,
                decision=label(f"decision_{decision}") if delta is not None else "",
            )
        )
    return tuple(changes)


def kpi_series(metrics: dict[str, Any]) -> tuple[tuple[str, Markup], ...]:
    """Sparklines of the last eight periods: a weekly report's ``trend``, or a trend review's ``weeks``."""
    if metrics.get("trend"):
        periods = metrics["trend"][-SPARK_PERIODS:]
        values = {key: [p.get(key) for p in periods] for key in ("satisfaction", "nps")}
    elif metrics.get("weeks"):
        periods = metrics["weeks"][-SPARK_PERIODS:]
        values = {key: [(p.get(key) or {}).get("value") for p in periods] for key in ("satisfaction", "nps")}
    else:
        return ()
    span = f"{periods[0]['start']} ~ {periods[-1]['end']}"
    names = {"satisfaction": label("satisfaction_mean"), "nps": label("nps")}
    drawn = {key: series for key, series in values.items() if any(v is not None for v in series)}
    return tuple((names[key], sparkline(series, f"{names[key]} {span}")) for key, series in drawn.items())


def measure_counts(metrics: dict[str, Any]) -> dict[str, int]:
    """How many of a report's improvement measures are in each status (weekly: those it tracks; follow-up: the open ones)."""
    counts: dict[str, int] = {}
    for measure in metrics.get("measures") or []:
        counts[measure["status"]] = counts.get(measure["status"], 0) + 1
    return counts


def latest(entries: list[IndexEntry]) -> list[IndexEntry]:
    """The newest entry of each report and slice, in the index's order."""
    seen: set[tuple[str, str]] = set()
    chosen = []
    for entry in entries:
        if (entry.report, entry.slice) not in seen:
            seen.add((entry.report, entry.slice))
            chosen.append(entry)
    return sorted(chosen, key=lambda e: (e.report != "weekly", e.report, e.slice != "", e.slice))


def render_index(entries: list[IndexEntry], generated_at: str) -> str:
    """The index page: one self-contained HTML file with relative links (works from a file share)."""
    names = {key.removeprefix("title_"): text for key, text in labels().items() if key.startswith("title_")}
    statuses = {status: label(f"measure_status_{status}") for status in STATUSES}
    cards = latest(entries)
    return render_fragment(
        "index.html.j2", entries=entries, cards=cards, generated_at=generated_at, report_names=names, statuses=statuses
    ).data


def _delta_text(key: str, delta: float) -> str:
    if key == "csat":
        return signed_points(delta)
    return f"{delta:+.1f}" if key == "nps" else signed_score(delta)


def _alert(alert: dict[str, Any]) -> dict[str, str]:
    return {"level": str(alert["severity"]), "severity": label(f"severity_{alert['severity']}"), "message": str(alert["message"])}
