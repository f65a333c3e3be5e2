"""The rooms' layers hold: lint-imports keeps them, and a wrong-way import breaks the contract."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from reporting.config import PACKAGE_DIR, PROJ_ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(root / "pyproject.toml")],
        cwd=root, capture_output=True, text=True, timeout=120, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip


def test_the_package_keeps_its_layers():
    result = lint(PROJ_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def broken_copy(tmp_path: Path, module: str, line: str) -> subprocess.CompletedProcess[str]:
    """Lint a copy of the package in which ``module`` (a path below ``reporting/``) gains ``line`` at its end."""
    shutil.copytree(PACKAGE_DIR, tmp_path / "reporting", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJ_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    path = tmp_path / "reporting" / module
    path.write_text(path.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")
    return lint(tmp_path)


def test_an_import_from_a_higher_room_breaks_the_contract(tmp_path):
    result = broken_copy(tmp_path, "intake/load.py", "from reporting.report.weekly import sections  # noqa: E402")
    assert result.returncode == 1
    assert "BROKEN" in result.stdout and "reporting.intake.load -> reporting.report.weekly.sections" in result.stdout


def test_a_shared_part_that_imports_a_report_inside_a_function_breaks_the_contract(tmp_path):
    # the old circle (charts -> trend -> render -> charts) lived on imports inside functions: they count too
    line = "def _late():\n    from reporting.report.trend.model import TrendModel\n    return TrendModel"
    result = broken_copy(tmp_path, "report/html/parts.py", line)
    assert result.returncode == 1
    assert "reporting.report.html.parts -> reporting.report.trend.model" in result.stdout


def test_one_report_importing_another_breaks_the_contract(tmp_path):
    result = broken_copy(tmp_path, "report/trend/model.py", "from reporting.report.weekly.model import Ledger  # noqa: E402")
    assert result.returncode == 1
    assert "reporting.report.trend.model -> reporting.report.weekly.model" in result.stdout


def test_every_module_imports_on_its_own():
    """No import circle: each module loads first in a fresh interpreter (a circle fails whichever module comes first)."""
    modules = sorted(
        ".".join(path.relative_to(PROJ_ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in PACKAGE_DIR.rglob("*.py")
        if path.name != "__main__.py"
    )
    probe = (
        "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n"
        "    for loaded in [m for m in sys.modules if m.startswith('reporting')]:\n        del sys.modules[loaded]\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, *modules], cwd=PROJ_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
