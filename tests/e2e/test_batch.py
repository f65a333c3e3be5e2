"""Batch and scheduled runs: fan-out, failures, atomicity, locks, idempotence, index, notifications."""

from __future__ import annotations

import ast
import email
import email.policy
import fcntl
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import nbformat
import pytest

from reporting.cli import build_parser
from reporting.config import NOTEBOOKS_DIR, PROJ_ROOT
from tests.conftest import WEEK, run_cli, run_process, weekly_args
from tests.postgres import free_port

SLICES = ["售后维修", "业务办理", "投诉处理", "长期客户维护"]


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
    assert len(re.findall(r"\[\d+/10\] (完成|失败)", result.stdout)) == 10  # plain timestamped lines off a terminal


def test_each_slice_holds_exactly_its_records(batch, small_csv):
    from reporting.intake.clean import select_period
    from reporting.intake.sources import read_files

    _, out = batch
    period = out / "weekly" / f"{WEEK[0]}_{WEEK[1]}"
    records = select_period(read_files([small_csv]).records, *(date.fromisoformat(d) for d in WEEK))
    expected = records["service_type"].value_counts()
    for value in SLICES:
        metrics = json.loads((period / value / "metrics.json").read_text(encoding="utf-8"))
        assert metrics["sample"]["attempted"] == expected[value], value
        assert metrics["ledger"]["other_slices"] > 0


def test_index_lists_every_report_with_working_links(batch):
    _, out = batch
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html.count("<tr>") == 1 + 5 + 4  # header, weekly overall + 4 slices, fragile overall + 3 slices
    for href in re.findall(r'href="([^"]+)"', html):
        assert (out / href).exists(), href
    assert "<script" not in html and "http" not in html


def test_rerun_gives_identical_metrics_and_content(small_csv, tmp_path):
    args = [*weekly_args(small_csv), "-p", "period", "2026-W47"]
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        assert run_cli(*args, "--output-dir", str(out)).returncode == 0
    folder = Path("weekly") / f"{WEEK[0]}_{WEEK[1]}"
    assert (first / folder / "metrics.json").read_bytes() == (second / folder / "metrics.json").read_bytes()
    assert (first / folder / "rejects.csv").read_bytes() == (second / folder / "rejects.csv").read_bytes()

    def without_timestamps(path: Path) -> str:
        return re.sub(r"生成时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "", path.read_text(encoding="utf-8"))

    assert without_timestamps(first / folder / "report.html") == without_timestamps(second / folder / "report.html")
    manifest = json.loads((first / folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["period"] == {"start": WEEK[0], "end": WEEK[1]}
    assert set(manifest["seconds"]) == {"execute", "html", "pdf", "html_fonts", "workbook"}
    assert "Executing notebook with kernel" in (first / folder / "run.log").read_text(encoding="utf-8")


@pytest.mark.e2e
def test_killing_a_run_midway_leaves_the_previous_report_intact(small_csv, tmp_path):
    args = [
        sys.executable,
        "-m",
        "reporting",
        *weekly_args(small_csv),
        "-p",
        "period",
        "2026-W47",
        "--output-dir",
        str(tmp_path),
    ]
    assert run_cli(*args[3:]).returncode == 0
    folder = tmp_path / "weekly" / f"{WEEK[0]}_{WEEK[1]}"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    process = subprocess.Popen(args, cwd=PROJ_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and not list((tmp_path / "weekly" / ".staging").glob("*/report.ipynb")):
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    abandoned = list((tmp_path / "weekly" / ".staging").iterdir())
    assert abandoned  # the killed run's half-written folder
    assert run_cli(*args[3:]).returncode == 0
    assert not any(p.exists() for p in abandoned)  # the next run of the same report cleared it


def test_a_second_run_of_the_same_report_exits_with_a_clear_line(small_csv, tmp_path):
    locks = tmp_path / "weekly" / ".locks"
    locks.mkdir(parents=True)
    with (locks / f"{WEEK[0]}_{WEEK[1]}___all.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        result = run_cli(
            *weekly_args(small_csv),
            "-p",
            "period",
            "2026-W47",
            "--output-dir",
            str(tmp_path),
        )
    assert result.returncode == 75
    assert "正由另一个进程生成" in result.stderr and result.stderr.count("\n") == 1


def test_notifications_by_command_and_by_real_smtp(small_csv, tmp_path, monkeypatch):
    from aiosmtpd.controller import Controller

    received = []

    class Collect:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            received.append(envelope)
            return "250 OK"

    controller = Controller(Collect(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        log = tmp_path / "notified.txt"
        hook = tmp_path / "hook.py"
        hook.write_text(f"import os, sys\nopen({str(log)!r}, 'w').write(os.environ['REPORTING_STATUS'] + '\\n' + sys.stdin.read())\n")
        command = f"{shlex.quote(sys.executable)} {shlex.quote(str(hook))}"
        extra = (
            f"notify:\n  on: [success, failure]\n  command: {json.dumps(command)}\n  email:\n    to: [ops@example.com]\n    subject: 周报\n"
        )
        params = write_params(tmp_path / "notify.yaml", small_csv, extra=extra)
        params.write_text(params.read_text(encoding="utf-8").split("slices:")[0] + extra, encoding="utf-8")
        monkeypatch.setenv("REPORTING_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("REPORTING_SMTP_PORT", str(controller.port))
        result = run_cli("batch", str(params), "--output-dir", str(tmp_path / "out"))
    finally:
        controller.stop()
    assert result.returncode == 0, result.stderr
    assert log.read_text(encoding="utf-8").startswith("success\n回访报告：1 份成功，0 份失败。")
    assert len(received) == 1 and received[0].rcpt_tos == ["ops@example.com"]
    message = email.message_from_bytes(received[0].content, policy=email.policy.default)
    assert message["Subject"] == "周报：全部成功"
    body = message.get_content()
    assert body.startswith("回访报告：1 份成功，0 份失败。") and "index.html" in body


def test_airflow_dag_commands_are_valid_cli_calls():
    dag = PROJ_ROOT / "examples" / "airflow" / "weekly_reports.py"
    try:
        import airflow  # noqa: F401
    except ImportError:
        tree = ast.parse(dag.read_text(encoding="utf-8"))
        commands = [
            node.value.value
            for node in ast.walk(tree)
            if isinstance(node, ast.keyword) and node.arg == "bash_command" and isinstance(node.value, ast.Constant)
        ]
        assert commands, "the DAG defines no bash_command"
        for command in commands:
            words = shlex.split(command.replace("{{ ds }}", "2026-11-23").split("&&")[-1])
            assert words[0].endswith("/reporting") or words[0] == "reporting", command
            arguments = build_parser().parse_args(words[1:])
            assert arguments.command in {"batch", "run", "import", "index"}
            for params in getattr(arguments, "params", []) or []:
                assert (PROJ_ROOT / params).exists(), params
    else:
        import importlib.util

        spec = importlib.util.spec_from_file_location("weekly_reports", dag)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert module.dag.dag_id == "weekly_followup_reports"
