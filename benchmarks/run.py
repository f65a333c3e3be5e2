"""Performance benchmark (issue #7): every stage of the weekly report at 10k, 100k and 1M records.

    .venv/bin/python benchmarks/run.py                      # 10k, 100k, 1M (under 10 min on 2 cores)
    .venv/bin/python benchmarks/run.py --quick              # 10k only
    .venv/bin/python benchmarks/run.py --sizes 2000 --json out.json

Data: the demo generator (``reporting.demo.records``), one year (52 weeks) ending 2026-11-22 at
each size, seed 7, written once as CSV, Parquet and XLSX (Chinese headers, as CRM exports
are) and cached under ``outputs/benchmarks-cache/`` (git-ignored; delete it after the
generator changes). XLSX is written and read up to ``XLSX_MAX_ROWS`` rows only: a 1M-row
workbook takes minutes just to write.

What is timed: the package's own functions, the ones the weekly notebook calls.

- **load**, **clean** (whole file): ``load.read_records`` on the CSV, XLSX and Parquet
  file; ``clean.clean_records`` + ``combine.combine_cleaned`` on the whole Parquet file (what
  ``sources.read_files`` does after reading): the readers' and the cleaner's own cost.
- **the weekly notebook**, call for call (``run_weekly_notebook``) on the Parquet file's
  last week (2026-11-16 … 22): ``weekly.build(params)`` → ``weekly.sync_plan`` (into a
  fresh SQLite plan store) → ``weekly.render`` of each part the notebook shows
  (``NOTEBOOK_PARTS``: ``render_header`` … ``render_records``; the charts are PNGs inside
  ``render_charts`` and ``render_problems``; ``render_records`` the record view's data) → ``weekly.publish``. Nothing of the report is
  re-computed here: ``weekly.build`` is handed this script's timing hook (its ``timer``
  parameter), and the production code times its own stages with it — ``load`` (the
  window, read and cleaned, ``loading.load_with_window``), then in ``build_report_model``
  ``select``, ``window``, ``read_comments``, ``overview``, ``conclusions``, ``problems``,
  ``suggestions``, ``recommendations`` and ``followup``. **model** is ``build`` less its
  ``load``: the model of the week with its eight-week trend. A test
  (tests/unit/report/test_timing_hook.py) keeps this path and a plain ``weekly.build``
  equal.
- **analysis** = ``build``: what the weekly notebook does before anything is rendered.
- **stress: model of the whole year**: ``weekly.build`` with the whole year as the period,
  so every record goes through every step (up to ``FULL_YEAR_MAX_ROWS`` records).
- **HTML / PDF export**: ``export.notebook_to_html`` (with writing report.html) and
  ``export.html_to_pdf`` as timed by ``execute.run_report`` itself in the end-to-end run
  (``manifest.json`` → ``seconds``); their cost depends on the report, not on the number
  of records.
- **weekly e2e**: ``python -m reporting run params/weekly.yaml`` on the 10k CSV for its last
  week, wall time of the whole process (interpreter start, kernel, export, workbook); the
  median of ``E2E_REPEATS`` runs (a single run on a shared VM varies by ±15 %).
- **tooling floor**: a trivial notebook (parameters cell, one markdown and one print cell)
  through the same chain, in its own process: ``papermill.execute_notebook`` →
  ``export.notebook_to_html`` (the project template) → ``export.html_to_pdf`` (WeasyPrint);
  the median of ``E2E_REPEATS`` runs too.
- **I/O floor**: ``pandas.read_parquet`` of the same Parquet file.
- **store**: ``reporting import`` on the largest size into a fresh SQLite file
  (``sources.read_files`` + ``store.import_cleaned``), then ``store.pull_period`` of the
  last week (and of the eight weeks a weekly report pulls).
- **XLSX speedup**: our reader (``read_records``, calamine) against
  ``pandas.read_excel(engine="openpyxl")`` reading the same workbook as text, at 100k rows
  (or the largest size up to that).

Method: each group of stages runs in a fresh worker process (this script with
``--worker``), so imports, caches and freed-but-kept memory of one group cannot help or
hurt another. Module imports happen before the clock starts (for the weekly notebook:
``report.preload``, what ``reporting run``'s kernel loads before the notebook). Wall time is
``time.perf_counter``. Peak memory is the peak resident set size (RSS, Linux ``VmHWM``)
of the worker *during* each stage: before a stage the worker collects garbage and resets
the kernel's high-water mark (``echo 5 > /proc/self/clear_refs``), after it reads
``VmHWM``. It is the whole process's peak, so it includes what earlier stages of the same
worker still hold (e.g. the model's stages include the loaded records). Stages timed
inside ``weekly.build`` (its hook) collect no garbage first, which would count in
``build``'s time; an outer stage's peak covers its inner ones (``Meter``). Where the reset
is not available the peak is the process's peak so far (``resource.getrusage``), stated in
the output. ``peak_rss_mb`` per size is the peak of the analysis (``build``).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

PROJ_ROOT = Path(__file__).resolve().parents[1]
if str(PROJ_ROOT) not in sys.path:  # run as a script: make the package importable from the checkout
    sys.path.insert(0, str(PROJ_ROOT))

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
DEFAULT_CACHE = PROJ_ROOT / "outputs" / "benchmarks-cache"
SEED = 7
WEEKS = 52
END = date(2026, 11, 22)
WEEK = (date(2026, 11, 16), date(2026, 11, 22))
XLSX_MAX_ROWS = 100_000
FULL_YEAR_MAX_ROWS = 100_000
E2E_SIZE = 10_000
E2E_REPEATS = 3  # the weekly e2e and the tooling floor: the median run of this many
WORKBOOK_ROWS = (10_000, 20_000)
TARGETS = {
    "weekly_e2e_vs_tooling_floor": 1.5,
    "analysis_1m_vs_io_floor": 5.0,
    "peak_rss_1m_mb": 4096.0,
    "time_ratio_1m_vs_100k": 11.0,
    "xlsx_import_speedup": 5.0,
    "week_pull_s": 1.0,
    "big_week_s": 20.0,
    "big_week_peak_rss_mb": 1536.0,
    "workbook_ratio_20k_vs_10k": 2.2,
    "followup_report_s": 8.0,
}


# ---------------------------------------------------------------- measuring


def _status_mb(field: str) -> float | None:
    """A memory figure of this process from /proc/self/status, in MiB (None off Linux)."""
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    found = re.search(rf"^{field}:\s+(\d+) kB", text, flags=re.MULTILINE)
    return int(found.group(1)) / 1024 if found else None


def reset_peak_rss() -> bool:
    """Reset the kernel's RSS high-water mark of this process; False when not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def peak_rss_mb() -> float:
    """The RSS high-water mark of this process (since the last reset), in MiB."""
    peak = _status_mb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Meter:
    """Times named stages into ``results``, with the process's peak RSS during each; stages may nest.

    A stage resets the kernel's high-water mark as it starts; the peak that reset hides from
    the stages still open around it is folded into theirs first, so an outer stage's peak
    covers its inner ones.
    """

    def __init__(self, results: dict[str, dict[str, float]]) -> None:
        self.results = results
        self._open: list[float] = []  # the peak so far of each open stage, outermost first

    @contextlib.contextmanager
    def __call__(self, name: str, collect: bool = True) -> Iterator[None]:
        """Time one stage (after collecting garbage, unless ``collect`` is False)."""
        if collect:
            gc.collect()
        self._fold()
        reset = reset_peak_rss()
        self._open.append(0.0)
        start = time.perf_counter()
        try:
            yield
        finally:
            seconds = time.perf_counter() - start
            self._fold()
            peak = self._open.pop()
        self.results[name] = {"seconds": round(seconds, 4), "peak_rss_mb": round(peak, 1), "peak_reset": reset}

    def hook(self, name: str) -> contextlib.AbstractContextManager[None]:
        """The timing hook handed to the package (``weekly.build(params, timer=meter.hook)``).

        An inner stage collects no garbage: that would count in the time of the stage around it.
        """
        return self(name, collect=False)

    def _fold(self) -> None:
        now = peak_rss_mb()
        self._open[:] = [max(peak, now) for peak in self._open]


def measure(results: dict[str, dict[str, float]], name: str) -> contextlib.AbstractContextManager[None]:
    """Time a stage and record the process's peak RSS while it ran."""
    return Meter(results)(name)


# ---------------------------------------------------------------- data


def demo_spec(size: int) -> Any:
    """One year of demo records, about ``size`` of them."""
    from reporting.demo.records import DemoSpec

    return DemoSpec(weeks=WEEKS, rows_per_week=max(1, round(size / WEEKS)), seed=SEED, end=END)


def data_paths(cache: Path, size: int) -> dict[str, Path]:
    """Where the cached files of one size live."""
    stem = cache / f"demo-{size}-seed{SEED}"
    return {"csv": stem.with_suffix(".csv"), "parquet": stem.with_suffix(".parquet"), "xlsx": stem.with_suffix(".xlsx")}


def prepare_data(cache: Path, size: int) -> dict[str, Any]:
    """Generate (or reuse) one size's records as CSV, Parquet and XLSX.

    Returns:
        The paths, the row count and how long generating and writing took (0 when cached).
    """
    paths = data_paths(cache, size)
    wanted = ["csv", "parquet"] + (["xlsx"] if size <= XLSX_MAX_ROWS else [])
    timings: dict[str, float] = {}
    frame = None
    if not all(paths[kind].exists() for kind in wanted):
        from reporting.demo.records import generate_demo_records
        from reporting.export.files import write_records_csv
        from reporting.vocab import chinese_header

        cache.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        frame = generate_demo_records(demo_spec(size))
        timings["generate"] = time.perf_counter() - start
        for kind in wanted:
            if paths[kind].exists():
                continue
            start = time.perf_counter()
            partial = paths[kind].with_name(paths[kind].name + ".partial")
            if kind == "csv":
                write_records_csv(frame, partial)
            elif kind == "parquet":
                frame.rename(columns=chinese_header).to_parquet(partial, index=False)
            else:
                _write_xlsx(frame.rename(columns=chinese_header), partial)
            partial.rename(paths[kind])
            timings[f"write_{kind}"] = time.perf_counter() - start
    rows = len(frame) if frame is not None else int(_parquet_rows(paths["parquet"]))
    return {
        "paths": {k: str(v) for k, v in paths.items() if k in wanted},
        "rows": rows,
        "prepare_s": {k: round(v, 2) for k, v in timings.items()},
        "cached": frame is None,
    }


def _parquet_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.read_metadata(path).num_rows


def _write_xlsx(frame: Any, path: Path) -> None:
    """Write records as a one-sheet workbook (openpyxl write-only mode: the fast way)."""
    import openpyxl
    import pandas as pd

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("回访记录")
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v for v in row])
    book.save(path)


# ---------------------------------------------------------------- workers (run in a fresh process each)


NOTEBOOK_PARTS = ("header", "overview", "conclusions", "charts", "problems", "recommendations", "methods", "records")
"""The parts weekly_report.ipynb renders, one cell each, in its order."""


def weekly_params(source: str, folder: Path, start: date = WEEK[0], end: date = WEEK[1]) -> Any:
    """The weekly report's parameters as ``reporting run`` gives them: the period, a fresh plan store and hand-over folder in ``folder``."""
    from reporting.report.params import WeeklyParams

    return WeeklyParams.from_values(
        {
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "source": source,
            "followup_store": f"sqlite:///{folder / 'plans.db'}",
            "handover_dir": str(folder),
            "generated_at": f"{END + timedelta(days=1)} 09:00",
        }
    )


def run_weekly_notebook(params: Any, meter: Meter, analysis_only: bool = False) -> Any:
    """What weekly_report.ipynb runs, call for call and in its order, each step timed; the model is returned.

    ``build`` → ``sync_plan`` → ``render`` of every part → ``publish``. ``weekly.build``
    gets the meter as its timing hook, so its own stages (``load``, ``read_comments``,
    ``overview``, …, ``followup``) are timed inside the production code, not copied here.

    Args:
        params: the run's ``WeeklyParams``.
        meter: where the stages are recorded.
        analysis_only: stop after ``build`` (what the notebook does before anything is shown).
    """
    from reporting.report import weekly

    with meter("build"):
        model = weekly.build(params, timer=meter.hook)
    if analysis_only:
        return model
    with meter("sync_plan"):
        model = weekly.sync_plan(model, params)
    with meter("render"):
        for part in NOTEBOOK_PARTS:
            with meter.hook(f"render_{part}"):
                weekly.render(model, part, params.stamp if part == "header" else "")
    with meter("publish"), contextlib.redirect_stdout(io.StringIO()):  # outside a kernel, display() prints
        weekly.publish(model, params)
    return model


HOOK_STAGES = (
    "load", "select", "window", "read_comments", "overview", "conclusions", "problems",
    "suggestions", "recommendations", "followup", "attention", "coverage", "alerts",
)  # fmt: skip
"""The stage names ``weekly.build``'s timing hook reports (``coverage`` only with a services export)."""


BUILD_OWN_STAGES = ("load", "coverage", "alerts")
"""The stages ``weekly.build`` times itself; the others its timing hook reports are the model's (``build_report_model``)."""


def model_stage(stages: dict[str, dict[str, float]]) -> dict[str, float]:
    """``model``: ``build_report_model``'s part of ``weekly.build`` (``build`` less its own stages: load, coverage, alerts)."""
    inner = [v for k, v in stages.items() if k in HOOK_STAGES and k not in BUILD_OWN_STAGES]
    own = sum(stages[k]["seconds"] for k in BUILD_OWN_STAGES if k in stages)
    return {
        "seconds": round(stages["build"]["seconds"] - own, 4),
        "peak_rss_mb": max(v["peak_rss_mb"] for v in inner),
        "peak_reset": all(v["peak_reset"] for v in inner),
    }


def worker_analysis(paths: dict[str, Any], size: int) -> dict[str, Any]:
    """I/O floor; the Parquet file read and cleaned whole; then the weekly notebook's own path, timed through its hook."""
    import pandas as pd
    import pyarrow.parquet  # noqa: F401 - imported before the clock starts

    from reporting.intake.clean import clean_records
    from reporting.intake.combine import combine_cleaned
    from reporting.intake.load import read_records
    from reporting.intake.sources import release_arrow_memory
    from reporting.report import weekly
    from reporting.report.preload import preload

    preload("weekly")  # before the clock starts, as `reporting run` has the kernel do before the notebook arrives
    parquet = Path(paths["parquet"])
    stages: dict[str, dict[str, float]] = {}
    meter = Meter(stages)
    with meter("io_floor"):
        floor = pd.read_parquet(parquet)
    del floor
    with meter("load_parquet"):
        raw = read_records(parquet).records
    with meter("clean"):
        cleaned = combine_cleaned([clean_records(raw, str(parquet))])
    records = len(cleaned.records)
    first = cleaned.records["visit_at"].min().date()
    del raw, cleaned
    release_arrow_memory()  # as read_files does once the files are cleaned
    with tempfile.TemporaryDirectory(prefix="bench-weekly-") as folder:
        params = weekly_params(str(parquet), Path(folder))
        model = run_weekly_notebook(params, meter, analysis_only=bool(paths.get("only_analysis")))
        stages["model"] = model_stage(stages)
        if size <= FULL_YEAR_MAX_ROWS and not paths.get("only_analysis"):
            with meter("model_full_year"):
                weekly.build(weekly_params(str(parquet), Path(folder), first, END))
    return {"stages": stages, "records": records, "valid": int(model.sample["valid"]), "period": [str(d) for d in WEEK]}


def worker_load(paths: dict[str, str], size: int) -> dict[str, Any]:
    """Read the CSV and the XLSX with ``read_records``."""
    import python_calamine  # noqa: F401 - imported before the clock starts

    from reporting.intake.load import read_records

    stages: dict[str, dict[str, float]] = {}
    with measure(stages, "load_csv"):
        rows = len(read_records(Path(paths["csv"])).records)
    if "xlsx" in paths:
        with measure(stages, "load_xlsx"):
            read_records(Path(paths["xlsx"]))
    return {"stages": stages, "rows": rows}


def worker_xlsx_baseline(paths: dict[str, str], size: int) -> dict[str, Any]:
    """``pandas.read_excel(engine="openpyxl")`` of the same workbook, every value as text (what our reader yields)."""
    import openpyxl  # noqa: F401 - imported before the clock starts
    import pandas as pd

    stages: dict[str, dict[str, float]] = {}
    with measure(stages, "load_xlsx_openpyxl"):
        pd.read_excel(paths["xlsx"], sheet_name=None, header=None, dtype=str, engine="openpyxl")
    return {"stages": stages}


def worker_store(paths: dict[str, str], size: int) -> dict[str, Any]:
    """Import the Parquet file into a fresh SQLite store, then pull the last week, the trend query and a report's whole pull."""
    from reporting.intake.load import file_sha256
    from reporting.intake.sources import read_files
    from reporting.intake.store import import_cleaned
    from reporting.intake.store_queries import pull_period, summarise_periods
    from reporting.report.loading import load_with_window
    from reporting.report.window import window_starts

    parquet = Path(paths["parquet"])
    stages: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-store-") as folder:
        url = f"sqlite:///{Path(folder) / 'records.db'}"
        with measure(stages, "store_read_clean"):
            cleaned = read_files([parquet])
        with measure(stages, "store_insert"):
            ledgers = import_cleaned(cleaned, url, {str(parquet): file_sha256(parquet)})
        del cleaned
        with measure(stages, "store_pull_week"):
            week = pull_period(url, *WEEK)
        with measure(stages, "store_trend_query"):
            summarise_periods(url, window_starts(*WEEK, 8), 7)
        with measure(stages, "store_pull_report"):
            report, window = load_with_window(url, *WEEK)
        db_mb = (Path(folder) / "records.db").stat().st_size / 2**20
    return {
        "stages": stages,
        "imported": sum(ledger.imported for ledger in ledgers),
        "week_rows": len(week.records),
        "report_rows": len(report.records),
        "report_words": len(window.feedback) if window is not None else 0,
        "db_mb": round(db_mb, 1),
    }


def run_store_scale(base_parquet: Path, size: int, log: Any) -> dict[str, Any]:
    """A store of ``size`` records in a real PostgreSQL cluster (``store10m.*`` for 10M).

    The store is the cached 1M-record year repeated with distinct record and customer ids
    (a centre ``size / 1M`` times as large: the same weeks, more follow-ups per week),
    imported one 1M-row file at a time through the COPY path. Then: the week's pull, a
    report's eight weeks, and the weekly report from the store end to end.
    """
    sys.path.insert(0, str(PROJ_ROOT))
    from tests.postgres import new_database, postgres_cluster, why_unavailable

    reason = why_unavailable()
    if reason:
        return {"skipped": f"no PostgreSQL server can run here: {reason}"}
    import pandas as pd

    from reporting.intake.sources import import_files
    from reporting.intake.store_queries import pull_period, summarise_periods
    from reporting.report.loading import load_with_window
    from reporting.report.window import window_starts

    base = pd.read_parquet(base_parquet)
    copies = max(1, -(-size // len(base)))  # whole copies of the year, at least size records
    stages: dict[str, dict[str, float]] = {}
    with postgres_cluster() as server, tempfile.TemporaryDirectory(prefix="bench-store-scale-") as folder:
        url = new_database(server)
        imported = 0
        with measure(stages, "import"):
            for copy in range(copies):
                part = base.copy()
                for column in ("记录编号", "客户编号"):
                    part[column] = part[column].astype("string") + f"-{copy}"
                path = Path(folder) / f"part-{copy}.parquet"
                part.to_parquet(path)
                imported += sum(ledger.imported for ledger in import_files([path], url))
                path.unlink()
                log(f"store {size:,}: {copy + 1}/{copies} files imported ({imported:,} records)")
        del base, part
        with measure(stages, "pull_week"):
            week = len(pull_period(url, *WEEK).records)
        with measure(stages, "trend_query"):
            summarise_periods(url, window_starts(*WEEK, 8), 7)
        with measure(stages, "pull_report"):
            report, window = load_with_window(url, *WEEK)
        e2e = run_weekly_e2e(url, Path(folder) / "e2e")
    return {
        "records": imported,
        "import_s": stages["import"]["seconds"],
        "import_rows_per_s": round(imported / stages["import"]["seconds"]),
        "pull_week_s": stages["pull_week"]["seconds"],
        "week_rows": week,
        "trend_query_s": stages["trend_query"]["seconds"],
        "pull_report_s": stages["pull_report"]["seconds"],
        "report_rows": len(report.records),
        "report_words": len(window.feedback) if window is not None else 0,
        "report_e2e_s": e2e["seconds"],
        "report_stages": e2e["stages"],
        "target_report_e2e_s": 5.0,
        "met": e2e["seconds"] < 5.0,
    }


def worker_tooling_floor(folder: str) -> dict[str, Any]:
    """The trivial notebook through papermill → HTML → PDF, as ``execute.run_report`` chains them."""
    import nbformat
    import papermill

    from reporting.export.pages import html_to_pdf, notebook_to_html

    source, executed = Path(folder) / "trivial.ipynb", Path(folder) / "trivial-out.ipynb"
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell('period_start: str = "2026-11-16"  # first day, inclusive', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_markdown_cell("## 回访概况"),
        nbformat.v4.new_code_cell('print("周期", period_start)'),
    ]
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(notebook, source)
    stages: dict[str, dict[str, float]] = {}
    with measure(stages, "execute"):
        papermill.execute_notebook(
            str(source),
            str(executed),
            parameters={"period_start": "2026-11-16"},
            cwd=str(PROJ_ROOT),
            progress_bar=False,
            kernel_name="python3",
            language="python",
        )
    with measure(stages, "html"):
        html = notebook_to_html(nbformat.read(executed, as_version=4), "floor")
    with measure(stages, "pdf"):
        html_to_pdf(html, Path(folder) / "trivial.pdf")
    return {"stages": stages}


def worker_workbook(paths: dict[str, Any], size: int) -> dict[str, Any]:
    """``workbook.write_workbook_file`` of a record-sheet-shaped table at 10k and 20k rows (every third row overdue)."""
    import pandas as pd

    from reporting.export.workbook import write_workbook_file

    base = pd.read_parquet(paths["parquet"]).head(WORKBOOK_ROWS[-1])
    base = pd.concat([base] * -(-WORKBOOK_ROWS[-1] // len(base)), ignore_index=True).head(WORKBOOK_ROWS[-1])  # small files repeat
    base["回访时间"] = pd.to_datetime(base["回访时间"], errors="coerce")
    stages: dict[str, dict[str, float]] = {}
    for rows in WORKBOOK_ROWS:
        table = base.head(rows)
        overdue = {"客户回访记录表": [i % 3 == 0 for i in range(rows)]}
        with measure(stages, f"workbook_{rows}"), tempfile.TemporaryDirectory() as folder:
            write_workbook_file({"客户回访记录表": table}, Path(folder) / "w.xlsx", overdue)
    return {"stages": stages}


WORKERS = {
    "workbook": worker_workbook,
    "analysis": worker_analysis,
    "load": worker_load,
    "xlsx_baseline": worker_xlsx_baseline,
    "store": worker_store,
}


def run_worker(kind: str, argument: str, size: int = 0) -> dict[str, Any]:
    """Run one worker in a fresh interpreter; its whole wall time is returned as ``process_s``."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        kind,
        "--argument",
        argument,
        "--size",
        str(size),
        "--out",
        str(out),
    ]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=PROJ_ROOT, capture_output=True, text=True, env=_quiet_env())
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"worker {kind} ({size}) failed:\n{done.stderr[-3000:]}")
    result = json.loads(out.read_text())
    out.unlink()
    return {**result, "process_s": round(wall, 3)}


def _quiet_env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONWARNINGS": "ignore",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJ_ROOT), os.environ.get("PYTHONPATH")])),
    }


def worker_main(kind: str, argument: str, size: int, out: Path) -> None:
    """Entry point of a worker process: run it and write its JSON result."""
    result = worker_tooling_floor(argument) if kind == "tooling_floor" else WORKERS[kind](json.loads(argument), size)
    out.write_text(json.dumps(result))


# ---------------------------------------------------------------- end to end and floors


def run_weekly_e2e(csv: str, folder: Path) -> dict[str, Any]:
    """``python -m reporting run params/weekly.yaml`` for one week of a CSV (or store), timed as a whole process.

    The follow-up plan goes into a new SQLite file of its own: every run starts from the
    same empty plan store, and the project's default store is never touched (a 10M run's
    tens of thousands of plan items would otherwise be carried forward by every later run).
    """
    folder.mkdir(parents=True, exist_ok=True)
    plans = folder / f"plans-{time.time_ns()}.db"
    command = [
        sys.executable, "-m", "reporting", "run", str(PROJ_ROOT / "params" / "weekly.yaml"),
        "-p", "source", csv, "-p", "period_start", WEEK[0].isoformat(), "-p", "period_end", WEEK[1].isoformat(),
        "-p", "followup_store", f"sqlite:///{plans}", "--output-dir", str(folder),
    ]  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run(command, cwd=PROJ_ROOT, capture_output=True, text=True, env=_quiet_env())
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"reporting run failed ({done.returncode}): {done.stdout[-1500:]} {done.stderr[-1500:]}")
    destination = folder / "weekly" / f"{WEEK[0]}_{WEEK[1]}"
    manifest = json.loads((destination / "manifest.json").read_text())
    notebook = json.loads((destination / "report.ipynb").read_text(encoding="utf-8"))
    cells = [
        {"cell": "".join(cell["source"]).splitlines()[0][:60], "seconds": round(cell["metadata"]["papermill"]["duration"], 3)}
        for cell in notebook["cells"]
        if cell["cell_type"] == "code" and cell["metadata"].get("papermill", {}).get("duration") is not None
    ]
    html_kb = round((destination / "report.html").stat().st_size / 1024, 1)
    return {"seconds": round(wall, 3), "stages": manifest["seconds"], "cells": cells, "html_kb": html_kb}


def _timed_cli(arguments: list[str]) -> tuple[float, float]:
    """Run ``python -m reporting …`` in a wrapper process; wall seconds and the peak RSS (MiB) of the whole process tree."""
    wrapper = (
        "import json, resource, subprocess, sys; done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "sys.stderr.write(done.stderr[-1500:]); "
        "print(json.dumps({'rc': done.returncode, 'kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", wrapper, sys.executable, "-m", "reporting", *arguments],
        cwd=PROJ_ROOT, capture_output=True, text=True, env=_quiet_env(),
    )  # fmt: skip
    wall = time.perf_counter() - start
    result = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {"rc": -1, "kb": 0}
    if result["rc"] != 0:
        raise RuntimeError(f"reporting {arguments[0]} failed ({result['rc']}): {done.stderr[-1500:]}")
    return wall, result["kb"] / 1024


def run_big_week(parquet: str, folder: Path, records: int) -> dict[str, Any]:
    """The weekly report end to end on the largest file's last week, per stage, with the week's row count and peak RSS."""
    arguments = [
        "run", str(PROJ_ROOT / "params" / "weekly.yaml"), "-p", "source", parquet, "-p", "followup_store", "none",
        "-p", "period_start", WEEK[0].isoformat(), "-p", "period_end", WEEK[1].isoformat(), "--output-dir", str(folder),
    ]  # fmt: skip
    wall, peak = _timed_cli(arguments)
    destination = folder / "weekly" / f"{WEEK[0]}_{WEEK[1]}"
    manifest = json.loads((destination / "manifest.json").read_text())
    notebook = json.loads((destination / "report.ipynb").read_text(encoding="utf-8"))
    cells = {
        "".join(cell["source"]).splitlines()[0][:50]: cell["metadata"]["papermill"]["duration"]
        for cell in notebook["cells"]
        if cell["cell_type"] == "code" and cell["metadata"].get("papermill", {}).get("duration") is not None
    }
    build = sum(v for k, v in cells.items() if k.startswith("from reporting"))
    charts = sum(v for k, v in cells.items() if '"charts"' in k)
    return {
        "records": records,
        "week_rows": manifest["sample"].get("attempted"),
        "seconds": round(wall, 3),
        "peak_rss_mb": round(peak, 1),
        "stages": {
            "read_and_model": round(build, 3),
            "charts": round(charts, 3),
            "other_cells": round(manifest["seconds"]["execute"] - build - charts, 3),
            **{name: manifest["seconds"].get(name) for name in ("workbook", "html", "pdf", "html_fonts")},
        },
    }


def run_followup_report(folder: Path) -> dict[str, Any]:
    """``reporting run params/followup.yaml`` on the demo data (3,034 records), into a fresh store."""
    csv = folder / "demo.csv"
    subprocess.run(
        [sys.executable, "-m", "reporting", "demo-data", "--out", str(csv)],
        cwd=PROJ_ROOT,
        capture_output=True,
        env=_quiet_env(),
        check=True,
    )
    store = f"sqlite:///{folder / 'plans.db'}"
    arguments = [
        "run",
        str(PROJ_ROOT / "params" / "followup.yaml"),
        "-p",
        "source",
        str(csv),
        "-p",
        "followup_store",
        store,
        "--output-dir",
        str(folder),
    ]
    wall, peak = _timed_cli(arguments)
    return {"seconds": round(wall, 3), "peak_rss_mb": round(peak, 1)}


def run_tooling_floor(folder: Path) -> dict[str, Any]:
    """The tooling floor: the trivial notebook's chain in its own process, timed as a whole."""
    result = run_worker("tooling_floor", str(folder))
    return {"seconds": result["process_s"], "stages": {k: v["seconds"] for k, v in result["stages"].items()}}


# ---------------------------------------------------------------- the run


def machine_info() -> dict[str, Any]:
    """CPU, cores, memory and the versions that matter."""
    import pandas as pd

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), flags=re.MULTILINE)
        cpu = found.group(1).strip() if found else cpu
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(memory, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "pyarrow": _version("pyarrow"),
        "numpy": _version("numpy"),
    }


def _version(package: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def analysis_seconds(stages: dict[str, dict[str, float]]) -> float:
    """``weekly.build`` (load the window + model): what the weekly notebook does before rendering."""
    return stages["build"]["seconds"]


def xlsx_baseline(paths: dict[str, str], size: int, cache: Path, fresh: bool) -> tuple[float, bool]:
    """Seconds ``pandas.read_excel(engine="openpyxl")`` takes on the workbook, and whether that figure was cached.

    It measures pandas and openpyxl, not this project, and takes minutes at 100k rows
    (more than the rest of the benchmark), so it is measured once per workbook, Python
    and openpyxl version and kept next to the data; ``--fresh-baseline`` measures again.
    """
    key = f"{Path(paths['xlsx']).name}|{platform.python_version()}|{_version('pandas')}|{_version('openpyxl')}|{platform.node()}"
    stored = cache / "openpyxl-baseline.json"
    known = json.loads(stored.read_text()) if stored.exists() else {}
    if key in known and not fresh:
        return known[key], True
    seconds = run_worker("xlsx_baseline", json.dumps(paths), size)["stages"]["load_xlsx_openpyxl"]["seconds"]
    stored.write_text(json.dumps({**known, key: seconds}, indent=2))
    return seconds, False


def _worker_task(kind: str, paths: dict[str, str], size: int) -> Any:
    return lambda: run_worker(kind, json.dumps(paths), size)


def median_run(run: Any, repeats: int = E2E_REPEATS) -> dict[str, Any]:
    """The median (by wall seconds) of ``repeats`` runs of a timed task, with every run's seconds."""
    runs = sorted((run() for _ in range(repeats)), key=lambda result: result["seconds"])
    return {**runs[len(runs) // 2], "runs_s": [result["seconds"] for result in runs]}


def run_tasks(tasks: dict[str, Any], jobs: int, log: Any) -> dict[str, Any]:
    """Run the measuring tasks, one at a time (clean figures) or ``jobs`` at once (a quick smoke run)."""

    def run(name: str) -> Any:
        log(f"{name} …")
        start = time.perf_counter()
        result = tasks[name]()
        log(f"{name}: done in {time.perf_counter() - start:.1f} s")
        return result

    if jobs <= 1:
        return {name: run(name) for name in tasks}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return dict(zip(tasks, pool.map(run, tasks), strict=True))


def run_benchmark(
    sizes: list[int], cache: Path, log: Any = print, fresh_baseline: bool = False, jobs: int = 1, repeats: int = E2E_REPEATS
) -> dict[str, Any]:
    """Measure everything at the given sizes.

    Args:
        sizes: record counts, e.g. ``[10_000, 100_000, 1_000_000]``.
        cache: where generated data files are kept between runs.
        log: progress lines go here.
        fresh_baseline: measure the openpyxl baseline even when a figure is cached.
        jobs: how many measuring processes at once; more than 1 skews the figures (smoke tests only).
        repeats: runs of the weekly e2e and of the tooling floor, the median kept.

    Returns:
        The results document (see ``--json``).
    """
    started = time.perf_counter()
    sizes = sorted(set(sizes))
    largest = sizes[-1]
    # scaling needs a size ten times smaller than the largest; measure it if it is not asked for
    scale_pair = (largest // 10, largest)
    analysis_sizes = sorted(set(sizes) | {scale_pair[0]})
    xlsx_size = max([s for s in sizes if s <= XLSX_MAX_ROWS] or [min(sizes)])
    e2e_size = E2E_SIZE if E2E_SIZE in sizes else min(sizes)
    data: dict[int, dict[str, Any]] = {}
    for size in sorted(set(analysis_sizes) | {xlsx_size, e2e_size}):
        log(f"data {size:>9,}: preparing …")
        data[size] = prepare_data(cache, size)
        log(f"data {size:>9,}: {data[size]['rows']:,} rows {'(cached)' if data[size]['cached'] else data[size]['prepare_s']}")
    document: dict[str, Any] = {"machine": machine_info(), "sizes": sizes, "data": {str(s): data[s] for s in data}, "by_size": {}}
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        root = Path(folder)

        tasks: dict[str, Any] = {
            "floor": lambda: median_run(lambda: run_tooling_floor(root), repeats),
            "weekly": lambda: median_run(lambda: run_weekly_e2e(data[e2e_size]["paths"]["csv"], root / "e2e"), repeats),
            **{
                f"analysis {size}": _worker_task("analysis", {**data[size]["paths"], "only_analysis": size not in sizes}, size)
                for size in analysis_sizes
            },
            **{f"load {size}": _worker_task("load", data[size]["paths"], size) for size in sorted(set(sizes) | {xlsx_size})},
            "xlsx baseline": lambda: xlsx_baseline(data[xlsx_size]["paths"], xlsx_size, cache, fresh_baseline),
            "store": _worker_task("store", data[largest]["paths"], largest),
            "workbook": _worker_task("workbook", data[largest]["paths"], largest),
            "big week": lambda: run_big_week(data[largest]["paths"]["parquet"], root / "big", data[largest]["rows"]),
            "followup": lambda: run_followup_report(root / "followup"),
        }
        done = run_tasks(tasks, jobs, log)
    floor, e2e, store = done["floor"], done["weekly"], done["store"]
    ours = done[f"load {xlsx_size}"]["stages"]["load_xlsx"]["seconds"]
    baseline, baseline_cached = done["xlsx baseline"]
    for size in analysis_sizes:
        stages = {**done[f"analysis {size}"]["stages"], **done.get(f"load {size}", {}).get("stages", {})}
        document["by_size"][str(size)] = {
            "rows": data[size]["rows"],
            "stages": stages,
            "analysis_s": round(analysis_seconds(stages), 3),
            "io_floor_s": stages["io_floor"]["seconds"],
            "peak_rss_mb": stages["build"]["peak_rss_mb"],
            "in_requested_sizes": size in sizes,
        }
    document["tooling_floor"] = floor
    document["weekly_e2e"] = {**e2e, "records": data[e2e_size]["rows"]}
    document["export"] = {
        "html_export": {"seconds": e2e["stages"]["html"]},
        "pdf_export": {"seconds": e2e["stages"]["pdf"]},
        "html_kb": e2e["html_kb"],
    }
    document["xlsx"] = {"rows": data[xlsx_size]["rows"], "calamine_s": ours, "openpyxl_s": baseline, "openpyxl_cached": baseline_cached}
    s = store["stages"]
    document["store"] = {
        "records": data[largest]["rows"],
        "imported": store["imported"],
        "import_1m_s": round(s["store_read_clean"]["seconds"] + s["store_insert"]["seconds"], 3),
        "read_clean_s": s["store_read_clean"]["seconds"],
        "insert_s": s["store_insert"]["seconds"],
        "week_pull_s": s["store_pull_week"]["seconds"],
        "week_rows": store["week_rows"],
        "trend_query_s": s["store_trend_query"]["seconds"],
        "report_pull_s": s["store_pull_report"]["seconds"],
        "report_rows": store["report_rows"],
        "report_words": store["report_words"],
        "peak_rss_mb": max(v["peak_rss_mb"] for v in s.values()),
        "db_mb": store["db_mb"],
        "import_rows_per_s": round(store["imported"] / (s["store_read_clean"]["seconds"] + s["store_insert"]["seconds"])),
    }
    by_size = document["by_size"]
    small, large = by_size[str(scale_pair[0])], by_size[str(scale_pair[1])]
    document["scaling"] = {
        "sizes": list(scale_pair),
        "records_ratio": round(large["rows"] / small["rows"], 3),
        "time_ratio_1m_vs_100k": round(large["analysis_s"] / small["analysis_s"], 3),
    }
    document["peak_rss_mb"] = {size: by_size[size]["peak_rss_mb"] for size in by_size}
    document["ratios"] = {
        "weekly_e2e_vs_tooling_floor": round(e2e["seconds"] / floor["seconds"], 3),
        "analysis_vs_io_floor": {size: round(v["analysis_s"] / v["io_floor_s"], 2) for size, v in by_size.items()},
        "xlsx_import_speedup": round(baseline / ours, 2),
        "kernel_vs_floor": round(e2e["stages"]["execute"] / floor["stages"]["execute"], 2),
    }
    workbook = done["workbook"]["stages"]
    small_wb, large_wb = (workbook[f"workbook_{rows}"]["seconds"] for rows in WORKBOOK_ROWS)
    document["big_week"] = {
        **done["big week"],
        "followup_report_s": done["followup"]["seconds"],
        "workbook_s": {str(rows): workbook[f"workbook_{rows}"]["seconds"] for rows in WORKBOOK_ROWS},
        "workbook_ratio_20k_vs_10k": round(large_wb / small_wb, 3),
    }
    document["targets"] = evaluate_targets(document, largest)
    document["total_s"] = round(time.perf_counter() - started, 1)
    return document


def evaluate_targets(document: dict[str, Any], largest: int) -> dict[str, dict[str, Any]]:
    """Each target of the issue: the value measured, the limit, and whether it is met."""
    top, big = document["by_size"][str(largest)], document["big_week"]

    def target(value: float, limit: float, at_most: bool = True) -> dict[str, Any]:
        return {"value": value, "limit": limit, "met": value <= limit if at_most else value >= limit}

    return {
        "weekly_e2e_vs_tooling_floor": target(document["ratios"]["weekly_e2e_vs_tooling_floor"], TARGETS["weekly_e2e_vs_tooling_floor"]),
        "analysis_vs_io_floor": {
            "size": largest,
            **target(document["ratios"]["analysis_vs_io_floor"][str(largest)], TARGETS["analysis_1m_vs_io_floor"]),
        },
        "peak_rss_mb": {"size": largest, **target(top["peak_rss_mb"], TARGETS["peak_rss_1m_mb"])},
        "time_ratio_1m_vs_100k": target(document["scaling"]["time_ratio_1m_vs_100k"], TARGETS["time_ratio_1m_vs_100k"]),
        "xlsx_import_speedup": {
            "rows": document["xlsx"]["rows"],
            **target(document["ratios"]["xlsx_import_speedup"], TARGETS["xlsx_import_speedup"], at_most=False),
        },
        "week_pull_s": {"records": document["store"]["records"], **target(document["store"]["week_pull_s"], TARGETS["week_pull_s"])},
        "big_week_s": {"records": big["records"], "week_rows": big["week_rows"], **target(big["seconds"], TARGETS["big_week_s"])},
        "big_week_peak_rss_mb": target(big["peak_rss_mb"], TARGETS["big_week_peak_rss_mb"]),
        "workbook_ratio_20k_vs_10k": target(big["workbook_ratio_20k_vs_10k"], TARGETS["workbook_ratio_20k_vs_10k"]),
        "followup_report_s": target(big["followup_report_s"], TARGETS["followup_report_s"]),
    }


# ---------------------------------------------------------------- the table

STAGE_ROWS = (
    ("load_csv", "load CSV (read_records), whole file"),
    ("load_xlsx", "load XLSX (read_records, calamine), whole file"),
    ("load_parquet", "load Parquet (read_records), whole file"),
    ("clean", "clean + validate, whole file"),
    ("build", "weekly.build of the last week (as the notebook runs it)"),
    ("load", "  of which: load the window (load_with_window: read + clean)"),
    ("model", "  of which: model (build_report_model)"),
    ("read_comments", "    model: read the comments (problem types, sentiment, themes)"),
    ("overview", "    model: 回访概况 (overview)"),
    ("conclusions", "    model: 核心结论 (conclusions, trend)"),
    ("problems", "    model: 问题分析 (problems, quotes, keywords, demands)"),
    ("recommendations", "    model: 改进建议 (recommendations)"),
    ("followup", "    model: follow-up plan + record sheet"),
    ("sync_plan", "weekly.sync_plan (a fresh SQLite plan store)"),
    ("render", "weekly.render of the notebook's 8 parts"),
    ("render_charts", "  of which: charts (4 charts, PNG)"),
    ("render_problems", "  of which: problems (2 charts + text)"),
    ("publish", "weekly.publish (metrics, rejects, workbook tables)"),
    ("model_full_year", "stress: weekly.build of the whole year"),
    ("io_floor", "I/O floor (pandas.read_parquet)"),
)


def format_table(document: dict[str, Any]) -> str:
    """The results as a plain-text (Markdown) table."""
    m = document["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GiB RAM; Python {m['python']}, pandas {m['pandas']}, "
        f"pyarrow {m['pyarrow']}, numpy {m['numpy']}",
        "",
    ]
    sizes = list(document["by_size"])
    header = "| stage | " + " | ".join(f"{int(s):,} s | MB" for s in sizes) + " |"
    lines += [header, "|---|" + "---:|---:|" * len(sizes)]
    for key, name in STAGE_ROWS:
        cells = []
        for size in sizes:
            stage = document["by_size"][size]["stages"].get(key)
            cells += [f"{stage['seconds']:.3f}", f"{stage['peak_rss_mb']:.0f}"] if stage else ["—", "—"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    analysis = [f"**{document['by_size'][s]['analysis_s']:.3f}** | **{document['by_size'][s]['peak_rss_mb']:.0f}**" for s in sizes]
    lines.append("| **analysis** (weekly.build: load the window + model) | " + " | ".join(analysis) + " |")
    ratio = [f"{document['ratios']['analysis_vs_io_floor'][s]:.1f}× | " for s in sizes]
    lines.append("| analysis ÷ I/O floor | " + " | ".join(ratio) + " |")
    big = document["big_week"]
    e2e, floor, store, xlsx, export = (
        document["weekly_e2e"],
        document["tooling_floor"],
        document["store"],
        document["xlsx"],
        document["export"],
    )
    lines += [
        "",
        "| measure | value |",
        "|---|---:|",
        f"| weekly report e2e (`reporting run`, {e2e['records']:,} records, one week) | {e2e['seconds']:.2f} s "
        f"(execute {e2e['stages'].get('execute', 0):.2f}, html {e2e['stages'].get('html', 0):.2f}, "
        f"pdf {e2e['stages'].get('pdf', 0):.2f}) |",
        f"| tooling floor (trivial notebook → HTML → PDF) | {floor['seconds']:.2f} s "
        f"(execute {floor['stages']['execute']:.2f}, html {floor['stages']['html']:.2f}, pdf {floor['stages']['pdf']:.2f}) |",
        f"| HTML export of the weekly report (notebook_to_html) | {export['html_export']['seconds']:.2f} s |",
        f"| PDF export of the weekly report (html_to_pdf) | {export['pdf_export']['seconds']:.2f} s |",
        f"| XLSX {xlsx['rows']:,} rows: ours (calamine) / pandas openpyxl | {xlsx['calamine_s']:.2f} s / {xlsx['openpyxl_s']:.2f} s"
        f"{' (cached)' if xlsx['openpyxl_cached'] else ''} |",
        f"| store import {store['records']:,} rows (read + clean / insert) | {store['import_1m_s']:.2f} s "
        f"({store['read_clean_s']:.2f} / {store['insert_s']:.2f}), {store['db_mb']:.0f} MB file |",
        f"| store pull one week ({store['week_rows']:,} rows) / the 8-week trend query (GROUP BY in SQL) | "
        f"{store['week_pull_s']:.3f} s / {store['trend_query_s']:.3f} s |",
        f"| a weekly report's whole pull: 2 weeks in full ({store['report_rows']:,} rows), 8 weeks' sums and words "
        f"({store['report_words']:,} worded responses) | {store['report_pull_s']:.3f} s |",
        f"| scaling: analysis time {document['scaling']['sizes'][1]:,} ÷ {document['scaling']['sizes'][0]:,} | "
        f"{document['scaling']['time_ratio_1m_vs_100k']:.2f}× (records {document['scaling']['records_ratio']:.2f}×) |",
        f"| big week: weekly report e2e on the {big['records']:,}-record file's last week ({big['week_rows']:,} follow-ups) | "
        f"{big['seconds']:.2f} s, peak RSS {big['peak_rss_mb']:.0f} MB |",
        "| … per stage | " + ", ".join(f"{k} {v:.2f}" for k, v in big["stages"].items() if v is not None) + " |",
        f"| workbook {WORKBOOK_ROWS[0]:,} / {WORKBOOK_ROWS[1]:,} rows (write_workbook_file) | "
        f"{big['workbook_s'][str(WORKBOOK_ROWS[0])]:.2f} s / {big['workbook_s'][str(WORKBOOK_ROWS[1])]:.2f} s "
        f"({big['workbook_ratio_20k_vs_10k']:.2f}×) |",
        f"| follow-up report on the demo data (`reporting run params/followup.yaml`) | {big['followup_report_s']:.2f} s |",
        "",
        "| target | measured | limit | met |",
        "|---|---:|---:|:---:|",
    ]
    for name, t in document["targets"].items():
        lines.append(f"| {name} | {t['value']:.3f} | {t['limit']:g} | {'yes' if t['met'] else 'NO'} |")
    lines.append("")
    lines.append(f"Total benchmark time: {document['total_s']:.0f} s")
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark the weekly report's stages at 10k / 100k / 1M records.")
    parser.add_argument("--sizes", type=int, nargs="+", help="record counts (default: 10000 100000 1000000)")
    parser.add_argument("--quick", action="store_true", help="10k records only")
    parser.add_argument(
        "--repeats", type=int, default=E2E_REPEATS, help="runs of the weekly e2e and the tooling floor (the median is kept)"
    )
    parser.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where generated data is kept (default outputs/benchmarks-cache)")
    parser.add_argument(
        "--fresh-baseline", action="store_true", help="measure pandas.read_excel(openpyxl) again instead of reusing the cached figure"
    )
    parser.add_argument(
        "--jobs", type=int, default=1, help="measure this many things at once: faster, but the figures are skewed (smoke tests)"
    )
    parser.add_argument(
        "--store-sizes", type=int, nargs="+", default=[], help="also build PostgreSQL stores this large (e.g. 10000000: store10m.*)"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--argument", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, with ``--worker``, one worker of it)."""
    args = parse_args(argv)
    if args.worker:
        worker_main(args.worker, args.argument, args.size, args.out)
        return 0
    sizes = args.sizes or ([E2E_SIZE] if args.quick else list(DEFAULT_SIZES))
    document = run_benchmark(
        sizes,
        args.cache,
        log=lambda line: print(line, file=sys.stderr, flush=True),
        fresh_baseline=args.fresh_baseline,
        jobs=args.jobs,
        repeats=args.repeats,
    )
    for size in args.store_sizes:
        base = prepare_data(args.cache, max(DEFAULT_SIZES))["paths"]["parquet"]
        key = f"store{size // 1_000_000}m" if size >= 1_000_000 else f"store{size}"
        document[key] = run_store_scale(Path(base), size, log=lambda line: print(line, file=sys.stderr, flush=True))
    print(format_table(document))
    for key in (k for k in document if k.startswith("store") and k != "store"):
        print(f"\n{key}: " + json.dumps(document[key], ensure_ascii=False))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
