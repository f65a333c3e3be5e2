"""Paths defined once for the whole package."""

from __future__ import annotations

import os
import tempfile
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


def _cache_dir() -> Path:
    """Where derived files are kept between runs: ``$XDG_CACHE_HOME/reporting`` or ``~/.cache/reporting``."""
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "reporting"
    home = Path.home()
    return (home / ".cache" if home.is_dir() else Path(tempfile.gettempdir())) / "reporting"


CACHE_DIR = _cache_dir()  # derived files (jieba's prefix dictionary); safe to delete at any time


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
