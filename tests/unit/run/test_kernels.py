"""The run's kernel: started ahead with a warm-up, reset between reports, its stderr kept only when it wrote any."""

from __future__ import annotations

import subprocess
import sys

import pytest

from reporting.run.kernels import SharedKernel, preload_code, report_named_in


def test_the_report_a_params_file_names(tmp_path):
    named = tmp_path / "mine.yaml"
    named.write_text("report: trend\nnotebook: x.ipynb\n", encoding="utf-8")
    unnamed = tmp_path / "weekly_north.yaml"
    unnamed.write_text("notebook: x.ipynb\n", encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text("report: [unclosed\n", encoding="utf-8")
    assert report_named_in(named) == "trend"
    assert report_named_in(unnamed) == "weekly_north"
    assert report_named_in(broken) == "" and report_named_in(tmp_path / "missing.yaml") == ""


def test_preload_loads_what_the_weekly_cells_use_and_nothing_for_an_unknown_report():
    probe = (
        "import sys\nfrom reporting.report.preload import preload\npreload({!r})\n"
        "print(sorted(m for m in ('sklearn.linear_model', 'sklearn.decomposition', 'jieba', 'reporting.report.weekly.charts', "
        "'matplotlib.pyplot', 'reporting.report.weekly') if m in sys.modules))"
    )
    weekly = subprocess.run([sys.executable, "-c", probe.format("weekly")], capture_output=True, text=True, check=True)
    other = subprocess.run([sys.executable, "-c", probe.format("my_own_report")], capture_output=True, text=True, check=True)
    loaded = "['jieba', 'reporting.report.weekly', 'reporting.report.weekly.charts', 'sklearn.decomposition', 'sklearn.linear_model']"
    assert weekly.stdout.split("\n")[-2] == loaded  # charts without pyplot
    assert other.stdout.split("\n")[-2] == "[]"
    assert "_preload('weekly')" in preload_code("weekly")


def _printed(manager, code: str) -> str:
    """What ``code`` prints when run in the kernel."""
    outputs: list[str] = []
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=30)  # the output channel connected, as papermill's client waits for it
        hook = lambda m: outputs.append(m["content"].get("text", "") if m["msg_type"] == "stream" else "")  # noqa: E731
        reply = client.execute_interactive(code, timeout=30, output_hook=hook)
    finally:
        client.stop_channels()
    assert reply["content"]["status"] == "ok"
    return "".join(outputs).strip()


@pytest.mark.e2e
def test_the_warm_up_runs_first_and_the_namespace_is_cleared_for_each_report(tmp_path):
    log = tmp_path / "logs" / "kernel.log"
    kernel = SharedKernel(log, "import sys, colorsys\nsys.warmed = 'yes'\nleft_over = 1")
    try:
        kernel.start()
        manager = kernel.ready()
        probe = "import sys\nprint(getattr(sys, 'warmed', None), 'colorsys' in sys.modules, 'left_over' in dir())\nleft_over = 2"
        assert _printed(manager, probe) == "yes True False"
        assert kernel.pid > 0 and kernel.runs == 1
        manager = kernel.ready()  # the next report: same kernel, namespace cleared again
        assert _printed(manager, probe) == "yes True False" and kernel.runs == 2
    finally:
        kernel.close()
    assert not log.exists()  # the kernel wrote nothing on stderr: no log left behind


@pytest.mark.e2e
def test_a_failing_warm_up_does_not_stop_the_run_and_its_stderr_is_kept(tmp_path):
    log = tmp_path / "logs" / "kernel.log"
    kernel = SharedKernel(log, "import os\nos.write(2, b'from the kernel\\n')\nraise ValueError('warm-up failed')")
    try:
        kernel.start()
        manager = kernel.ready()
        assert _printed(manager, "print(1 + 1)") == "2"
    finally:
        kernel.close()
    assert "from the kernel" in log.read_text(encoding="utf-8")


@pytest.mark.e2e
def test_a_long_temporary_folder_falls_back_to_loopback_tcp(tmp_path, monkeypatch):
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    monkeypatch.setenv("TMPDIR", str(deep))
    monkeypatch.setattr("tempfile.tempdir", None)  # re-read TMPDIR
    kernel = SharedKernel(tmp_path / "kernel.log", "import sys")
    try:
        kernel.start()
        manager = kernel.ready()
        assert manager.transport == "tcp" and _printed(manager, "print(6 * 7)") == "42"
    finally:
        kernel.close()
