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
    assert "1 kept, 0 broken" in result.stdout


def test_an_import_from_a_higher_room_breaks_the_contract(tmp_path):
    shutil.copytree(PACKAGE_DIR, tmp_path / "reporting", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJ_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    load = tmp_path / "reporting" / "intake" / "load.py"
    load.write_text(load.read_text(encoding="utf-8") + "\nfrom reporting.report import render  # noqa: E402\n", encoding="utf-8")
    result = lint(tmp_path)
    assert result.returncode == 1
    assert "BROKEN" in result.stdout and "reporting.intake.load -> reporting.report.render" in result.stdout
