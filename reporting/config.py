"""Paths defined once for the whole package."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJ_ROOT = PACKAGE_DIR.parent
VOCAB_DIR = PACKAGE_DIR / "vocab"
LABELS_DIR = PACKAGE_DIR / "labels"
TEMPLATES_DIR = PROJ_ROOT / "templates"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
PARAMS_DIR = PROJ_ROOT / "params"
DEFAULT_OUTPUT_DIR = PROJ_ROOT / "outputs"
DEMO_DATA_PATH = PROJ_ROOT / "data" / "demo_records.csv"


def resolve_path(value: str | Path) -> Path:
    """The one path resolver: a path as given (relative to the working folder), else relative to the project root.

    Absolute when the file exists; a path that exists in neither place is returned as
    the project-root candidate (absolute paths as given), for the caller's message.
    """
    path = Path(value).expanduser()
    if path.is_absolute():
        return path
    for candidate in (path, PROJ_ROOT / path):
        if candidate.exists():
            return candidate.resolve()
    return PROJ_ROOT / path
