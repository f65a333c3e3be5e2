"""Executing a report notebook with papermill and exporting it, atomically.

Everything is written into a staging folder next to the destination; only a complete
report (notebook, HTML, PDF, metrics, manifest) is renamed into place, so a failed
run never replaces a good report. A failed run's notebook and log are kept under
``<output_dir>/<report>/failed/``.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import platform
import re
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import nbformat

from reporting import __version__
from reporting.config import PROJ_ROOT
from reporting.errors import (
    NotebookFailedError,
    ReportingError,
    RunLockedError,
    UnexpectedError,
    UserInputError,
    describe,
    write_traceback,
)
from reporting.export.files import collect_optional_output, collect_output, write_json, write_rejects_csv, write_text, write_workbook
from reporting.export.pages import html_to_pdf, notebook_to_html, write_page
from reporting.export.pages import preload as export_preload
from reporting.intake.load import expand_sources, file_sha256
from reporting.intake.store import is_store_url, masked_url, query_fingerprint
from reporting.report.mimetypes import METRICS_MIMETYPE, REJECTS_MIMETYPE, SUGGESTIONS_MIMETYPE, WORKBOOK_MIMETYPE
from reporting.run.kernels import SharedKernel
from reporting.run.params import FILE_PARAMETERS, RunSpec, safe_folder_name
from reporting.vocab import label, labels

TIMEZONE = ZoneInfo("Asia/Shanghai")
USER_ERROR_NAMES = frozenset(c.__name__ for c in (UserInputError, *UserInputError.__subclasses__()))
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


@dataclass(frozen=True)
class RunResult:
    """A finished run: where its files are and how long it took."""

    destination: Path
    files: tuple[Path, ...]
    seconds: float
    attempted: int | None


def run_report(spec: RunSpec, fail_on_empty: bool = False, kernel: SharedKernel | None = None) -> RunResult:
    """Execute the report notebook and export it into ``spec.destination``.

    Only one run per report, period and slice at a time (a second one exits with
    ``RunLockedError``). Everything is written into a staging folder and swapped into
    place only when complete; a failed run is kept under ``failed/`` with its log.
    The source is read once, by the kernel: an empty period is known from the run's
    own ledger.

    Args:
        spec: the validated run.
        fail_on_empty: a period without records is an error (exit 2) and replaces nothing.
        kernel: a kernel started ahead (``reporting run``) or kept between the reports of a batch
            worker; None: one is started for this run.

    Returns:
        The destination folder and its files.

    Raises:
        NotebookFailedError: a cell failed; the executed notebook was kept for debugging.
        RunLockedError: the same report is being produced by another process.
        UserInputError: ``fail_on_empty`` and the period has no records.
    """
    with _lock(spec, _run_lock_name(spec), wait=False), _kernel_for(spec, kernel) as running:
        return _run_locked(spec, fail_on_empty, running)


@contextlib.contextmanager
def _kernel_for(spec: RunSpec, kernel: SharedKernel | None) -> Iterator[SharedKernel]:
    """The kernel given, or one started for this run alone (shut down after it)."""
    if kernel is not None:
        yield kernel
        return
    own = SharedKernel(spec.output_dir / "logs" / "kernel.log")
    try:
        yield own
    finally:
        own.close()


def _run_locked(spec: RunSpec, fail_on_empty: bool, kernel: SharedKernel) -> RunResult:
    started = datetime.now(TIMEZONE)
    clock = time.perf_counter()
    staging_root = spec.output_dir / spec.report / ".staging"
    _clear_abandoned_staging(staging_root, _run_lock_name(spec))
    staging = staging_root / f"{_run_lock_name(spec)}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging.mkdir(parents=True)
    parameters = {**spec.parameters, "generated_at": started.strftime("%Y-%m-%d %H:%M")}
    timings: dict[str, float] = {}
    _execute_notebook(spec, staging, parameters, timings, kernel)
    try:
        metrics = _export(spec, staging, parameters, started, timings, {"pid": kernel.pid, "reports": kernel.runs})
        if fail_on_empty and metrics.get("sample", {}).get("attempted") == 0:
            shutil.rmtree(staging, ignore_errors=True)
            raise UserInputError(label("empty_period_error", start=spec.period_start, end=spec.period_end))
        with _lock(spec, f"{spec.period_name}.swap", wait=True):
            _replace(staging, spec.destination, keep_subfolders=not spec.slice_value)
    except ReportingError:
        if staging.exists():
            _keep_failed(staging, spec)
        raise
    except Exception as error:  # a writer met something unforeseen: one line, the traceback kept
        if not staging.exists():
            raise
        raise _unexpected("导出报告", error, _keep_failed(staging, spec)) from None
    except BaseException:
        if staging.exists():
            _keep_failed(staging, spec)
        raise
    files = tuple(spec.destination / name for name in REPORT_FILES if (spec.destination / name).exists())
    return RunResult(spec.destination, files, time.perf_counter() - clock, metrics["sample"]["attempted"] if "sample" in metrics else None)


def _execute_notebook(spec: RunSpec, staging: Path, parameters: dict[str, Any], timings: dict[str, float], kernel: SharedKernel) -> None:
    """Run the notebook with papermill into ``staging/report.ipynb``; a failure keeps the staging folder under ``failed/``."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    # this process waits while the kernel computes: it loads the exporters meanwhile
    loading = threading.Thread(target=_preload_exporters, daemon=True)
    loading.start()
    try:
        with _run_log(staging / "run.log"), _stage(timings, "execute"):
            papermill.execute_notebook(
                str(spec.notebook),
                str(staging / "report.ipynb"),
                parameters=parameters,
                cwd=str(PROJ_ROOT),
                progress_bar=False,
                log_output=True,
                kernel_name="python3",
                language="python",
                km=kernel.ready_for(staging),
            )
    except PapermillExecutionError as error:
        kept = _keep_failed(staging, spec)
        if error.ename in USER_ERROR_NAMES:
            # the notebook met a user mistake (bad file, bad vocabulary YAML): exit 2, say what
            raise UserInputError(error.evalue) from None
        raise NotebookFailedError(error.cell_index + 1, error.ename, error.evalue, kept / "report.ipynb") from None
    except Exception as error:  # the kernel died, papermill failed …: one line, the traceback kept
        raise _unexpected("执行报告笔记本", error, _keep_failed(staging, spec)) from None
    except BaseException:
        _keep_failed(staging, spec)
        raise
    finally:
        kernel.release()
        loading.join()


def _preload_exporters() -> None:
    """Import the PDF renderer ahead of need; a failure is left to the real import to report."""
    with contextlib.suppress(Exception):
        export_preload()


def _export(
    spec: RunSpec, staging: Path, parameters: dict[str, Any], started: datetime, timings: dict[str, float], kernel: dict[str, int]
) -> dict[str, Any]:
    """Write the report's files next to the executed notebook: PDF, HTML, metrics, rejects, workbook, manifest."""
    notebook = nbformat.read(staging / "report.ipynb", as_version=4)
    title = f"{labels().get(f'title_{spec.report}', label('report_title'))} {spec.period_title}"
    metrics = collect_output(notebook, METRICS_MIMETYPE)
    rejects = collect_output(notebook, REJECTS_MIMETYPE)
    workbook = collect_optional_output(notebook, WORKBOOK_MIMETYPE)
    with _stage(timings, "html"):
        html = notebook_to_html(notebook, title)
    with _beside_pdf(html, workbook, rejects, staging, timings), _stage(timings, "pdf"):
        html_to_pdf(html, staging / "report.pdf")
    write_json(metrics, staging / "metrics.json")
    write_rejects_csv(rejects, staging / "rejects.csv")
    suggestions = collect_optional_output(notebook, SUGGESTIONS_MIMETYPE)
    if suggestions is not None:
        write_text(suggestions["yaml"], staging / "taxonomy_suggestions.yaml")
    finished = datetime.now(TIMEZONE)
    manifest = _manifest(spec, parameters, metrics, staging, started, finished, timings)
    write_json({**manifest, "kernel": kernel}, staging / "manifest.json")
    return metrics


@contextlib.contextmanager
def _beside_pdf(
    html: str, workbook: dict[str, Any] | None, rejects: dict[str, Any], staging: Path, timings: dict[str, float]
) -> Iterator[None]:
    """Write the HTML page (its font subset) and the workbook on the second core while the body prints the PDF.

    All three are CPU-bound and independent, so a forked process writes the page and the
    workbook; leaving waits for it (its error, if any, is raised here). The child's stage
    times are added to ``timings`` (``html_fonts``, ``workbook``) with ``beside_wait``, the
    time the PDF's end waited for them.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        writing = pool.submit(_write_page_and_workbook, html, workbook, rejects, staging)
        yield
        with _stage(timings, "beside_wait"):
            timings.update(writing.result())


def _write_page_and_workbook(html: str, workbook: dict[str, Any] | None, rejects: dict[str, Any], staging: Path) -> dict[str, float]:
    """Write report.html and the workbook (run in the forked process); the seconds each took."""
    timings: dict[str, float] = {}
    with _stage(timings, "html_fonts"):
        write_page(html, staging / "report.html")
    if workbook is not None:
        with _stage(timings, "workbook"):
            write_workbook(workbook, rejects, staging)
    return timings


def _unexpected(what: str, error: Exception, kept: Path) -> UnexpectedError:
    """An unforeseen failure of a run: its traceback written to ``error.log`` in the kept folder."""
    return UnexpectedError(what, describe(error), write_traceback(error, kept / "error.log"))


def _clear_abandoned_staging(root: Path, lock_name: str) -> None:
    """Remove staging folders left by killed runs of this same report, period and slice.

    Safe because the caller holds this report's run lock: no live process can be writing
    into a staging folder of the same name.
    """
    if not root.exists():
        return
    pattern = re.compile(rf"^(previous-)?{re.escape(lock_name)}-\d+-[0-9a-f]{{8}}$")
    for child in root.iterdir():
        if child.is_dir() and pattern.match(child.name):
            shutil.rmtree(child, ignore_errors=True)


def _run_lock_name(spec: RunSpec) -> str:
    return f"{spec.period_name}__{safe_folder_name(spec.slice_value) if spec.slice_value else '_all'}"


@contextlib.contextmanager
def _lock(spec: RunSpec, name: str, wait: bool) -> Iterator[None]:
    """An exclusive file lock under ``<output_dir>/<report>/.locks/`` (released when the process dies)."""
    folder = spec.output_dir / spec.report / ".locks"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{name}.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            which = f"{spec.period_name} · {spec.slice_value}" if spec.slice_value else spec.period_name
            raise RunLockedError(f"{spec.report} 报告（{which}）正由另一个进程生成：请等它结束后再运行") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def _run_log(log: Path) -> Iterator[None]:
    """Log the run (papermill's cell progress at INFO) and this process's stderr to ``run.log``."""
    handler = logging.FileHandler(log, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    loggers = [logging.getLogger(name) for name in ("papermill", "reporting")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    try:
        with _stderr_to(log):
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)
            logger.propagate = True
        handler.close()


@contextlib.contextmanager
def _stage(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = round(time.perf_counter() - start, 3)


@contextlib.contextmanager
def _stderr_to(log: Path) -> Iterator[None]:
    """Send this process's stderr to a log file while the notebook runs.

    The Jupyter client libraries print transport warnings on stderr that are noise to a
    user; the log keeps them for debugging (the kernel's own stderr is kept by
    ``kernels.SharedKernel``).
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with log.open("ab") as handle:
        os.dup2(handle.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def _keep_failed(staging: Path, spec: RunSpec) -> Path:
    """Move a failed run's staging folder (notebook, log) under ``failed/`` with a timestamp."""
    stamp = datetime.now(TIMEZONE).strftime("%Y%m%dT%H%M%S")
    kept = spec.output_dir / spec.report / "failed" / f"{_run_lock_name(spec)}-{stamp}-{os.getpid()}"
    kept.parent.mkdir(parents=True, exist_ok=True)
    staging.rename(kept)
    return kept


def _replace(staging: Path, destination: Path, keep_subfolders: bool) -> None:
    """Put the finished report in place; the previous one is removed only afterwards.

    An overall report's folder also holds its slices' folders: those are carried over
    into the new folder (the caller holds the period's swap lock, so no slice is being
    swapped meanwhile).
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    previous = staging.parent / f"previous-{staging.name}"
    if destination.exists():
        destination.rename(previous)
    staging.rename(destination)
    if previous.exists():
        if keep_subfolders:
            for child in previous.iterdir():
                if child.is_dir() and not (destination / child.name).exists():
                    child.rename(destination / child.name)
        shutil.rmtree(previous, ignore_errors=True)


def _manifest(
    spec: RunSpec,
    parameters: dict[str, Any],
    metrics: dict[str, Any],
    staging: Path,
    started: datetime,
    finished: datetime,
    timings: dict[str, float],
) -> dict[str, Any]:
    inputs = _source_inputs(spec, metrics) + [_file_input(name, Path(parameters[name])) for name in FILE_PARAMETERS if parameters.get(name)]
    return {
        "report": spec.report,
        "params_file": str(spec.params_file),
        "notebook": str(spec.notebook),
        "parameters": {name: masked_url(v) if isinstance(v, str) and is_store_url(v) else v for name, v in parameters.items()},
        "period": {"start": spec.period_start.isoformat(), "end": spec.period_end.isoformat()},
        "inputs": inputs,
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
    source = str(spec.parameters.get("source") or "")
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
