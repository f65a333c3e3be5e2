"""The outputs index: every report by type, slice and period, newest first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from reporting.report.html.fragments import render_fragment
from reporting.vocab import labels


@dataclass(frozen=True)
class IndexEntry:
    """One report folder as the index lists it."""

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
            )
        )
    entries.sort(key=lambda e: (e.report, e.slice))
    entries.sort(key=lambda e: e.period_end, reverse=True)
    return entries


def render_index(entries: list[IndexEntry], generated_at: str) -> str:
    """The index page: one self-contained HTML file with relative links (works from a file share)."""
    names = {key.removeprefix("title_"): text for key, text in labels().items() if key.startswith("title_")}
    return render_fragment("index.html.j2", entries=entries, generated_at=generated_at, report_names=names).data
