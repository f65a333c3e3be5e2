"""The Airflow check: the weekly fan-out DAG run by Airflow 3 in its own environment (``check.py``)."""
