"""Executing a report notebook with papermill and exporting it, atomically.

Everything is written into a staging folder next to the destination; only a complete
report (notebook, HTML, PDF, metrics, manifest) is renamed into place, so a failed
run never replaces a good report. A failed run's notebook and log are kept under
``<output_dir>/<report>/failed/``.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import nbformat

from reporting.config import PROJ_ROOT
from reporting.errors import (
    NotebookFailedError,
    ReportingError,
    UnexpectedError,
    UserInputError,
    describe,
    is_user_mistake,
    write_traceback,
)
from reporting.export.files import collect_optional_output, collect_output, write_json, write_rejects_csv, write_text, write_workbook
from reporting.export.pages import html_to_pdf, notebook_to_html, write_page
from reporting.export.pages import preload as export_preload
from reporting.report.mimetypes import METRICS_MIMETYPE, REJECTS_MIMETYPE, SUGGESTIONS_MIMETYPE, WORKBOOK_MIMETYPE
from reporting.report.params import ReportParams
from reporting.run.kernels import SharedKernel
from reporting.run.manifest import REPORT_FILES, build_manifest
from reporting.run.params import RunSpec
from reporting.run.staging import clear_abandoned_staging, keep_failed, lock, replace_report, run_lock_name, run_log, stage
from reporting.vocab import label, labels


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
    with lock(spec, run_lock_name(spec), wait=False), _kernel_for(spec, kernel) as running:
        return _run_locked(spec, fail_on_empty, running)


@contextlib.contextmanager
def _kernel_for(spec: RunSpec, kernel: SharedKernel | None) -> Iterator[SharedKernel]:
    """The kernel given, or one started for this run alone (shut down after it)."""
    if kernel is not None:
        yield kernel
        return
    own = SharedKernel(spec.output_dir / "logs" / "kernel.log", single_report=True)
    try:
        yield own
    finally:
        own.close()


def _run_locked(spec: RunSpec, fail_on_empty: bool, kernel: SharedKernel) -> RunResult:
    started = spec.params.wall_clock()
    clock = time.perf_counter()
    staging_root = spec.output_dir / spec.report / ".staging"
    clear_abandoned_staging(staging_root, run_lock_name(spec))
    staging = staging_root / f"{run_lock_name(spec)}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    staging.mkdir(parents=True)
    # the run's moment and hand-over folder are parameters like any other: nothing reaches the kernel another way
    params = spec.params.replace(generated_at=started.replace(tzinfo=None, second=0), handover_dir=str(staging))
    timings: dict[str, float] = {}
    _execute_notebook(spec, staging, params, timings, kernel)
    try:
        with _heap_frozen():
            metrics = _export(spec, staging, params, started, timings, {"pid": kernel.pid, "reports": kernel.runs})
        if fail_on_empty and metrics.get("sample", {}).get("attempted") == 0:
            shutil.rmtree(staging, ignore_errors=True)
            raise UserInputError(label("empty_period_error", start=spec.period_start, end=spec.period_end))
        with lock(spec, f"{spec.period_name}.swap", wait=True):
            replace_report(staging, spec.destination, keep_subfolders=not spec.slice_value)
    except ReportingError:
        if staging.exists():
            keep_failed(staging, spec)
        raise
    except Exception as error:  # a writer met something unforeseen: one line, the traceback kept
        if not staging.exists():
            raise
        raise _unexpected("导出报告", error, keep_failed(staging, spec)) from None
    except BaseException:
        if staging.exists():
            keep_failed(staging, spec)
        raise
    files = tuple(spec.destination / name for name in REPORT_FILES if (spec.destination / name).exists())
    return RunResult(spec.destination, files, time.perf_counter() - clock, metrics["sample"]["attempted"] if "sample" in metrics else None)


def _execute_notebook(spec: RunSpec, staging: Path, params: ReportParams, timings: dict[str, float], kernel: SharedKernel) -> None:
    """Run the notebook with papermill into ``staging/report.ipynb``; a failure keeps the staging folder under ``failed/``."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    # this process waits while the kernel computes: it loads the exporters meanwhile
    loading = threading.Thread(target=_preload_exporters, daemon=True)
    loading.start()
    try:
        with run_log(staging / "run.log"), stage(timings, "execute"):
            papermill.execute_notebook(
                str(spec.notebook),
                str(staging / "report.ipynb"),
                parameters=params.notebook_values(),
                cwd=str(PROJ_ROOT),
                progress_bar=False,
                log_output=True,
                kernel_name="python3",
                language="python",
                km=kernel.ready(),
            )
    except PapermillExecutionError as error:
        kept = keep_failed(staging, spec)
        if is_user_mistake(error.ename):
            # the notebook met a user mistake (bad file, bad vocabulary YAML): exit 2, say what
            raise UserInputError(error.evalue) from None
        raise NotebookFailedError(error.cell_index + 1, error.ename, error.evalue, kept / "report.ipynb") from None
    except Exception as error:  # the kernel died, papermill failed …: one line, the traceback kept
        raise _unexpected("执行报告笔记本", error, keep_failed(staging, spec)) from None
    except BaseException:
        keep_failed(staging, spec)
        raise
    finally:
        kernel.finish()
        loading.join()


def _preload_exporters() -> None:
    """Import the PDF renderer ahead of need; a failure is left to the real import to report."""
    with contextlib.suppress(Exception):
        export_preload()


def _export(
    spec: RunSpec, staging: Path, params: ReportParams, started: datetime, timings: dict[str, float], kernel: dict[str, int]
) -> dict[str, Any]:
    """Write the report's files next to the executed notebook: PDF, HTML, metrics, rejects, workbook, manifest."""
    notebook = nbformat.read(staging / "report.ipynb", as_version=4)
    title = f"{labels().get(f'title_{spec.report}', label('report_title'))} {spec.period_title}"
    metrics = collect_output(notebook, METRICS_MIMETYPE)
    rejects = collect_output(notebook, REJECTS_MIMETYPE)
    workbook = collect_optional_output(notebook, WORKBOOK_MIMETYPE)
    with _beside_pdf(workbook, rejects, staging, timings) as write_page_beside:
        with stage(timings, "html"):
            html = notebook_to_html(notebook, title)
        write_page_beside(html)
        with stage(timings, "pdf"):
            html_to_pdf(html, staging / "report.pdf")
    write_json(metrics, staging / "metrics.json")
    write_rejects_csv(rejects, staging / "rejects.csv")
    suggestions = collect_optional_output(notebook, SUGGESTIONS_MIMETYPE)
    if suggestions is not None:
        write_text(suggestions["yaml"], staging / "taxonomy_suggestions.yaml")
    finished = spec.params.wall_clock()
    manifest = build_manifest(spec, params, metrics, staging, started, finished, timings)
    write_json({**manifest, "kernel": kernel}, staging / "manifest.json")
    return metrics


@contextlib.contextmanager
def _heap_frozen() -> Iterator[None]:
    """Leave what this process holds out of the garbage collector's passes until the block ends (``gc.freeze``).

    The PDF's layout allocates enough to set off a full collection, which would walk the
    ~300k objects of the loaded libraries (~0.1 s); the forked writers inherit the frozen
    heap too. Unfrozen afterwards, so a batch worker's garbage is still collected later.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextlib.contextmanager
def _beside_pdf(
    workbook: dict[str, Any] | None, rejects: dict[str, Any], staging: Path, timings: dict[str, float]
) -> Iterator[Callable[[str], None]]:
    """Write the workbook and the HTML page (its font subset) in forked processes while the body converts and prints the PDF.

    All are CPU-bound and independent: the workbook starts at once, before the notebook is
    converted to HTML; the page as soon as the body hands its HTML to the function yielded.
    Leaving waits for both (an error of either is raised here). Their stage times are added
    to ``timings`` (``workbook``, ``html_fonts``) with ``beside_wait``, the time the PDF's
    end waited for them.
    """
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    writing: list[Future[dict[str, float]]] = []
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork")) as pool:
        if workbook is not None:
            writing.append(pool.submit(_write_workbook_timed, workbook, rejects, staging))
        yield lambda html: writing.append(pool.submit(_write_page_timed, html, staging))
        with stage(timings, "beside_wait"):
            for future in writing:
                timings.update(future.result())


def _write_workbook_timed(workbook: dict[str, Any], rejects: dict[str, Any], staging: Path) -> dict[str, float]:
    """Write the workbook (run in a forked process); the seconds it took."""
    timings: dict[str, float] = {}
    with stage(timings, "workbook"):
        write_workbook(workbook, rejects, staging)
    return timings


def _write_page_timed(html: str, staging: Path) -> dict[str, float]:
    """Write report.html with its font subset (run in a forked process); the seconds it took."""
    timings: dict[str, float] = {}
    with stage(timings, "html_fonts"):
        write_page(html, staging / "report.html")
    return timings


def _unexpected(what: str, error: Exception, kept: Path) -> UnexpectedError:
    """An unforeseen failure of a run: its traceback written to ``error.log`` in the kept folder."""
    return UnexpectedError(what, describe(error), write_traceback(error, kept / "error.log"))
