"""Anything unforeseen ends in one Chinese line naming the log that holds the traceback, exit 1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reporting import cli
from reporting.config import PROJ_ROOT
from tests.conftest import run_cli

# the command, and a function it calls that is made to fail as a bug would
COMMANDS = [
    (["demo-data", "--out", "{tmp}/demo.csv"], "reporting.demo.records.generate_demo_records", "生成演示数据"),
    (["index", "--output-dir", "{tmp}/out"], "reporting.run.index.collect_entries", "生成报告索引"),
    (["import", "{csv}", "--store", "sqlite:///{tmp}/r.db"], "reporting.intake.sources.import_files", "导入回访记录"),
    (
        ["import-followups", "{tmp}/w.xlsx", "--store", "sqlite:///{tmp}/r.db"],
        "reporting.followup.round_trip.import_workbook",
        "导入跟进结果",
    ),
    (["run", "params/weekly.yaml", "-p", "source", "{csv}", "--output-dir", "{tmp}/out"], "reporting.run.execute.run_report", "生成报告"),
    (
        ["batch", "params/weekly.yaml", "-p", "source", "{csv}", "--output-dir", "{tmp}/out"],
        "reporting.run.batch.run_batch",
        "批量生成报告",
    ),
]


def explode(*args, **kwargs):
    raise RuntimeError("内部错误的演示\n第二行不应出现")


@pytest.mark.parametrize(
    ("argv", "target", "what"),
    # `run` starts its kernel before the failing call; the other commands start none
    [pytest.param(*c, id=c[0][0], marks=[pytest.mark.e2e] if c[0][0] == "run" else []) for c in COMMANDS],
)
def test_an_unforeseen_error_is_one_line_and_a_log(argv, target, what, small_csv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(PROJ_ROOT)
    monkeypatch.setattr("reporting.config.DEFAULT_OUTPUT_DIR", tmp_path / "default-outputs")
    monkeypatch.setattr(target, explode)
    code = cli.main([a.format(tmp=tmp_path, csv=small_csv) for a in argv])
    err = capsys.readouterr().err
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    match = re.fullmatch(rf"错误：{what}时发生意外错误：RuntimeError: 内部错误的演示（完整信息已写入 (?P<log>\S+\.log)）", lines[0])
    assert match, lines[0]
    log = match.group("log")
    assert log.startswith(str(tmp_path))
    assert "Traceback (most recent call last)" in Path(log).read_text(encoding="utf-8")


def test_index_into_a_file_instead_of_a_folder_fails_in_one_line(tmp_path):
    not_a_folder = tmp_path / "outputs"
    not_a_folder.write_text("", encoding="utf-8")
    result = run_cli("index", "--output-dir", str(not_a_folder))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "生成报告索引时发生意外错误：" in result.stderr and ".log" in result.stderr


@pytest.mark.e2e
@pytest.mark.parametrize("writer", ["write_rejects_csv", "write_workbook"])  # here, and in the process beside the PDF
def test_a_writer_failing_mid_export_keeps_the_run_and_its_traceback(small_csv, tmp_path, monkeypatch, capsys, writer):
    monkeypatch.chdir(PROJ_ROOT)
    monkeypatch.setattr(f"reporting.run.execute.{writer}", explode)
    out = tmp_path / "out"
    code = cli.main(["run", "params/weekly.yaml", "-p", "source", str(small_csv), "-p", "followup_store", "none", "--output-dir", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    assert "导出报告时发生意外错误：RuntimeError: 内部错误的演示（完整信息已写入" in err
    logs = list((out / "weekly" / "failed").glob("*/error.log"))
    assert len(logs) == 1 and str(logs[0]) in err and (logs[0].parent / "report.ipynb").is_file()
    assert not [p for p in (out / "weekly").iterdir() if p.name not in ("failed", ".staging", ".locks")]
