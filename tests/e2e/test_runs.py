"""Scheduled runs: idempotent reruns, a killed run leaving the last report intact, the lock, notifications."""

from __future__ import annotations

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
from pathlib import Path

import pytest

from reporting.config import PROJ_ROOT
from tests.conftest import WEEK, run_cli, weekly_args
from tests.e2e.test_batch import write_params

pytestmark = pytest.mark.e2e  # every test runs a report


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
    assert set(manifest["seconds"]) == {"execute", "html", "pdf", "html_fonts", "workbook", "beside_wait"}
    assert "Executing notebook with kernel" in (first / folder / "run.log").read_text(encoding="utf-8")


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


def test_notifications_by_command_and_by_real_smtp(small_csv, tmp_path, smtp_server):
    received = smtp_server
    log = tmp_path / "notified.txt"
    hook = tmp_path / "hook.py"
    hook.write_text(f"import os, sys\nopen({str(log)!r}, 'w').write(os.environ['REPORTING_STATUS'] + '\\n' + sys.stdin.read())\n")
    command = f"{shlex.quote(sys.executable)} {shlex.quote(str(hook))}"
    extra = f"notify:\n  on: [success, failure]\n  command: {json.dumps(command)}\n  email:\n    to: [ops@example.com]\n    subject: 周报\n"
    params = write_params(tmp_path / "notify.yaml", small_csv, extra=extra)
    params.write_text(params.read_text(encoding="utf-8").split("slices:")[0] + extra, encoding="utf-8")
    result = run_cli("batch", str(params), "--output-dir", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert log.read_text(encoding="utf-8").startswith("success\n回访报告：1 份成功，0 份失败。")
    assert len(received) == 1 and received[0].rcpt_tos == ["ops@example.com"]
    message = email.message_from_bytes(received[0].content, policy=email.policy.default)
    assert message["Subject"] == "周报：全部成功"
    body = message.get_content()
    assert body.startswith("回访报告：1 份成功，0 份失败。") and "index.html" in body


def test_the_page_and_workbook_are_written_beside_the_pdf(small_csv, tmp_path):
    """A forked process writes report.html and the workbook while the PDF renders; the manifest times both sides."""
    import openpyxl

    result = run_cli(*weekly_args(small_csv, "-p", "period", "2026-W47", "-p", "followup_store", "none", "--output-dir", str(tmp_path)))
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "weekly" / f"{WEEK[0]}_{WEEK[1]}"
    seconds = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["seconds"]
    assert seconds["workbook"] > 0 and seconds["html_fonts"] > 0 and "beside_wait" in seconds and seconds["pdf"] > 0
    assert "@font-face" in (folder / "report.html").read_text(encoding="utf-8")
    book = openpyxl.load_workbook(folder / "workbook.xlsx", read_only=True)
    assert book.sheetnames[:2] == ["客户回访记录表", "客户跟进计划表"] and book.sheetnames[-1] == "剔除记录"
