"""Shared fixtures: a small, deterministic records file and the CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from reporting.config import PARAMS_DIR, PROJ_ROOT
from reporting.demo.records import DemoSpec, generate_demo_records
from reporting.export.files import write_records_csv
from tests.postgres import new_database, postgres_cluster, why_unavailable

SMALL_SPEC = DemoSpec(weeks=8, rows_per_week=70, seed=3, end=date(2026, 11, 22))
WEEK = ("2026-11-16", "2026-11-22")


@pytest.fixture(scope="session", autouse=True)
def default_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Point the default store (follow-up plans of report runs) at a throwaway SQLite file, never data/records.db."""
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'default.db'}"
    previous = os.environ.get("REPORTING_STORE_URL")
    os.environ["REPORTING_STORE_URL"] = url
    yield url
    if previous is None:
        os.environ.pop("REPORTING_STORE_URL", None)
    else:
        os.environ["REPORTING_STORE_URL"] = previous


@pytest.fixture(scope="session")
def small_records() -> pd.DataFrame:
    """Eight weeks of demo records, about 70 a week."""
    return generate_demo_records(SMALL_SPEC)


@pytest.fixture(scope="session")
def small_csv(tmp_path_factory: pytest.TempPathFactory, small_records: pd.DataFrame) -> Path:
    """The small records as a CSV with the Chinese headers."""
    path = tmp_path_factory.mktemp("data") / "small_records.csv"
    write_records_csv(small_records, path)
    return path


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL cluster for the whole session (skips, saying why, only where none can run)."""
    reason = why_unavailable()
    if reason:
        pytest.skip(reason)
    with postgres_cluster() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store: a SQLite file, and a fresh database on the PostgreSQL cluster."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'records.db'}"
    return new_database(request.getfixturevalue("postgres_server"))


def libreoffice_resave(workbook: Path, folder: Path) -> Path:
    """Open a workbook in headless LibreOffice and save it again as XLSX (skips, naming the package, without LibreOffice)."""
    import shutil

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice 不可用：请安装 Debian 的 libreoffice-calc-nogui（make test 会自动安装）")
    result = subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation={(folder / 'profile').as_uri()}",
         "--convert-to", "xlsx", "--outdir", str(folder / "out"), str(workbook)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return folder / "out" / workbook.name


def without_encoded_data(text: str) -> str:
    """Text without embedded data URIs (images, fonts) and hex digests, whose random digits can look like a phone number."""
    import re

    return re.sub(r"[0-9a-f]{32,}", "", re.sub(r"data:[^\"')\s]+", "", text))


def weekly_args(source: object, *extra: str) -> list[str]:
    """``run params/weekly.yaml -p source SOURCE`` followed by ``extra``: the usual CLI call of the tests."""
    return ["run", str(PARAMS_DIR / "weekly.yaml"), "-p", "source", str(source), *extra]


def run_process(*args: str, cwd: Path = PROJ_ROOT) -> subprocess.CompletedProcess[str]:
    """Run ``python -m reporting`` in its own process, as a scheduler would (kept for the handful of ``e2e`` tests)."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, "-m", "reporting", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


def run_cli(*args: str, cwd: Path = PROJ_ROOT) -> subprocess.CompletedProcess[str]:
    """Run the command line in this process (``cli.main``), capturing its exit code, stdout and stderr.

    What a user sees is the same as from ``python -m reporting``: the notebooks still run in
    their own kernels, and nbconvert and WeasyPrint export them; only the interpreter's
    start-up is saved. Runs that must be a process of their own use ``run_process``.
    """
    from contextlib import redirect_stderr, redirect_stdout
    from io import StringIO

    from reporting.cli import main

    out, err = StringIO(), StringIO()
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exit_:  # argparse's own usage errors
                code = exit_.code if isinstance(exit_.code, int) else 0
    finally:
        os.chdir(previous)
    return subprocess.CompletedProcess(["reporting", *args], code, out.getvalue(), err.getvalue())
