#!/usr/bin/env bash
# `make airflow-check`: the weekly fan-out DAG (reporting/run/airflow_dag.py) run by Airflow 3 itself
# (`airflow dags test`, SQLite metadata in a temporary AIRFLOW_HOME) over the demo data and a SQLite
# store; prints every task's state and exits 1 if anything is not as expected (tests/airflow/check.py).
#
#   bash scripts/airflow-check.sh                           every mapped task green, one report per slice
#   bash scripts/airflow-check.sh --broken-slice 投诉处理    that slice fails alone; the index is still written
#   bash scripts/airflow-check.sh --venv-only               only create .venv-airflow/ (used by the test suite)
#
# Airflow lives in its own environment, .venv-airflow/, installed from requirements-airflow.lock
# (hashes checked) with the project's Python, and created again only when the lock's sha256 changes.
# The project's .venv never gets Airflow. Exit 3: the environment could not be created (one line says why).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv-airflow
LOCK=requirements-airflow.lock
STAMP="$VENV/.lock-sha256"
log() { printf '[airflow-check] %s\n' "$*" >&2; }

[ -x .venv/bin/python ] || { log "no .venv: run make setup first"; exit 3; }

create_venv() {
  local want
  want=$(sha256sum "$LOCK" | cut -d' ' -f1)
  exec 9<"$LOCK"
  flock 9  # one creator at a time (a test run and `make airflow-check` side by side)
  if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
    return 0
  fi
  log "creating $VENV (Airflow, pinned by $LOCK; about 30 s) …"
  rm -rf "$VENV"
  # the base interpreter of .venv: Airflow runs on the project's Python version, the one the lock was resolved for
  if ! .venv/bin/python -m venv "$VENV" >/dev/null 2>&1; then
    rm -rf "$VENV"
    log "cannot create $VENV: python3-venv missing"
    exit 3
  fi
  if ! "$VENV/bin/python" -m pip install -q --disable-pip-version-check --timeout 60 --retries 2 \
      --no-deps --require-hashes -r "$LOCK" >"$VENV/pip.log" 2>&1; then
    grep -iE "error|could not" "$VENV/pip.log" | grep -v "is ignored" | tail -5 >&2 || true
    log "cannot install Airflow into $VENV from the package index (no network to it?); full log: $VENV/pip.log"
    exit 3
  fi
  echo "$want" >"$STAMP"
}

create_venv
if [ "${1:-}" = "--venv-only" ]; then
  exit 0
fi
exec .venv/bin/python -m tests.airflow.check --airflow-venv "$VENV" "$@"
