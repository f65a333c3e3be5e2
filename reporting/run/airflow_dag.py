"""Airflow: the weekly fan-out as a DAG, one task per slice, each retried on its own.

A deployment's ``dags/`` file is two lines (``examples/airflow/weekly_reports.py``)::

    from reporting.run.airflow_dag import weekly_dag
    dag = weekly_dag("params/weekly.yaml", slice_by="service_type")

The DAG: ``import_exports`` (the week's exports into the store) → ``plan_runs`` (the period
for the run's logical date and the slices: the params file's ``slices`` or, with
``slice_by``, the values the store holds for the period) → ``overall_report`` and
``slice_report``, mapped, one task instance per slice → ``index_and_alerts`` (runs even when
a report failed: the outputs index, then the whole run's alerts) and ``fail_if_a_report_failed``
(the run's state: failed when a report failed, skipped otherwise).

This module lives in two environments, so its top imports only the standard library:

- Airflow's (scheduler, DAG processor, task runner): ``weekly_dag`` imports Airflow inside
  itself. Airflow's environment needs this package's source on its path (the checkout on
  ``PYTHONPATH`` or ``pip install --no-deps``), not its dependencies.
- The workbook's own, on the worker: each task starts ``<home>/.venv/bin/python`` with
  ``-m reporting import`` / ``-m reporting index`` (the CLI, verbatim) or with
  ``-m reporting.run.airflow_dag STEP`` (``main`` below) for the steps the CLI has no command
  for. ``report`` runs one report through ``execute.run_report`` with a kernel started ahead,
  as ``reporting run`` does, but without its alerts step: a single run judges its alerts
  alone, while a fan-out's reports are one family judged together once all are done — as
  ``reporting batch`` does, here in ``index_and_alerts`` (``alerts``).

The store URL comes from an Airflow Connection (``reporting_store``) and reaches the
workbook through ``REPORTING_STORE_URL`` in the child's environment, never its arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from airflow.sdk import DAG

STEP_MODULE = "reporting.run.airflow_dag"
HOME_VARIABLE = "reporting_home"  # Airflow Variable: the checkout (with .venv) on every worker
OUTPUT_VARIABLE = "reporting_output_dir"  # Airflow Variable: the shared output folder (default <home>/outputs)


@dataclass(frozen=True)
class TaskPolicy:
    """How the DAG's tasks are retried, bounded and timed out.

    Attributes:
        retries: attempts after the first, per task (a mapped slice is retried alone).
        retry_delay: the first wait before a retry; doubled after each failure (back-off).
        max_retry_delay: the longest wait between two attempts.
        pool: the Airflow pool of the report tasks (one slot = one kernel): create it with
            ``airflow pools set reporting_kernels N …`` to bound the reports running at once.
        report_timeout: a report task's ``execution_timeout``.
        import_timeout: the import task's ``execution_timeout``.
        step_timeout: the plan and final tasks' ``execution_timeout``.
    """

    retries: int = 3
    retry_delay: timedelta = timedelta(minutes=2)
    max_retry_delay: timedelta = timedelta(minutes=30)
    pool: str = "reporting_kernels"
    report_timeout: timedelta = timedelta(minutes=30)
    import_timeout: timedelta = timedelta(hours=1)
    step_timeout: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class Worker:
    """Where a task finds the workbook on its worker, resolved when the task runs."""

    home: Path
    python: Path
    output_dir: Path
    store_url: str = field(default="", repr=False)  # holds the password: kept out of reprs

    def command(self, *arguments: str) -> list[str]:
        """``python -m …`` in the workbook's environment."""
        return [str(self.python), "-m", *arguments]

    def environment(self) -> dict[str, str]:
        """The child's environment: this one without Airflow's variables (connections, keys), plus the store.

        A PostgreSQL password travels as ``PGPASSWORD`` (libpq reads it), apart from the URL:
        the URL becomes the reports' ``source`` parameter, which the executed notebook records.
        """
        kept = {name: value for name, value in os.environ.items() if not name.startswith("AIRFLOW")}
        url, password = without_password(self.store_url)
        return {**kept, "REPORTING_STORE_URL": url, "PYTHONUNBUFFERED": "1", **({"PGPASSWORD": password} if password else {})}


def weekly_dag(
    params_file: str,
    *,
    dag_id: str = "weekly_followup_reports",
    exports: Sequence[str] = ("exports/*.csv",),
    slice_by: str | None = None,
    period: str = "last_week",
    schedule: str | None = "0 7 * * 1",
    timezone: str = "Asia/Shanghai",
    start_date: date = date(2026, 11, 2),
    home: str | None = None,
    output_dir: str | None = None,
    store_conn_id: str = "reporting_store",
    policy: TaskPolicy = TaskPolicy(),  # noqa: B008 - frozen, shared safely
) -> DAG:
    """The weekly reports of one params file as an Airflow DAG.

    Args:
        params_file: the params YAML, relative to ``home`` or absolute (on the workers).
        dag_id: the DAG's id.
        exports: files or globs imported into the store first (relative to ``home``); empty: no import task.
        slice_by: slice by this field's values in the store for the period (as ``reporting batch
            --slice-by``); None: the params file's ``slices``.
        period: the period named relative to the run's logical date (``last_week``: a run on a
            Monday, or a backfill of an old Monday, reports on the week before it).
        schedule: cron expression, in ``timezone``.
        timezone: the schedule's and the logical date's timezone; keep it the params file's.
        start_date: the first day the schedule runs from.
        home: the checkout, with ``.venv``, on every worker; None: the Airflow Variable ``reporting_home``.
        output_dir: the shared output folder; None: the Variable ``reporting_output_dir``, else ``<home>/outputs``.
        store_conn_id: the Airflow Connection of the store every task reads and writes.
        policy: retries, back-off, pool and timeouts.

    Returns:
        The DAG (assign it to a module-level name in the ``dags/`` file).
    """
    import pendulum
    from airflow.sdk import DAG, TriggerRule, task

    def worker() -> Worker:
        return _worker(home, output_dir, store_conn_id)

    def base_arguments(here: Worker, as_of: str) -> list[str]:
        return [params_file, "--as-of", as_of, "--output-dir", str(here.output_dir)]

    default_args: dict[str, Any] = {
        "retries": policy.retries,
        "retry_delay": policy.retry_delay,
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": policy.max_retry_delay,
        "execution_timeout": policy.step_timeout,
    }
    with DAG(
        dag_id=dag_id,
        schedule=schedule,
        start_date=pendulum.datetime(start_date.year, start_date.month, start_date.day, tz=timezone),
        catchup=False,
        max_active_runs=1,
        default_args=default_args,
        tags=["reporting", "customer-service"],
        doc_md=__doc__,
    ) as dag:

        @task(execution_timeout=policy.import_timeout)
        def import_exports() -> None:
            """The week's exports into the store: ``reporting import`` (duplicates are skipped, so a retry is harmless)."""
            here = worker()
            _run_step(here, here.command("reporting", "import", *exports), "导入回访记录")

        @task
        def plan_runs(**context: Any) -> list[dict[str, str]]:
            """The slices' runs (mapped over); the overall run and whether alerts are set go to the XComs ``overall`` and ``alerts``.

            The params file is checked and the slices listed as ``reporting batch`` plans them.
            """
            here = worker()
            as_of = as_of_day(context.get("logical_date"), context["dag_run"].run_after, timezone).isoformat()
            arguments = [*base_arguments(here, as_of), "-p", "period", period, *(["--slice-by", slice_by] if slice_by else [])]
            plan = _last_json(_run_step(here, here.command(STEP_MODULE, "plan", *arguments), "规划报告"))
            context["ti"].xcom_push(key="overall", value=plan["overall"])
            context["ti"].xcom_push(key="alerts", value=plan["alerts"])
            return plan["slices"]

        def run_report(run: dict[str, str]) -> dict[str, str]:
            here = worker()
            pairs = [("period_start", run["period_start"]), ("period_end", run["period_end"])]
            if run["slice_value"]:
                pairs += [("slice_field", run["slice_field"]), ("slice_value", run["slice_value"])]
            overrides = [word for name, value in pairs for word in ("-p", name, value)]
            command = here.command(STEP_MODULE, "report", *base_arguments(here, run["as_of"]), *overrides)
            _run_step(here, command, f"生成报告 {run['slice_value'] or '全部'}")
            return run

        @task(pool=policy.pool, execution_timeout=policy.report_timeout)
        def overall_report(run: dict[str, str]) -> dict[str, str]:
            """The overall report of the period."""
            return run_report(run)

        @task(pool=policy.pool, execution_timeout=policy.report_timeout, map_index_template="{{ slice_label }}")
        def slice_report(run: dict[str, str]) -> dict[str, str]:
            """One slice's report (a mapped task instance per slice)."""
            from airflow.sdk import get_current_context

            get_current_context()["slice_label"] = f"{run['slice_field']}={run['slice_value']}"  # type: ignore[typeddict-unknown-key]
            return run_report(run)

        @task(trigger_rule=TriggerRule.ALL_DONE)
        def index_and_alerts(**context: Any) -> None:
            """The outputs index, then the alerts of every report that succeeded, judged together (runs even when a report failed)."""
            here = worker()
            _run_step(here, here.command("reporting", "index", "--output-dir", str(here.output_dir)), "生成报告索引")
            instance = context["ti"]
            done = _finished_runs(instance.xcom_pull(task_ids="overall_report"), instance.xcom_pull(task_ids="slice_report"))
            if instance.xcom_pull(task_ids="plan_runs", key="alerts") and done:
                arguments = [*base_arguments(here, done[0]["as_of"]), "--done", json.dumps(done, ensure_ascii=False)]
                _run_step(here, here.command(STEP_MODULE, "alerts", *arguments), "评估与发送预警")

        @task(trigger_rule=TriggerRule.ONE_FAILED, retries=0)
        def fail_if_a_report_failed() -> None:
            """Fails the run when any report (or a step before them) failed; skipped when all succeeded."""
            from airflow.sdk.exceptions import AirflowFailException

            raise AirflowFailException("有报告未能生成：见标红的任务及其日志（其余报告与索引已完成）")

        plan = plan_runs()
        import_exports_task = import_exports() if exports else None
        reports = [overall_report(plan["overall"]), slice_report.expand(run=plan)]
        if import_exports_task is not None:
            import_exports_task >> plan
        final = index_and_alerts()
        reports >> final
        reports >> fail_if_a_report_failed()
    return dag


def as_of_day(logical_date: datetime | None, run_after: datetime, timezone: str) -> date:
    """The day a run's named period resolves against: its logical date in the DAG's timezone.

    A Monday 07:00 Asia/Shanghai run is Sunday 23:00 UTC; read in UTC (as ``{{ ds }}`` is)
    ``last_week`` would be the week before the one meant. A manual run without a logical
    date uses the moment it was queued for.
    """
    moment = logical_date or run_after
    return moment.astimezone(ZoneInfo(timezone)).date()


def store_url(conn_type: str, host: str, login: str, password: str, schema: str, port: int | None, extra: dict[str, Any]) -> str:
    """The SQLAlchemy URL of the store an Airflow Connection describes.

    ``extra`` may hold the URL itself (``{"url": "postgresql+psycopg://…"}``); otherwise a
    ``postgres`` Connection becomes ``postgresql+psycopg://login:password@host:port/schema``
    and a ``sqlite`` one ``sqlite:///<host>`` (the database file's path).

    Raises:
        ValueError: a Connection of another type without a URL in its extra.
    """
    if extra.get("url"):
        return str(extra["url"])
    if conn_type == "sqlite":
        return f"sqlite:///{host}"
    if conn_type in ("postgres", "postgresql"):
        credentials = quote(login, safe="") + (f":{quote(password, safe='')}" if password else "")
        address = host + (f":{port}" if port else "")
        return f"postgresql+psycopg://{credentials}@{address}/{schema}" if credentials else f"postgresql+psycopg://{address}/{schema}"
    raise ValueError(f"记录库连接的类型 {conn_type!r} 无法识别：请用 postgres 或 sqlite 类型，或在 extra 中写 url")


def without_password(url: str) -> tuple[str, str]:
    """A PostgreSQL URL without its password, and the password ("" when it has none, or is not PostgreSQL's)."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgresql") or parts.password is None:
        return url, ""
    credentials, address = parts.netloc.rsplit("@", 1)
    return urlunsplit(parts._replace(netloc=f"{credentials.split(':', 1)[0]}@{address}")), unquote(parts.password)


def _worker(home: str | None, output_dir: str | None, store_conn_id: str) -> Worker:
    """The workbook on this worker and the store URL, from the factory's arguments, Variables and the Connection."""
    from airflow.sdk import Connection, Variable
    from airflow.sdk.log import mask_secret

    root = Path(home or Variable.get(HOME_VARIABLE))
    outputs = Path(output_dir or Variable.get(OUTPUT_VARIABLE, default=str(root / "outputs")))
    connection = Connection.get(store_conn_id)
    url = store_url(
        connection.conn_type or "",
        connection.host or "",
        connection.login or "",
        connection.password or "",
        connection.schema or "",
        connection.port,
        connection.extra_dejson,
    )
    for secret in (url, connection.password):
        if secret:
            mask_secret(secret)
    return Worker(root, root / ".venv" / "bin" / "python", outputs, url)


def _run_step(worker: Worker, command: list[str], what: str) -> list[str]:
    """Run a workbook command on this worker, its output going to the task's log; its lines.

    The command runs in a process group of its own: when the task is stopped (its
    ``execution_timeout``, or marked failed), the group is terminated with it, so no report
    goes on producing behind Airflow's back.

    Raises:
        AirflowException: the command exited non-zero (the task fails and is retried).
    """
    print(f"$ {shlex.join(command)}", flush=True)
    process = subprocess.Popen(
        command,
        cwd=worker.home,
        env=worker.environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
        start_new_session=True,
    )
    lines: list[str] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            print(lines[-1], flush=True)
        process.wait()
    except BaseException:
        _stop(process)
        raise
    if process.returncode != 0:
        from airflow.sdk.exceptions import AirflowException

        last = next((line for line in reversed(lines) if line.strip()), "")
        raise AirflowException(f"{what}失败（退出码 {process.returncode}）：{last}")
    return lines


def _stop(process: subprocess.Popen[str], grace: float = 30.0) -> None:
    """Terminate a step's process group; kill it if it has not ended after ``grace`` seconds."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, None)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _last_json(lines: list[str]) -> dict[str, Any]:
    """The JSON object a step printed last."""
    for line in reversed(lines):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("规划步骤没有输出 JSON")


def _finished_runs(overall: dict[str, str] | None, slices: Any) -> list[dict[str, str]]:
    """The runs whose report tasks succeeded (a failed task pushed nothing)."""
    found = [overall] if overall else []
    if isinstance(slices, dict):
        slices = [slices]
    return found + [run for run in (slices or []) if run]


# --- The steps, in the workbook's environment: python -m reporting.run.airflow_dag STEP … ---------


def _step_parser() -> argparse.ArgumentParser:
    """The steps' arguments: the params file, ``-p`` overrides, ``--as-of`` and ``--output-dir`` for all."""
    parser = argparse.ArgumentParser(prog=f"python -m {STEP_MODULE}", description="Airflow 任务在工作站上执行的步骤")
    steps = parser.add_subparsers(dest="step", required=True)
    for name, help_text in (
        ("plan", "检查参数并列出本期的总报告与各切片（JSON）"),
        ("report", "生成一份报告（与 reporting run 相同，但不单独评估预警）"),
        ("alerts", "把本次各份报告作为一个整体评估并发送预警"),
    ):
        step = steps.add_parser(name, help=help_text)
        step.add_argument("params", type=Path)
        step.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
        step.add_argument("--as-of", required=True)
        step.add_argument("--output-dir", type=Path, required=True)
        if name == "plan":
            step.add_argument("--slice-by", default=None)
        if name == "alerts":
            step.add_argument("--done", required=True, help="成功的报告：JSON 列表，每项含 slice_field 与 slice_value")
    return parser


def _overrides(arguments: argparse.Namespace) -> list[tuple[str, str]]:
    """The ``-p`` pairs, after ``source`` = the store (``REPORTING_STORE_URL``) when one is set."""
    from reporting.config import store_url_setting

    store = store_url_setting()
    return [*([("source", store)] if store else []), *(tuple(pair) for pair in arguments.parameter)]


def plan_step(arguments: argparse.Namespace) -> int:
    """Print the run's plan as one JSON line: the period, the overall run, the slices, whether alerts are set."""
    from reporting.intake.periods import parse_date
    from reporting.run.alerting import unreachable
    from reporting.run.batch import plan_batch

    as_of = parse_date(arguments.as_of, "--as-of")
    runs = plan_batch([arguments.params], _overrides(arguments), arguments.output_dir, as_of, arguments.slice_by)
    for warning in unreachable(runs):
        print(f"警告：{warning}", file=sys.stderr)
    overall, slices = runs[0], runs[1:]
    common = {"period_start": overall.period_start.isoformat(), "period_end": overall.period_end.isoformat(), "as_of": as_of.isoformat()}
    fields = [{"slice_field": str(getattr(s.params, "slice_field", "")), "slice_value": s.slice_value} for s in slices]
    plan = {
        "report": overall.report,
        "overall": {**common, "slice_field": "", "slice_value": ""},
        "slices": [{**common, **chosen} for chosen in fields],
        "alerts": overall.alerts is not None,
    }
    print(f"{overall.report} {overall.period_name}：总报告 1 份，切片 {len(slices)} 份", file=sys.stderr, flush=True)
    print(json.dumps(plan, ensure_ascii=False), flush=True)
    return 0


def report_step(arguments: argparse.Namespace) -> int:
    """Run one report as ``reporting run`` does (kernel started first, the same runner), without its alerts step."""
    from reporting.intake.periods import parse_date
    from reporting.run.execute import run_report
    from reporting.run.kernels import SharedKernel, preload_code, report_named_in
    from reporting.run.params import load_run_spec

    log = arguments.output_dir / "logs" / f"kernel-{os.getpid()}.log"
    kernel = SharedKernel(log, preload_code(report_named_in(arguments.params)), single_report=True)
    kernel.start()
    try:
        as_of = parse_date(arguments.as_of, "--as-of")
        spec = load_run_spec(arguments.params, _overrides(arguments), arguments.output_dir, as_of)
        print(f"正在生成 {spec.report} 报告 {spec.slice_value or '全部'}：{spec.period_start} 至 {spec.period_end} …", flush=True)
        result = run_report(spec, kernel=kernel)
    finally:
        kernel.close()
    print(f"完成（{result.seconds:.1f} 秒）。输出目录：{result.destination}", flush=True)
    return 0


def alerts_step(arguments: argparse.Namespace) -> int:
    """Evaluate the finished reports of the run together (one family, as ``reporting batch``) and send the alerts."""
    from reporting.intake.periods import parse_date
    from reporting.run.alerting import alert_after_runs
    from reporting.run.params import load_run_spec

    base = load_run_spec(arguments.params, _overrides(arguments), arguments.output_dir, parse_date(arguments.as_of, "--as-of"))
    runs = [run for run in json.loads(arguments.done)]
    specs = [base.for_slice(run["slice_field"], run["slice_value"]) if run["slice_value"] else base for run in runs]
    lines, warnings = alert_after_runs(specs)
    for line in lines:
        print(line)
    for warning in warnings:
        print(f"警告：{warning}", file=sys.stderr)
    return 0


def _interrupted(signum: int, frame: object) -> None:
    """SIGTERM as an interruption, so ``finally`` blocks run (the kernel is shut down, the staging folder kept)."""
    raise KeyboardInterrupt


STEPS = {"plan": plan_step, "report": report_step, "alerts": alerts_step}


def main(argv: list[str] | None = None) -> int:
    """Run one step; a user mistake prints one line and returns 2, an unforeseen error one line and 1 (traceback in a log)."""
    from reporting.errors import ReportingError, UnexpectedError, describe, write_traceback

    arguments = _step_parser().parse_args(argv)
    try:
        return STEPS[arguments.step](arguments)
    except ReportingError as error:
        print(f"错误：{error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("错误：任务被停止（超时或被标记为失败），本次报告未替换已有报告", file=sys.stderr)
        return 130
    except Exception as error:  # unforeseen: one line for the task log, the traceback in the outputs' logs
        log = arguments.output_dir / "logs" / f"airflow-{arguments.step}-{datetime.now():%Y%m%dT%H%M%S}-{os.getpid()}.log"
        print(f"错误：{UnexpectedError('执行 Airflow 步骤', describe(error), write_traceback(error, log))}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupted)  # a stopped task: the kernel shut down, the run kept under failed/
    sys.exit(main())
