"""Smoke test of the performance benchmark (benchmarks/run.py) at a tiny size."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reporting.config import PROJ_ROOT

pytestmark = pytest.mark.e2e  # the benchmark runs `reporting run` (kernels) in processes of its own

SCRIPT = PROJ_ROOT / "benchmarks" / "run.py"


def positive(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One benchmark run on 2,000 records, three measurements at a time (figures skewed, keys checked), data in a temporary folder."""
    folder = tmp_path_factory.mktemp("bench")
    out = folder / "bench.json"
    arguments = ["--sizes", "2000", "--jobs", "3", "--repeats", "1", "--json", str(out), "--cache", str(folder / "cache")]
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *arguments],
        cwd=PROJ_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "weekly_e2e_vs_tooling_floor" in done.stdout
    return json.loads(Path(out).read_text(encoding="utf-8"))


def test_required_ratios_and_figures_are_positive_numbers(results):
    ratios = results["ratios"]
    assert positive(ratios["weekly_e2e_vs_tooling_floor"])
    assert ratios["analysis_vs_io_floor"] and all(positive(v) for v in ratios["analysis_vs_io_floor"].values())
    assert positive(ratios["xlsx_import_speedup"])
    assert positive(results["scaling"]["time_ratio_1m_vs_100k"])
    assert results["peak_rss_mb"] and all(positive(v) for v in results["peak_rss_mb"].values())
    assert positive(results["store"]["week_pull_s"])
    assert positive(results["store"]["import_1m_s"])
    assert positive(ratios["kernel_vs_floor"]) and positive(results["store"]["import_rows_per_s"])


def test_every_stage_is_timed_with_its_peak_memory(results):
    stages = results["by_size"]["2000"]["stages"]
    for name in (
        "load_csv", "load_xlsx", "load_parquet", "clean", "io_floor",
        "build", "load", "model", "read_comments", "overview", "conclusions", "problems", "followup",
        "sync_plan", "render", "render_charts", "render_problems", "publish", "model_full_year",
    ):  # fmt: skip
        assert positive(stages[name]["seconds"]) and positive(stages[name]["peak_rss_mb"]), name
    assert {"select", "window", "suggestions", "recommendations"} <= set(stages)  # timed too, but may round to 0 s


def test_the_weekly_notebooks_stages_are_timed_inside_its_build(results):
    """``build``'s stages come from its timing hook: they add up to at most ``build``, whose peak covers theirs."""
    stages = results["by_size"]["2000"]["stages"]
    inner = ("load", "select", "window", "read_comments", "overview", "conclusions", "problems")
    inner += ("suggestions", "recommendations", "followup", "attention", "alerts")
    assert sum(stages[name]["seconds"] for name in inner) <= stages["build"]["seconds"]
    own = sum(stages[name]["seconds"] for name in ("load", "coverage", "alerts") if name in stages)  # build's own stages
    assert stages["model"]["seconds"] == round(stages["build"]["seconds"] - own, 4)
    assert stages["build"]["peak_rss_mb"] >= max(stages[name]["peak_rss_mb"] for name in inner)
    parts = ("header", "overview", "conclusions", "charts", "problems", "recommendations", "methods")
    assert sum(stages[f"render_{part}"]["seconds"] for part in parts) <= stages["render"]["seconds"]
    assert results["by_size"]["2000"]["analysis_s"] == round(stages["build"]["seconds"], 3)
    assert positive(results["export"]["html_export"]["seconds"]) and positive(results["export"]["pdf_export"]["seconds"])
    assert positive(results["tooling_floor"]["seconds"]) and positive(results["weekly_e2e"]["seconds"])
    assert results["ratios"]["weekly_e2e_vs_tooling_floor"] == round(
        results["weekly_e2e"]["seconds"] / results["tooling_floor"]["seconds"], 3
    )


def test_machine_and_targets_are_reported(results):
    machine = results["machine"]
    assert machine["cores"] >= 1 and machine["ram_gb"] > 0 and machine["python"] and machine["pandas"]
    assert {"weekly_e2e_vs_tooling_floor", "analysis_vs_io_floor", "xlsx_import_speedup", "week_pull_s"} <= set(results["targets"])
    assert all(isinstance(t["met"], bool) for t in results["targets"].values())


def test_the_big_week_case_is_reported_per_stage(results):
    big = results["big_week"]
    assert big["records"] == results["data"][max(results["data"], key=int)]["rows"]
    assert 0 < big["week_rows"] < big["records"] and big["peak_rss_mb"] > 0
    assert big["seconds"] >= sum(v for v in big["stages"].values() if v is not None) * 0.5
    assert set(big["stages"]) == {"read_and_model", "charts", "other_cells", "workbook", "html", "pdf", "html_fonts"}
    assert set(big["workbook_s"]) == {"10000", "20000"} and big["followup_report_s"] > 0
    assert {"big_week_s", "big_week_peak_rss_mb", "workbook_ratio_20k_vs_10k", "followup_report_s"} <= set(results["targets"])
