"""Airflow DAG: the weekly follow-up reports, every Monday 07:00 Asia/Shanghai.

It calls the same CLI an operator uses by hand, so a scheduled run and a manual one
produce the same outputs. Set REPORTING_HOME to the checkout (with its .venv set up by
`make setup`). `{{ ds }}` is the run's logical date: periods resolve against it, so a
backfill for an old Monday reports on the week before it.
"""

from __future__ import annotations

import pendulum
from airflow import DAG
from airflow.operators.bash import BashOperator

with DAG(
    dag_id="weekly_followup_reports",
    schedule="0 7 * * 1",
    start_date=pendulum.datetime(2026, 11, 2, tz="Asia/Shanghai"),
    catchup=False,
    tags=["reporting", "customer-service"],
) as dag:
    import_exports = BashOperator(
        task_id="import_exports",
        bash_command="cd $REPORTING_HOME && .venv/bin/reporting import 'exports/*.csv' --json",
    )
    weekly_reports = BashOperator(
        task_id="weekly_reports",
        bash_command=(
            "cd $REPORTING_HOME && .venv/bin/reporting batch params/weekly.yaml"
            " --as-of {{ ds }} -p period last_week --slice-by service_type --jobs 2"
        ),
    )
    import_exports >> weekly_reports
