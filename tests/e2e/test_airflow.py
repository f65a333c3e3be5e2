"""The weekly fan-out as an Airflow DAG: run by Airflow 3 in its own environment, and its steps in ours.

The DAG test creates ``.venv-airflow/`` from requirements-airflow.lock once (``scripts/airflow-check.sh
--venv-only``; reused while the lock is unchanged) and runs ``airflow dags test`` through
tests/airflow/check.py, as ``make airflow-check --broken-slice`` does. Where the package index cannot
be reached it skips, saying why — except on CI, where it fails.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from reporting.config import PARAMS_DIR, PROJ_ROOT
from reporting.intake.sources import import_files
from reporting.run.airflow_dag import Worker, _run_step, as_of_day, store_url
from reporting.run.airflow_dag import main as step
from tests.airflow.check import PERIOD, SLICES, format_states, problems, run_check
from tests.conftest import WEEK

BROKEN = "投诉处理"


def airflow_venv() -> Path:
    """``.venv-airflow``, created when missing or out of date (skips where it cannot be; fails on CI)."""
    created = subprocess.run(
        ["bash", "scripts/airflow-check.sh", "--venv-only"], cwd=PROJ_ROOT, capture_output=True, text=True, timeout=1200
    )
    if created.returncode != 0:
        reason = (created.stderr.strip().splitlines() or [f"exit {created.returncode}"])[-1]
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Airflow DAG test: {reason}")
        pytest.skip(reason)
    return PROJ_ROOT / ".venv-airflow"


@pytest.fixture(scope="module")
def dag_run(tmp_path_factory: pytest.TempPathFactory):
    venv = airflow_venv()
    return run_check(tmp_path_factory.mktemp("airflow"), venv, broken=BROKEN)


@pytest.mark.e2e
def test_airflow_runs_a_task_per_slice_and_a_broken_slice_fails_alone(dag_run):
    states = format_states(dag_run)
    assert problems(dag_run) == [], states + "\n" + dag_run.log.read_text(encoding="utf-8")[-4000:]
    mapped = {t.label: t.state for t in dag_run.tasks if t.task_id == "slice_report"}
    assert mapped == {f"service_type={s}": "failed" if s == BROKEN else "success" for s in SLICES}, states
    assert dag_run.task("index_and_alerts").state == "success" and dag_run.run_state == "failed", states
    period = dag_run.outputs / "weekly" / PERIOD
    assert sorted(p.parent.name for p in period.glob("*/report.pdf")) == sorted(s for s in SLICES if s != BROKEN)
    assert "weekly_followup_reports" in dag_run.dags  # examples/airflow/weekly_reports.py parses in Airflow 3


@pytest.mark.e2e
def test_the_check_notices_a_state_it_did_not_expect(dag_run):
    # the same run judged as if every slice should have succeeded: the check must say so
    wrong = problems(dataclasses.replace(dag_run, broken=""))
    assert any(f"slice_report service_type={BROKEN}: failed, expected success" in line for line in wrong)
    assert any("DAG run failed" in line for line in wrong)


def test_the_dag_module_needs_neither_airflow_nor_the_workbooks_libraries_to_load():
    heavy = "{'airflow', 'pandas', 'numpy', 'sqlalchemy', 'yaml'}"
    probe = f"import sys, reporting.run.airflow_dag; print(sorted({{m.split('.')[0] for m in sys.modules}} & {heavy}))"
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=PROJ_ROOT, capture_output=True, text=True, timeout=60)
    assert loaded.returncode == 0 and loaded.stdout.strip() == "[]", loaded.stdout + loaded.stderr


def test_the_logical_date_is_read_in_the_dags_timezone():
    monday_seven_in_shanghai = datetime(2026, 11, 22, 23, 0, tzinfo=UTC)  # {{ ds }} would say Sunday 2026-11-22
    assert as_of_day(monday_seven_in_shanghai, datetime(2026, 12, 1, tzinfo=UTC), "Asia/Shanghai") == date(2026, 11, 23)
    assert as_of_day(None, datetime(2026, 12, 1, 1, 0, tzinfo=UTC), "Asia/Shanghai") == date(2026, 12, 1)  # a manual run


def test_the_store_url_comes_from_the_connection():
    assert (
        store_url("postgres", "db.internal", "cx", "p@ss:w/rd", "cx", 5432, {})
        == "postgresql+psycopg://cx:p%40ss%3Aw%2Frd@db.internal:5432/cx"
    )
    assert store_url("sqlite", "/srv/records.db", "", "", "", None, {}) == "sqlite:////srv/records.db"
    assert store_url("generic", "", "", "", "", None, {"url": "postgresql+psycopg://a@b/c"}) == "postgresql+psycopg://a@b/c"
    with pytest.raises(ValueError, match="mysql"):
        store_url("mysql", "h", "u", "p", "s", None, {})


def test_a_task_passes_the_store_but_not_airflows_secrets_to_the_workbook(monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_REPORTING_STORE", "postgresql://cx:secret@db/cx")
    monkeypatch.setenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "postgresql://airflow:secret@meta/airflow")
    monkeypatch.delenv("PGPASSWORD", raising=False)
    url = store_url("postgres", "db.internal", "cx", "p@ss:w/rd", "cx", 5432, {})
    environment = Worker(Path("/srv/reporting"), Path("/srv/reporting/.venv/bin/python"), Path("/srv/out"), url).environment()
    # the URL becomes the reports' source parameter, recorded in the executed notebook: no password in it
    assert environment["REPORTING_STORE_URL"] == "postgresql+psycopg://cx@db.internal:5432/cx"
    assert environment["PGPASSWORD"] == "p@ss:w/rd"  # libpq reads it
    assert not [name for name in environment if name.startswith("AIRFLOW")]
    assert "p@ss" not in repr(Worker(Path("/srv"), Path("/srv/python"), Path("/srv/out"), url))
    sqlite = Worker(Path("/srv"), Path("/srv/python"), Path("/srv/out"), "sqlite:////srv/records.db").environment()
    assert sqlite["REPORTING_STORE_URL"] == "sqlite:////srv/records.db" and "PGPASSWORD" not in sqlite


def test_a_stopped_task_takes_its_step_down_with_it(tmp_path):
    # execution_timeout (or a task marked failed) interrupts the task: the step's whole process group ends too
    class Stopped(Exception):
        pass

    def stop(signum: int, frame: object) -> None:
        raise Stopped

    previous = signal.signal(signal.SIGALRM, stop)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        with pytest.raises(Stopped):
            _run_step(Worker(tmp_path, Path(sys.executable), tmp_path), ["bash", "-c", "sleep 60 & echo $! > child.pid; wait"], "等待")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    child = Path("/proc") / (tmp_path / "child.pid").read_text().strip() / "stat"
    deadline = time.monotonic() + 5
    while child.exists() and child.read_text().split()[2] != "Z" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not child.exists() or child.read_text().split()[2] == "Z", "the step's child outlived the stopped task"


@pytest.fixture
def store(small_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'records.db'}"
    import_files([small_csv], url)
    monkeypatch.setenv("REPORTING_STORE_URL", url)
    return url


def plan(capsys: pytest.CaptureFixture[str], params: Path, *extra: str) -> dict:
    arguments = ["--as-of", "2026-11-23", "--output-dir", str(params.parent / "out"), "-p", "period", "last_week", *extra]
    code = step(["plan", str(params), *arguments])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out.strip().splitlines()[-1])


def test_the_plan_lists_the_slices_the_store_holds_for_the_period(store, small_csv, tmp_path, capsys):
    from reporting.intake.clean import select_period
    from reporting.intake.sources import read_files

    found = plan(capsys, PARAMS_DIR / "weekly.yaml", "--slice-by", "service_type")
    week = select_period(read_files([small_csv]).records, *(date.fromisoformat(d) for d in WEEK))
    assert [run["slice_value"] for run in found["slices"]] == sorted(week["service_type"].unique())
    assert found["overall"] == {"period_start": WEEK[0], "period_end": WEEK[1], "as_of": "2026-11-23", "slice_field": "", "slice_value": ""}
    assert {run["slice_field"] for run in found["slices"]} == {"service_type"} and found["alerts"] is False


def test_the_plan_takes_the_params_files_slices(store, tmp_path, capsys):
    params = tmp_path / "weekly.yaml"
    params.write_text(
        (PARAMS_DIR / "weekly.yaml").read_text(encoding="utf-8") + "slices:\n  service_type: [售后维修, 投诉处理]\nalerts: {}\n",
        encoding="utf-8",
    )
    found = plan(capsys, params)
    assert [(run["slice_field"], run["slice_value"]) for run in found["slices"]] == [("service_type", v) for v in ("售后维修", "投诉处理")]
    assert found["alerts"] is True


def test_a_mistake_in_a_step_is_one_line_and_exit_2(store, tmp_path, capsys):
    arguments = ["--as-of", "2026-11-23", "--output-dir", str(tmp_path), "-p", "period", "next_year"]
    code = step(["plan", str(PARAMS_DIR / "weekly.yaml"), *arguments])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("错误：") and "next_year" in err
