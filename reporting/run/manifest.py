"""A run's manifest.json: its parameters, input fingerprints, row counts, versions, timings and outputs."""

from __future__ import annotations

import platform
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from reporting import __version__
from reporting.intake.load import expand_sources, file_sha256
from reporting.intake.store_queries import query_fingerprint
from reporting.intake.store_schema import is_store_url, masked_url
from reporting.report.params import ReportParams
from reporting.run.params import FILE_PARAMETERS, RunSpec

REPORT_FILES = (
    "report.ipynb", "report.html", "report.pdf", "metrics.json", "rejects.csv",
    "workbook.xlsx", "call_list.xlsx", "taxonomy_suggestions.yaml", "run.log", "manifest.json",
)  # fmt: skip
VERSIONED_PACKAGES = (
    "pandas",
    "numpy",
    "matplotlib",
    "papermill",
    "nbconvert",
    "nbformat",
    "ipykernel",
    "weasyprint",
    "openpyxl",
    "pyarrow",
)


def build_manifest(
    spec: RunSpec,
    params: ReportParams,
    metrics: dict[str, Any],
    staging: Path,
    started: datetime,
    finished: datetime,
    timings: dict[str, float],
) -> dict[str, Any]:
    files = [_file_input(name, Path(value)) for name in FILE_PARAMETERS if (value := getattr(params, name, ""))]
    # the hand-over folder is the staging folder, gone once the report is in place
    parameters = {name: value for name, value in params.notebook_values().items() if name != "handover_dir"}
    return {
        "report": spec.report,
        "params_file": str(spec.params_file),
        "notebook": str(spec.notebook),
        "parameters": {name: masked_url(v) if isinstance(v, str) and is_store_url(v) else v for name, v in parameters.items()},
        "period": {"start": spec.period_start.isoformat(), "end": spec.period_end.isoformat()},
        "inputs": _source_inputs(spec, metrics) + files,
        "rows": metrics.get("ledger", {}),
        "sample": metrics.get("sample", {}),
        "versions": {"python": platform.python_version(), "reporting": __version__, **_package_versions()},
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": finished.isoformat(timespec="seconds"),
        "seconds": timings,
        "outputs": [
            {"file": name, "sha256": file_sha256(staging / name), "bytes": (staging / name).stat().st_size}
            for name in REPORT_FILES
            if name != "manifest.json" and (staging / name).exists()
        ],
    }


def _source_inputs(spec: RunSpec, metrics: dict[str, Any]) -> list[dict[str, Any]]:
    """Fingerprints of the records: each file's sha256, or the store query's fingerprint and row count."""
    source = spec.source
    if not source:
        return []
    if is_store_url(source):
        ledger = metrics.get("ledger")
        rows = int(ledger["analysed"]) + int(ledger["outside_period"]) if ledger else None
        entry = {"parameter": "source", "store": masked_url(source), "rows": rows}
        if rows is not None:
            entry["query_fingerprint"] = query_fingerprint(source, spec.period_start, spec.period_end, rows)
        return [entry]
    return [_file_input("source", path) for path in expand_sources(source)]


def _file_input(parameter: str, path: Path) -> dict[str, Any]:
    return {"parameter": parameter, "path": str(path), "sha256": file_sha256(path), "bytes": path.stat().st_size}


def _package_versions() -> dict[str, str]:
    versions = {}
    for name in VERSIONED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions
