"""The environment is read in config.py only, and each variable it reads is documented in the README."""

from __future__ import annotations

import ast
import re

from reporting.config import PACKAGE_DIR, PROJ_ROOT, SmtpSettings, cjk_font_setting, smtp_settings, store_url_setting


def environment_reads(tree: ast.AST) -> list[int]:
    """Lines reading a variable: ``os.environ[...]``, ``os.environ.get(...)``, ``os.getenv(...)``.

    Passing the whole environment on to a child process is not reading it.
    """
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ" and isinstance(node.ctx, ast.Load):
            lines.append(node.lineno)
        if isinstance(node, ast.Call) and ast.unparse(node.func) in ("os.environ.get", "os.getenv", "os.environ.__getitem__"):
            lines.append(node.lineno)
    return lines


def test_only_config_reads_the_environment():
    readers = {
        str(path.relative_to(PROJ_ROOT)): lines
        for path in PACKAGE_DIR.rglob("*.py")
        if path.name != "config.py" and (lines := environment_reads(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert readers == {}


def test_every_variable_config_reads_is_documented_in_the_readme():
    source = (PACKAGE_DIR / "config.py").read_text(encoding="utf-8")
    read = set(re.findall(r"""environ(?:\.get)?[\[(]["']([A-Z_]+)["']""", source)) | set(
        re.findall(r"""env(?:\.get)?[\[(]["']([A-Z_]+)["']""", source)
    )
    assert {"REPORTING_STORE_URL", "REPORTING_CJK_FONT", "REPORTING_SMTP_HOST", "XDG_CACHE_HOME"} <= read
    readme = (PROJ_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Environment variables", 1)[1].split("\n## ", 1)[0]
    assert {name for name in read if name not in section} == set()


def test_settings_are_read_when_asked(monkeypatch, tmp_path):
    monkeypatch.delenv("REPORTING_STORE_URL", raising=False)
    monkeypatch.delenv("REPORTING_CJK_FONT", raising=False)
    assert store_url_setting() == "" and cjk_font_setting() is None
    monkeypatch.setenv("REPORTING_STORE_URL", " sqlite:///x.db ")
    monkeypatch.setenv("REPORTING_CJK_FONT", str(tmp_path / "house.otf"))
    assert store_url_setting() == "sqlite:///x.db" and cjk_font_setting() == tmp_path / "house.otf"
    for name in ("PORT", "USER", "PASSWORD", "FROM", "STARTTLS"):
        monkeypatch.delenv(f"REPORTING_SMTP_{name}", raising=False)
    monkeypatch.setenv("REPORTING_SMTP_HOST", "127.0.0.1")
    assert smtp_settings() == SmtpSettings(host="127.0.0.1")
    monkeypatch.setenv("REPORTING_SMTP_PORT", "2525")
    monkeypatch.setenv("REPORTING_SMTP_PASSWORD", "s3cret")
    monkeypatch.setenv("REPORTING_SMTP_STARTTLS", "1")
    settings = smtp_settings()
    assert (settings.port, settings.password, settings.starttls) == (2525, "s3cret", True)
    assert "s3cret" not in repr(settings)  # a secret never reaches a log through the settings' repr
