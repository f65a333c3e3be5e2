"""Alerts after a run or a batch: evaluate the reports' metrics together, send what nobody was told yet, keep the record.

A params file's ``alerts:`` section names the rules, a ``base_url`` for links and the
channels. Every report of a run (a batch: every report and slice) is evaluated together,
so the change tests are one family. For each channel, the sent-alerts ledger in the store
drops what was already sent and what is inside its rule's cooldown, adds one 已恢复 line
for a condition that cleared, and claims the rest before sending (two schedulers never
send the same alert); a delivery that fails is released for the next run to retry. One
grouped message per channel; a delivery failure never changes the reports or the exit code.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from reporting.alerts import ledger
from reporting.alerts.channels import Channel
from reporting.alerts.deliver import Delivery, deliver_planned
from reporting.alerts.evaluate import ReportMetrics, evaluate
from reporting.alerts.message import DEFAULT_TITLE
from reporting.alerts.model import Alert, most_severe_first
from reporting.alerts.rules import load_alert_rules
from reporting.alerts.settings import AlertSettings, unset_channels
from reporting.config import named_setting
from reporting.errors import ReportingError
from reporting.export.files import write_json
from reporting.intake.store_schema import store_url
from reporting.run.params import RunSpec
from reporting.vocab import label


@dataclass(frozen=True)
class AlertRun:
    """What one evaluation found and did.

    Attributes:
        fired: every alert the rules raised, most severe first.
        recovered: the 已恢复 lines of conditions that cleared.
        sent: channel label → the keys of the alerts sent there (or, in a dry run, that would be).
        deliveries: how each channel's message went.
        dry_run: nothing was sent or recorded.
    """

    fired: tuple[Alert, ...]
    recovered: tuple[Alert, ...] = ()
    sent: dict[str, list[str]] = field(default_factory=dict)
    deliveries: tuple[Delivery, ...] = ()
    dry_run: bool = False


def reports_of(specs: list[RunSpec]) -> list[ReportMetrics]:
    """The finished reports of these runs, as the evaluation reads them (runs without a metrics.json are left out)."""
    reports = []
    for spec in specs:
        metrics = spec.destination / "metrics.json"
        if metrics.is_file():
            link = spec.destination.relative_to(spec.output_dir) / "report.html"
            document = json.loads(metrics.read_text(encoding="utf-8"))
            reports.append(ReportMetrics(spec.report, spec.period_name, spec.slice_value, f"{link.as_posix()}#alerts", document))
    return reports


def run_alerts(specs: list[RunSpec], settings: AlertSettings, now: datetime, dry_run: bool = False) -> AlertRun:
    """Evaluate the runs' reports together and send each channel what it was not yet sent.

    Args:
        specs: the runs (a single run, or every run of a batch).
        settings: the params file's ``alerts:`` section.
        now: the moment, for the ledger (cooldowns).
        dry_run: print what would be sent: nothing is sent or recorded.

    Returns:
        What was found, sent and how each delivery went.
    """
    rules_file = settings.rules or str(getattr(specs[0].params, "alert_rules", "") if specs else "")
    rules = load_alert_rules(Path(rules_file) if rules_file else None)  # the rules the reports' pages used
    fired = tuple(evaluate(reports_of(specs), rules, settings.base_url))
    url = _ledger_url(specs)  # None: no store is kept, nothing is remembered and every alert goes out
    recovered = tuple(_recoveries(url, fired, specs)) if url else ()
    cooldowns = {rule.name: timedelta(days=rule.cooldown_days) for rule in rules.rules}
    names = {channel: ledger_channel(channel) for channel in settings.channels}
    pending = [*fired, *recovered]
    plans = [(c, ledger.to_send(url, pending, names[c], now, cooldowns) if url else pending) for c in settings.channels]
    if dry_run:
        return AlertRun(fired, recovered, {channel.label: [a.key for a in plan] for channel, plan in plans}, (), dry_run)
    # claimed first, every channel: a second scheduler finds them taken; then sent side by side
    claims = [(c, most_severe_first(ledger.record_sent(url, plan, names[c], now) if url else plan)) for c, plan in plans]
    deliveries = deliver_planned(claims, DEFAULT_TITLE)
    outcome = {delivery.name: delivery for delivery in deliveries}
    sent: dict[str, list[str]] = {}
    for channel, claimed in claims:
        delivery = outcome.get(channel.name)
        if url and delivery is not None and not delivery.ok:
            ledger.forget_sent(url, claimed, names[channel])  # released: the next run tries again
        sent[channel.label] = [a.key for a in claimed] if delivery is not None and delivery.ok else []
    return AlertRun(fired, recovered, sent, tuple(deliveries), dry_run)


def ledger_channel(channel: Channel) -> str:
    """How the sent-alerts ledger names a channel: its label and a fingerprint of its address (or recipients).

    A robot replaced by another (a test group, then the real one) under the same variable
    name is a new channel that has been told nothing yet; the address itself is never stored.
    """
    target = named_setting(channel.url_env) if channel.url_env else ",".join(channel.to)
    return f"{channel.label}#{hashlib.sha256(target.encode()).hexdigest()[:12]}"


def _ledger_url(specs: list[RunSpec]) -> str | None:
    """The store that remembers sent alerts: the runs' follow-up store ("" the default), None when the runs keep no store."""
    chosen = str(getattr(specs[0].params, "followup_store", "")) if specs else ""
    return None if chosen.strip().lower() == "none" else store_url(chosen)


def _recoveries(url: str, fired: tuple[Alert, ...], specs: list[RunSpec]) -> list[Alert]:
    """One 已恢复 line per condition that fired earlier on a report and period evaluated now and no longer does."""
    found = []
    groups: dict[tuple[str, str], set[str]] = {}
    for spec in specs:
        groups.setdefault((spec.report, spec.period_name), set()).add(spec.slice_value)
    for (report, period), slices in groups.items():
        found += ledger.recoveries(url, list(fired), report, period, slices)
    return found


def alerts_document(run: AlertRun) -> dict[str, Any]:
    """``alerts.json``: every alert of the run, the 已恢复 lines, what was sent where and how each delivery went."""
    return {
        "dry_run": run.dry_run,
        "alerts": [asdict(a) for a in run.fired],
        "recovered": [asdict(a) for a in run.recovered],
        "sent": run.sent,
        "deliveries": [asdict(d) for d in run.deliveries],
    }


def summary_lines(run: AlertRun) -> list[str]:
    """What the command prints: the alerts (most severe first) and each channel's outcome."""
    lines = [f"预警：{len(run.fired)} 条" + (f"，已恢复 {len(run.recovered)} 条" if run.recovered else "")]
    lines += [f"  [{label(f'severity_{a.severity}')}] {a.message}" for a in most_severe_first([*run.fired, *run.recovered])]
    verb = "将发送" if run.dry_run else "已发送"
    total = len(run.fired) + len(run.recovered)
    for channel, keys in run.sent.items():
        held = total - len(keys)
        lines.append(f"  {channel}：{verb} {len(keys)} 条" + (f"（另 {held} 条此前已发送或在冷却期内）" if held > 0 else ""))
    lines += [f"  {d.channel}（{d.target}）发送失败（共尝试 {d.attempts} 次）：{d.error}" for d in run.deliveries if not d.ok]
    return lines


def alerts_file(specs: list[RunSpec]) -> Path:
    """Where a run's alerts.json goes: beside the outputs index for a batch, in the report's folder for one run."""
    if len(specs) == 1 and not specs[0].slice_value:
        return specs[0].destination / "alerts.json"
    return specs[0].output_dir / "alerts.json"


def alert_after_runs(runs: list[RunSpec], in_manifest: bool = False, dry_run: bool = False) -> tuple[list[str], list[str]]:
    """Evaluate and send the alerts of finished runs, per params file with an ``alerts`` section.

    Writes alerts.json (beside the index for a batch, in the report's folder for one run)
    and, for one run, adds the alerts and deliveries to its manifest. A store or rules
    problem is returned as a warning: the reports are done and stay as they are.

    Args:
        runs: the finished runs.
        in_manifest: record the outcome in the (single) run's manifest.json.
        dry_run: only say what would be sent.

    Returns:
        The lines to print and the warnings.
    """
    lines: list[str] = []
    warnings: list[str] = []
    for params_file in dict.fromkeys(spec.params_file for spec in runs if spec.alerts):
        mine = [spec for spec in runs if spec.params_file == params_file]
        try:
            outcome = run_alerts(mine, mine[0].alerts, mine[0].params.now, dry_run=dry_run)  # type: ignore[arg-type]
        except ReportingError as error:
            warnings.append(f"预警未能评估或发送：{error}")
            continue
        lines += summary_lines(outcome)
        if dry_run:
            continue
        document = alerts_document(outcome)
        write_json(document, alerts_file(mine))
        if in_manifest and len(mine) == 1:
            _add_to_manifest(mine[0].destination / "manifest.json", document)
    return lines, warnings


def _add_to_manifest(path: Path, alerts: dict[str, Any]) -> None:
    """Record the run's alerts and deliveries in its manifest (written before they were sent)."""
    manifest = json.loads(path.read_text(encoding="utf-8"))
    keys = ("sent", "deliveries")
    manifest["alerts"] = {"fired": len(alerts["alerts"]), "recovered": len(alerts["recovered"])} | {k: alerts[k] for k in keys}
    write_json(manifest, path)


def unreachable(runs: list[RunSpec], existing: bool = False) -> list[str]:
    """The alert channels that cannot be reached; with ``existing`` (evaluating reports already made), the reports missing."""
    warnings = list(dict.fromkeys(w for spec in runs for w in unset_channels(spec.alerts)))
    missing = [spec.destination for spec in runs if spec.alerts and not (spec.destination / "metrics.json").is_file()]
    if existing and missing:
        warnings.append(f"{len(missing)} 份报告尚未生成，本次评估不含它们（如 {missing[0]}）：请检查 --output-dir 与周期")
    return warnings
