"""Batch runs: fan-out over slices, one failure not stopping the others, the index (the Airflow DAG: test_airflow.py)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import nbformat
import pytest

from reporting.config import NOTEBOOKS_DIR
from tests.conftest import WEEK, run_process

SLICES = ["售后维修", "投诉处理"]  # one slice of each report fails in the fragile notebook


def write_params(path: Path, source: Path, notebook: Path | None = None, report: str = "weekly", extra: str = "") -> Path:
    slices = "".join(f"\n    - {s}" for s in SLICES)
    path.write_text(
        f"report: {report}\nnotebook: {notebook or 'notebooks/reports/weekly_report.ipynb'}\n"
        f"parameters:\n  source: {source}\n  period: {WEEK[0]}..{WEEK[1]}\n"
        f"slices:\n  service_type:{slices}\n{extra}",
        encoding="utf-8",
    )
    return path


def broken_notebook(folder: Path) -> Path:
    notebook = nbformat.read(NOTEBOOKS_DIR / "reports" / "weekly_report.ipynb", as_version=4)
    notebook.cells.insert(4, nbformat.v4.new_code_cell('if slice_value == "投诉处理":\n    raise RuntimeError("投诉切片故意失败")'))
    path = folder / "broken.ipynb"
    nbformat.write(notebook, path)
    return path


@pytest.fixture(scope="module")
def batch(small_csv, tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch")
    good = write_params(folder / "good.yaml", small_csv)
    broken = write_params(folder / "broken.yaml", small_csv, broken_notebook(folder), report="fragile")
    out = folder / "out"
    result = run_process("batch", str(good), str(broken), "--jobs", "2", "--output-dir", str(out))
    return result, out


@pytest.mark.e2e
def test_batch_fans_out_and_one_failure_does_not_stop_the_others(batch):
    result, out = batch
    assert result.returncode == 1
    period = out / "weekly" / f"{WEEK[0]}_{WEEK[1]}"
    assert (period / "report.pdf").exists()
    for value in SLICES:
        assert (period / value / "report.pdf").exists(), value
        assert json.loads((period / value / "metrics.json").read_text(encoding="utf-8"))["slice"] == f"服务类型 = {value}"
    fragile = out / "fragile" / f"{WEEK[0]}_{WEEK[1]}"
    assert (fragile / "售后维修" / "report.pdf").exists() and not (fragile / "投诉处理").exists()
    assert list((out / "fragile" / "failed").glob("*投诉处理*/report.ipynb"))
    assert re.search(r"fragile\s+投诉处理\s+失败.*RuntimeError: 投诉切片故意失败", result.stdout)
    assert "1 份报告失败：fragile/投诉处理" in result.stderr
    assert len(re.findall(r"\[\d+/6\] (完成|失败)", result.stdout)) == 6  # plain timestamped lines off a terminal
    # each worker kept one kernel for its reports (a failed cell did not spoil the next report)
    kernels = [json.loads(p.read_text(encoding="utf-8"))["kernel"] for p in (out / "weekly").rglob("manifest.json")]
    assert len({k["pid"] for k in kernels}) <= 2 and max(k["reports"] for k in kernels) >= 2


@pytest.mark.e2e
def test_each_slice_holds_exactly_its_records(batch, small_csv):
    from reporting.intake.clean import select_period
    from reporting.intake.sources import read_files

    _, out = batch
    period = out / "weekly" / f"{WEEK[0]}_{WEEK[1]}"
    everything = read_files([small_csv]).records
    records = select_period(everything, *(date.fromisoformat(d) for d in WEEK))
    expected = records["service_type"].value_counts()
    for value in SLICES:
        metrics = json.loads((period / value / "metrics.json").read_text(encoding="utf-8"))
        assert metrics["sample"]["attempted"] == expected[value], value
        # every record of the file (all weeks) outside the slice is left out and counted
        assert metrics["ledger"]["other_slices"] == len(everything) - everything["service_type"].eq(value).sum(), value


@pytest.mark.e2e
def test_index_lists_every_report_with_working_links(batch):
    _, out = batch
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html.count("<tr>") == 1 + 3 + 2  # header, weekly overall + 2 slices, fragile overall + 1 slice
    for href in re.findall(r'href="([^"]+)"', html):
        assert (out / href).exists(), href
    assert "<script" not in html and "http" not in html
