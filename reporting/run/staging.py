"""Where a run writes before its report is in place: staging folders, locks, the failed-runs folder, the run's log.

A run writes into a staging folder next to its destination and renames it into place only
when complete; one run per report, period and slice at a time (a file lock); a failed run's
notebook and log are kept under ``<output_dir>/<report>/failed/``.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from reporting.errors import (
    RunLockedError,
)
from reporting.run.params import RunSpec, safe_folder_name


def clear_abandoned_staging(root: Path, lock_name: str) -> None:
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


def run_lock_name(spec: RunSpec) -> str:
    return f"{spec.period_name}__{safe_folder_name(spec.slice_value) if spec.slice_value else '_all'}"


@contextlib.contextmanager
def lock(spec: RunSpec, name: str, wait: bool) -> Iterator[None]:
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
def run_log(log: Path) -> Iterator[None]:
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
def stage(timings: dict[str, float], name: str) -> Iterator[None]:
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


def keep_failed(staging: Path, spec: RunSpec) -> Path:
    """Move a failed run's staging folder (notebook, log) under ``failed/`` with a timestamp and the process id.

    A second failure of the same report in the same process and second (a batch worker, a
    test calling the command in-process) is kept beside the first with a counter (``-2``).
    """
    stamp = spec.params.wall_clock().strftime("%Y%m%dT%H%M%S")
    first = spec.output_dir / spec.report / "failed" / f"{run_lock_name(spec)}-{stamp}-{os.getpid()}"
    kept, count = first, 1
    while kept.exists():
        count += 1
        kept = first.with_name(f"{first.name}-{count}")
    kept.parent.mkdir(parents=True, exist_ok=True)
    staging.rename(kept)
    return kept


def replace_report(staging: Path, destination: Path, keep_subfolders: bool) -> None:
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
