"""``make airflow-check`` and tests/e2e/test_airflow.py: the weekly DAG run by Airflow 3 over the demo data.

What it builds in a work folder (a temporary one unless ``--workdir``):

- ``exports/week.csv``: the demo records (``reporting demo-data``'s defaults) of three service
  types, the slices — the DAG lists them from the store at run time (``slice_by``);
- ``weekly.yaml``: params/weekly.yaml's parameters and an ``alerts`` section whose webhook is a
  robot on loopback; with a broken slice, the notebook is the weekly one with a cell that fails
  for that slice;
- ``dags/``: the two-line deployment file of this check, and ``examples/airflow/weekly_reports.py``
  (parsed only);
- ``airflow/``: ``AIRFLOW_HOME``, SQLite metadata, the pool ``reporting_kernels``;
- ``records.db``: the store, given to the tasks as the Connection ``reporting_store``
  (``AIRFLOW_CONN_REPORTING_STORE``); the checkout and ``outputs/`` as Variables.

Then ``airflow dags test weekly_check 2026-11-23`` (a Monday: the DAG reports on 2026-11-16 …
2026-11-22); the task states are read from the metadata database afterwards.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reporting.config import NOTEBOOKS_DIR, PARAMS_DIR, PROJ_ROOT

SLICES = ("售后维修", "业务办理", "投诉处理")
DAG_ID = "weekly_check"
EXAMPLE = PROJ_ROOT / "examples" / "airflow" / "weekly_reports.py"
EXAMPLE_DAG_ID = "weekly_followup_reports"
LOGICAL_DATE = "2026-11-23"
PERIOD = "2026-11-16_2026-11-22"
REPORT_TASKS = ("import_exports", "plan_runs", "overall_report", "index_and_alerts")


@dataclass(frozen=True)
class TaskState:
    """One task instance as Airflow recorded it."""

    task_id: str
    label: str  # a mapped instance's rendered label (``service_type=售后维修``), else ""
    state: str
    tries: int
    seconds: float


@dataclass(frozen=True)
class CheckRun:
    """What one ``airflow dags test`` did."""

    work: Path
    broken: str
    returncode: int
    run_state: str
    tasks: tuple[TaskState, ...]
    dags: tuple[str, ...]  # the DAG ids Airflow parsed from dags/
    posts: tuple[dict, ...]  # what the alert robot received
    seconds: float

    @property
    def outputs(self) -> Path:
        return self.work / "outputs"

    @property
    def log(self) -> Path:
        return self.work / "dags-test.log"

    def task(self, task_id: str, label: str = "") -> TaskState | None:
        return next((t for t in self.tasks if t.task_id == task_id and t.label == label), None)


def prepare(work: Path, broken: str = "") -> None:
    """Write the exports, the params file (and the broken notebook) and the dags/ folder into ``work``."""
    import nbformat
    import yaml

    from reporting.demo.records import DemoSpec, generate_demo_records
    from reporting.export.files import write_records_csv

    records = generate_demo_records(DemoSpec(weeks=10, rows_per_week=300, seed=7, end=date(2026, 11, 22)))
    (work / "exports").mkdir(parents=True, exist_ok=True)
    write_records_csv(records[records["service_type"].isin(SLICES)], work / "exports" / "week.csv")
    document = yaml.safe_load((PARAMS_DIR / "weekly.yaml").read_text(encoding="utf-8"))
    if broken:
        notebook = nbformat.read(NOTEBOOKS_DIR / "reports" / "weekly_report.ipynb", as_version=4)
        failing = f'if slice_value == "{broken}":\n    raise RuntimeError("{broken}切片故意失败")'
        notebook.cells.insert(4, nbformat.v4.new_code_cell(failing))
        nbformat.write(notebook, work / "broken_weekly.ipynb")
        document["notebook"] = str(work / "broken_weekly.ipynb")
    document["alerts"] = {"channels": [{"type": "webhook", "url_env": "CHECK_ALERT_WEBHOOK"}]}
    (work / "weekly.yaml").write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    dags = work / "dags"
    dags.mkdir(exist_ok=True)
    (dags / "weekly_check.py").write_text(
        "from reporting.run.airflow_dag import TaskPolicy, weekly_dag\n\n"
        f"dag = weekly_dag({str(work / 'weekly.yaml')!r}, dag_id={DAG_ID!r}, exports=[{str(work / 'exports' / '*.csv')!r}],"
        " slice_by='service_type', policy=TaskPolicy(retries=0))\n",
        encoding="utf-8",
    )
    (dags / EXAMPLE.name).write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")


def airflow_environment(work: Path, robot: str) -> dict[str, str]:
    """Airflow's environment: this process's without its own Airflow settings, and the check's home, Connection, Variables."""
    kept = {name: value for name, value in os.environ.items() if not name.startswith("AIRFLOW")}
    return {
        **kept,
        "AIRFLOW_HOME": str(work / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(work / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW_CONN_REPORTING_STORE": json.dumps({"conn_type": "sqlite", "host": str(work / "records.db")}),
        "AIRFLOW_VAR_REPORTING_HOME": str(PROJ_ROOT),
        "AIRFLOW_VAR_REPORTING_OUTPUT_DIR": str(work / "outputs"),
        "PYTHONPATH": os.pathsep.join(filter(None, (str(PROJ_ROOT), os.environ.get("PYTHONPATH")))),
        "CHECK_ALERT_WEBHOOK": robot,
    }


class _Robot(http.server.BaseHTTPRequestHandler):
    """A webhook on loopback that keeps every JSON body posted to it."""

    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Robot.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def alert_robot() -> Iterator[str]:
    """The robot's URL while it listens."""
    _Robot.received = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Robot)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()


def run_check(work: Path, airflow_venv: Path, broken: str = "") -> CheckRun:
    """Prepare ``work``, then have Airflow parse the dags/ folder and run the check's DAG once."""
    prepare(work, broken)
    airflow = str(airflow_venv / "bin" / "airflow")
    clock = time.perf_counter()
    with alert_robot() as robot:
        env = airflow_environment(work, robot)

        def call(*arguments: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([airflow, *arguments], env=env, cwd=work, capture_output=True, text=True, timeout=600)

        for step in (("db", "migrate"), ("pools", "set", "reporting_kernels", "2", "report kernels on this machine")):
            done = call(*step)
            if done.returncode != 0:
                raise RuntimeError(f"airflow {' '.join(step)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        listed = call("dags", "list", "--local", "-o", "json")
        dags = tuple(d["dag_id"] for d in _last_json_list(listed.stdout))
        tested = call("dags", "test", DAG_ID, LOGICAL_DATE)
        (work / "dags-test.log").write_text(tested.stdout + tested.stderr, encoding="utf-8")
        posts = tuple(_Robot.received)
    run_state, tasks = read_states(work / "airflow" / "airflow.db")
    return CheckRun(work, broken, tested.returncode, run_state, tasks, dags, posts, round(time.perf_counter() - clock, 1))


def _last_json_list(output: str) -> list[dict]:
    """The JSON list an Airflow command printed last (warnings may come before it)."""
    for line in reversed(output.splitlines()):
        if line.startswith("["):
            return json.loads(line)
    return []


def read_states(database: Path) -> tuple[str, tuple[TaskState, ...]]:
    """The check DAG's run state and its task instances, from Airflow's SQLite metadata database."""
    with sqlite3.connect(database) as connection:
        run = connection.execute("SELECT state FROM dag_run WHERE dag_id = ?", (DAG_ID,)).fetchone()
        rows = connection.execute(
            "SELECT task_id, COALESCE(rendered_map_index, ''), state, try_number, COALESCE(duration, 0) FROM task_instance"
            " WHERE dag_id = ? ORDER BY start_date IS NULL, start_date",
            (DAG_ID,),
        ).fetchall()
    return (run[0] if run else "missing"), tuple(TaskState(t, label, str(s), int(n or 0), round(float(d), 1)) for t, label, s, n, d in rows)


def problems(run: CheckRun) -> list[str]:
    """Everything that is not as the check expects (empty: the DAG did what it should)."""
    found: list[str] = []
    good = [s for s in SLICES if s != run.broken]
    if EXAMPLE_DAG_ID not in run.dags:
        found.append(f"{EXAMPLE.relative_to(PROJ_ROOT)} did not parse into the DAG {EXAMPLE_DAG_ID} (Airflow parsed {list(run.dags)})")
    expected = {(t, ""): "success" for t in REPORT_TASKS}
    expected |= {("slice_report", f"service_type={s}"): "failed" if s == run.broken else "success" for s in SLICES}
    expected[("fail_if_a_report_failed", "")] = "failed" if run.broken else "skipped"
    for (task_id, label), state in expected.items():
        task = run.task(task_id, label)
        if task is None or task.state != state:
            found.append(f"{task_id} {label}: {task.state if task else 'no task instance'}, expected {state}")
    unexpected = {(t.task_id, t.label) for t in run.tasks} - set(expected)
    found += [f"unexpected task instance {task_id} {label}" for task_id, label in sorted(unexpected)]
    if run.run_state != ("failed" if run.broken else "success") or (run.returncode == 0) == bool(run.broken):
        found.append(f"DAG run {run.run_state}, airflow dags test exited {run.returncode}")
    found += _missing_files(run, good)
    found += _alert_problems(run, good)
    return found


def _missing_files(run: CheckRun, good: list[str]) -> list[str]:
    """The reports that should be there and are not (and the broken slice's report, which should not be)."""
    period = run.outputs / "weekly" / PERIOD
    found = [f"missing {path}" for path in (period / "report.pdf", run.outputs / "index.html") if not path.is_file()]
    for value in good:
        metrics = period / value / "metrics.json"
        if not (period / value / "report.pdf").is_file() or not metrics.is_file():
            found.append(f"missing the report of {value} in {period / value}")
        elif json.loads(metrics.read_text(encoding="utf-8"))["slice"] != f"服务类型 = {value}":
            found.append(f"{metrics} is not the slice {value}")
    if run.broken:
        if (period / run.broken).exists():
            found.append(f"the broken slice has a report folder {period / run.broken}")
        if not list((run.outputs / "weekly" / "failed").glob(f"*{run.broken}*/report.ipynb")):
            found.append(f"the broken slice's notebook was not kept under {run.outputs / 'weekly' / 'failed'}")
    index = run.outputs / "index.html"
    if index.is_file():
        text = index.read_text(encoding="utf-8")
        found += [f"index.html does not list {value}" for value in good if value not in text]
    return found


def _alert_problems(run: CheckRun, good: list[str]) -> list[str]:
    """The whole run's alerts: written once beside the index, none per report, one message, no failed slice in it."""
    found = [f"a report task wrote its own alerts: {path}" for path in (run.outputs / "weekly").rglob("alerts.json")]
    document = run.outputs / "alerts.json"
    if not document.is_file():
        return [*found, f"missing {document} (the final task evaluates the whole run's alerts)"]
    alerts = json.loads(document.read_text(encoding="utf-8"))["alerts"]
    slices = {alert["slice"] for alert in alerts}
    if not slices <= {"", *good}:
        found.append(f"alerts of slices without a report: {sorted(slices - {'', *good})}")
    if alerts and len(run.posts) != 1:
        found.append(f"the robot received {len(run.posts)} messages, expected one for the whole run")
    return found


def format_states(run: CheckRun) -> str:
    """The task states as a table, in the order the tasks ran."""
    lines = [f"{'task':<26}{'slice':<24}{'state':<10}{'tries':>5}{'seconds':>9}"]
    for task in run.tasks:
        label = task.label.removeprefix("service_type=")
        lines.append(f"{task.task_id:<26}{label:<{24 - _wide(label)}}{task.state:<10}{task.tries:>5}{task.seconds:>9.1f}")
    lines.append(f"DAG run {DAG_ID} {LOGICAL_DATE}: {run.run_state} ({run.seconds:.0f} s, airflow dags test exited {run.returncode})")
    return "\n".join(lines)


def _wide(text: str) -> int:
    """How many characters of ``text`` take two terminal columns."""
    import unicodedata

    return sum(unicodedata.east_asian_width(ch) in "WF" for ch in text)


def main(argv: list[str] | None = None) -> int:
    """Run the check, print the task states and what is wrong; 0 when all is as expected."""
    parser = argparse.ArgumentParser(prog="scripts/airflow-check.sh", description=__doc__.splitlines()[0])
    parser.add_argument("--airflow-venv", type=Path, default=PROJ_ROOT / ".venv-airflow")
    parser.add_argument("--broken-slice", default="", choices=["", *SLICES], help="make this slice's report fail on purpose")
    parser.add_argument("--workdir", type=Path, default=None, help="keep everything here (default: a temporary folder, removed)")
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="airflow-check-") as temporary:
        work = (arguments.workdir or Path(temporary)).resolve()
        work.mkdir(parents=True, exist_ok=True)
        run = run_check(work, arguments.airflow_venv.resolve(), arguments.broken_slice)
        print(format_states(run))
        wrong = problems(run)
        for line in wrong:
            print(f"FAILED: {line}", file=sys.stderr)
        if wrong:
            print(f"the DAG run's log: {run.log}" if arguments.workdir else "rerun with --workdir DIR to keep the log", file=sys.stderr)
            return 1
    print("airflow-check: OK" + (f" ({arguments.broken_slice} failed alone, as asked)" if arguments.broken_slice else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
