"""A deployment's dags/ file: the weekly follow-up reports, one Airflow task per service type.

Mondays 07:00 Asia/Shanghai: the exports under ``exports/`` into the store, then the overall report
and one mapped task per service type in the store for last week (relative to the run's logical date,
so a backfill of an old Monday reports on the week before it), then the index and the run's alerts.
Set up once (docs/scaling.md, section 4): the Variable ``reporting_home`` (the checkout with its .venv
on every worker), the Connection ``reporting_store`` (the store), the pool ``reporting_kernels``, and
this package's source on Airflow's PYTHONPATH. ``make airflow-check`` runs the same factory in Airflow.
"""

from reporting.run.airflow_dag import weekly_dag

dag = weekly_dag("params/weekly.yaml", slice_by="service_type")
