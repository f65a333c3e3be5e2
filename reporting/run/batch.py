"""Batches: many reports (params files × slices) in parallel worker processes.

One failed run never stops the others; every run is atomic on its own (see
``execute``), and the outcome of each is collected for a summary.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from reporting.errors import ParameterError, ReportingError, UnexpectedError, describe, write_traceback
from reporting.intake.sources import distinct_values
from reporting.run.kernels import SharedKernel
from reporting.run.params import RunSpec, load_run_spec, safe_folder_name


@dataclass(frozen=True)
class Outcome:
    """What happened to one run of a batch."""

    report: str
    slice: str
    period: str
    ok: bool
    seconds: float
    path: str
    error: str = ""


def plan_batch(
    params_files: list[Path],
    overrides: list[tuple[str, str]],
    output_dir: Path | None,
    as_of: date | None,
    slice_by: str | None = None,
) -> list[RunSpec]:
    """Every run of a batch: per params file, the overall report and one per slice value.

    Args:
        params_files: the params YAMLs.
        overrides: ``-p`` pairs applied to every run.
        output_dir: the output root.
        as_of: the day relative periods resolve against.
        slice_by: a field to slice by on every params file (as ``slices: {field: all}``).

    Returns:
        The validated runs, overall reports first within each params file.

    Raises:
        UserInputError: a params file, parameter or source is wrong (nothing has run yet).
    """
    runs: list[RunSpec] = []
    for params_file in params_files:
        spec = load_run_spec(params_file, overrides, output_dir, as_of)
        runs.append(spec)
        slices = {slice_by: "all"} if slice_by else spec.slices
        for field, values in slices.items():
            if values == "all":
                values = distinct_values(spec.source, field, spec.period_start, spec.period_end)
            elif not isinstance(values, list):
                raise ParameterError(f"{params_file} 中 slices.{field} 的值无效：请写 all 或取值列表")
            runs.extend(spec.for_slice(field, str(value)) for value in values)
    return runs


_KERNEL: SharedKernel | None = None  # this worker process's kernel, kept between its reports


def run_one(spec: RunSpec) -> Outcome:
    """Run one report in this process and report how it went (never raises for a report error).

    The worker's reports share one kernel (``kernels.SharedKernel``): the imports are paid once per worker.
    """
    global _KERNEL
    from reporting.run.execute import run_report

    clock = time.perf_counter()
    base = {"report": spec.report, "slice": spec.slice_value, "period": spec.period_name}
    if _KERNEL is None:
        _KERNEL = SharedKernel(spec.output_dir / "logs" / f"kernel-{os.getpid()}.log")
    try:
        result = run_report(spec, kernel=_KERNEL)
        return Outcome(**base, ok=True, seconds=round(result.seconds, 1), path=str(result.destination))
    except ReportingError as error:
        return Outcome(**base, ok=False, seconds=round(time.perf_counter() - clock, 1), path=str(spec.destination), error=str(error))
    except Exception as error:  # a bug must not take the other runs down with it; its traceback goes to a log
        name = f"{spec.report}-{safe_folder_name(spec.slice_value or '_all')}-{spec.period_name}-{os.getpid()}.log"
        line = str(UnexpectedError("生成报告", describe(error), write_traceback(error, spec.output_dir / "logs" / name)))
        return Outcome(**base, ok=False, seconds=round(time.perf_counter() - clock, 1), path=str(spec.destination), error=line)


def run_batch(runs: list[RunSpec], jobs: int, on_done: Callable[[Outcome, int, int], None] | None = None) -> list[Outcome]:
    """Run reports in parallel worker processes.

    Args:
        runs: from ``plan_batch``.
        jobs: how many worker processes.
        on_done: called after each run with its outcome, the number done and the total.

    Returns:
        The outcomes, in the order of ``runs``.
    """
    outcomes: dict[int, Outcome] = {}
    context = multiprocessing.get_context("spawn")  # a fresh interpreter per worker: no inherited kernel state
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(runs))), mp_context=context) as pool:
        futures = {pool.submit(run_one, spec): index for index, spec in enumerate(runs)}
        for future in as_completed(futures):
            outcome = future.result()
            outcomes[futures[future]] = outcome
            if on_done:
                on_done(outcome, len(outcomes), len(runs))
    return [outcomes[i] for i in range(len(runs))]


def progress_printer() -> Callable[[Outcome, int, int], None]:
    """A progress bar on a terminal; plain timestamped lines otherwise (logs, cron mail)."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar: dict[str, tqdm] = {}

        def on_terminal(outcome: Outcome, done: int, total: int) -> None:
            if "bar" not in bar:
                bar["bar"] = tqdm(total=total, desc="报告", unit="份", file=sys.stderr)
            bar["bar"].update(1)
            if done == total:
                bar["bar"].close()

        return on_terminal

    def as_lines(outcome: Outcome, done: int, total: int) -> None:
        stamp = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        status = "完成" if outcome.ok else "失败"
        print(f"{stamp} [{done}/{total}] {status} {outcome.report} {outcome.slice or '全部'} {outcome.seconds:.1f} 秒", flush=True)

    return as_lines


def summary_rows(outcomes: list[Outcome]) -> list[tuple[str, ...]]:
    """The summary table: report, slice, status, seconds, output, error line."""
    header = ("报告", "范围", "状态", "秒", "输出", "错误")
    rows = [(o.report, o.slice or "全部", "成功" if o.ok else "失败", f"{o.seconds:.1f}", o.path, o.error) for o in outcomes]
    return [header, *rows]
