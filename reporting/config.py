"""Paths defined once for the whole package, and the one place the environment is read.

Every environment variable the package reads is read here, by a function called when
the value is needed (so a test or a scheduler may set it late), and documented in the
README ("Environment variables"):

- ``REPORTING_STORE_URL`` — the default store instead of ``data/records.db``;
- ``REPORTING_CJK_FONT`` — a house font file for charts, HTML and PDF;
- ``REPORTING_SMTP_HOST`` / ``_PORT`` / ``_USER`` / ``_PASSWORD`` / ``_FROM`` /
  ``_STARTTLS`` — the mail server for a batch's notification e-mail;
- ``XDG_CACHE_HOME`` — where derived files are cached;
- whatever variable a params file names (``named_setting``): an alert channel's
  ``url_env`` / ``secret_env`` (robot addresses and signing secrets stay out of the YAML).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
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


CACHE_DIR = _cache_dir()  # derived files (jieba's prefix dictionary, compiled report partials); safe to delete at any time


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


def store_url_setting() -> str:
    """``REPORTING_STORE_URL``: the store to use when none is named ("" for the embedded default)."""
    return os.environ.get("REPORTING_STORE_URL", "").strip()


def cjk_font_setting() -> Path | None:
    """``REPORTING_CJK_FONT``: a font file to use before any installed Chinese font, or None."""
    value = os.environ.get("REPORTING_CJK_FONT", "").strip()
    return Path(value) if value else None


@dataclass(frozen=True)
class SmtpSettings:
    """The mail server a batch's notification e-mail goes through (``REPORTING_SMTP_*``)."""

    host: str
    port: int = 25
    user: str = ""
    password: str = field(default="", repr=False)
    sender: str = "reporting@localhost"
    starttls: bool = False


def smtp_settings() -> SmtpSettings:
    """The ``REPORTING_SMTP_*`` settings.

    Raises:
        KeyError: ``REPORTING_SMTP_HOST`` is not set (the notifier reports it as a warning).
        ValueError: ``REPORTING_SMTP_PORT`` is not a number.
    """
    env = os.environ
    return SmtpSettings(
        host=env["REPORTING_SMTP_HOST"],
        port=int(env.get("REPORTING_SMTP_PORT", "25")),
        user=env.get("REPORTING_SMTP_USER", ""),
        password=env.get("REPORTING_SMTP_PASSWORD", ""),
        sender=env.get("REPORTING_SMTP_FROM", "reporting@localhost"),
        starttls=env.get("REPORTING_SMTP_STARTTLS") == "1",
    )


def named_setting(name: str) -> str:
    """The value of an environment variable a params file names ("" when unset).

    An alert channel names its webhook address and signing secret by variable
    (``url_env: REPORTING_DINGTALK_URL``), so secrets never sit in a params file; the
    delivery reads them here, when it sends.

    Args:
        name: the variable's name, as the params file gives it.

    Returns:
        Its value without surrounding white space, or "" when it is not set.
    """
    return os.environ.get(name, "").strip()
