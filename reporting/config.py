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
    """A path as given, or relative to the project root when it does not exist as given."""
    path = Path(value).expanduser()
    if path.is_absolute() or path.exists():
        return path
    return PROJ_ROOT / path
