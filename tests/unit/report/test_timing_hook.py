"""The timing hook of ``weekly.build``, and the benchmark timing the weekly notebook's own path through it.

benchmarks/run.py once re-walked the weekly build by hand and drifted from it (steps called
with fewer arguments than production: it timed a cheaper path than users run). Now it
calls what the notebook calls and times the stages through ``weekly.build(params,
timer=...)``; these tests fail when the two paths part again.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from reporting.config import PACKAGE_DIR, PROJ_ROOT
from reporting.report import weekly
from reporting.report.params import WeeklyParams
from reporting.report.weekly.document import metrics_document
from reporting.report.weekly.model import ReportModel

BENCHMARK = PROJ_ROOT / "benchmarks" / "run.py"
NOTEBOOK = PROJ_ROOT / "notebooks" / "reports" / "weekly_report.ipynb"
MODEL_STAGES = (
    "select", "window", "read_comments", "overview", "conclusions", "problems", "suggestions", "recommendations", "followup", "attention",
)  # fmt: skip
WEEKLY_API = {"build", "sync_plan", "render", "publish"}  # what the notebook calls on ``weekly``
SECTION_HOMES = ("reporting.analysis", "reporting.text", "reporting.followup", "reporting.report.weekly.", "reporting.report.html")
ALLOWED_FROM_REPORT = {
    "reporting.report": {"weekly"},
    "reporting.report.params": {"WeeklyParams"},
    "reporting.report.preload": {"preload"},
    "reporting.report.loading": {"load_with_window"},  # the store worker times a report's pull
    "reporting.report.window": {"window_starts"},  # … and the trend query
}


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """benchmarks/run.py as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("benchmark_run", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def params(source: Path, folder: Path, **changes: object) -> WeeklyParams:
    """The test week's parameters, keeping no plans (``sync_plan`` then returns the model as built)."""
    values = {"period_start": "2026-11-16", "period_end": "2026-11-22", "source": str(source)}
    values |= {"followup_store": "none", "handover_dir": str(folder), "generated_at": "2026-11-23 09:00"}
    return WeeklyParams.from_values(values | changes)


def document(model: ReportModel) -> str:
    """metrics.json of a model as text (NaN compares equal as text, not as a float)."""
    return json.dumps(metrics_document(model), ensure_ascii=False, sort_keys=True, default=str)


class Recorder:
    """A timing hook that notes each stage as it opens and closes."""

    def __init__(self) -> None:
        self.events: list[str] = []

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        self.events.append(f"+{name}")
        yield
        self.events.append(f"-{name}")


def test_the_hook_sees_every_stage_in_order_and_changes_nothing(small_csv, tmp_path):
    run = params(small_csv, tmp_path)
    recorder = Recorder()
    timed = weekly.build(run, timer=recorder)
    assert [e[1:] for e in recorder.events[::2]] == ["load", *MODEL_STAGES, "alerts"]
    assert all(recorder.events[i] == "+" + recorder.events[i + 1][1:] for i in range(0, len(recorder.events), 2))  # none nested
    assert document(timed) == document(weekly.build(run))


def test_the_benchmark_times_the_notebooks_path_and_gets_its_numbers(bench, small_csv, tmp_path):
    """The benchmark's run of the notebook yields what a plain ``weekly.build`` yields, with every stage timed.

    The parameters differ from the defaults in ways metrics.json shows, so a benchmark that
    computed the model itself and dropped an argument would give other numbers here.
    """
    run = params(small_csv, tmp_path, min_segment_n=3, agent_gap=0.05)
    production = document(weekly.sync_plan(weekly.build(run), run))
    assert production != document(weekly.build(params(small_csv, tmp_path))), "the test's parameters must change the numbers"
    stages: dict[str, dict[str, float]] = {}
    model = bench.run_weekly_notebook(run, bench.Meter(stages))
    assert document(model) == production
    parts = {f"render_{part}" for part in bench.NOTEBOOK_PARTS}
    assert {"build", "load", *MODEL_STAGES, "sync_plan", "render", *parts, "publish"} <= set(stages)
    assert set(MODEL_STAGES) <= set(bench.HOOK_STAGES)
    model_stage = bench.model_stage(stages)
    assert 0 < model_stage["seconds"] <= stages["build"]["seconds"]
    assert sum(stages[name]["seconds"] for name in MODEL_STAGES) <= model_stage["seconds"] + 1e-3


def weekly_calls(tree: ast.AST) -> set[str]:
    """The ``weekly.<name>(…)`` calls in a module or cell."""
    return {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
        if node.func.value.id == "weekly"
    }


def test_the_benchmark_makes_the_notebooks_calls_and_renders_its_parts(bench):
    cells = ["".join(cell["source"]) for cell in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"] if cell["cell_type"] == "code"]
    rendered = [m for cell in cells for m in re.findall(r'weekly\.render\(model, "(\w+)"', cell)]
    assert tuple(rendered) == bench.NOTEBOOK_PARTS
    notebook_calls = set().union(*(weekly_calls(ast.parse(cell)) for cell in cells))
    assert notebook_calls == WEEKLY_API
    assert weekly_calls(ast.parse(BENCHMARK.read_text(encoding="utf-8"))) == WEEKLY_API


def section_names() -> set[str]:
    """The weekly model's sections and their building blocks: what only ``weekly.build`` may call.

    Every function defined in the weekly folder's compute, sections and charts modules (the
    notebook's API aside), and every name compute.py imports from where the sections'
    computations live.
    """
    names: set[str] = set()
    for module in ("compute", "sections", "charts"):
        tree = ast.parse((PACKAGE_DIR / "report" / "weekly" / f"{module}.py").read_text(encoding="utf-8"))
        names |= {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        if module == "compute":
            names |= {
                alias.asname or alias.name
                for node in tree.body
                if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(SECTION_HOMES)
                for alias in node.names
            }
    return names - WEEKLY_API - {"no_timer"}


def copies_of_the_build(source: str) -> list[str]:
    """What in a benchmark's source computes the report by hand instead of through ``weekly``'s own calls."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("reporting"):
            for alias in node.names:
                if node.module.startswith(SECTION_HOMES) or (
                    node.module.startswith("reporting.report") and alias.name not in ALLOWED_FROM_REPORT.get(node.module, set())
                ):
                    found.append(f"from {node.module} import {alias.name}")
        elif isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name.startswith(("reporting.report", *SECTION_HOMES))]
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    found += sorted(used & section_names())
    return found


def test_the_benchmark_computes_no_section_itself():
    assert copies_of_the_build(BENCHMARK.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "line",
    [
        "from reporting.report.weekly.compute import build_report_model",
        "from reporting.text.reading import read_comments",
        "from reporting.report.weekly.charts import render_chart",
        "from reporting.report.window import window_of",
        "model = weekly.compute.build_report_model(cleaned, start, end, taxonomy, rules)",
        "plan = plan_module.build_plan(valid, kinds, eager)",
    ],
)
def test_a_hand_copied_step_in_the_benchmark_is_caught(line):
    assert copies_of_the_build(BENCHMARK.read_text(encoding="utf-8") + "\n" + line + "\n")
