"""report.html and index.html carry their Chinese glyphs: a browser with no CJK font shows Chinese, not boxes."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import WEEK, run_cli, weekly_args

pytestmark = pytest.mark.e2e  # the pages come from a weekly run

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-pdf-header-footer",
)  # fmt: skip
FALLBACK_FONTS = re.compile(r"DejaVu|Liberation|Noto|Droid|WenQuanYi|Arial|Helvetica", re.IGNORECASE)


def no_cjk_fontconfig(folder: Path) -> dict[str, str]:
    """An environment whose fontconfig knows only DejaVu (no CJK font), whatever the machine has installed."""
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    conf = folder / "fonts.conf"
    conf.write_text(
        f'<?xml version="1.0"?><fontconfig>{f"<dir>{dejavu}</dir>" if dejavu.is_dir() else ""}'
        f"<cachedir>{folder / 'fc-cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    return {"FONTCONFIG_FILE": str(conf), "HOME": str(folder)}


def print_to_pdf(page: Path, pdf: Path, env: dict[str, str]) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser
    command = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={pdf.parent / 'profile'}", f"--print-to-pdf={pdf}", page.as_uri()]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin", **env})
    assert pdf.is_file(), result.stderr[-2000:]


def fonts_of(pdf: Path) -> list[str]:
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return lines


@pytest.fixture(scope="module")
def browser_tools():
    missing = [tool for tool in ("chromium", "pdffonts", "pdftotext") if not shutil.which(tool)]
    if missing:
        pytest.skip(f"缺少 {'、'.join(missing)}：请安装 Debian 的 chromium 与 poppler-utils（make test 会自动安装）")


@pytest.fixture(scope="module")
def report_folder(small_csv, tmp_path_factory):
    out = tmp_path_factory.mktemp("browser")
    result = run_cli(*weekly_args(small_csv, "-p", "followup_store", "none", "--output-dir", str(out)))
    assert result.returncode == 0, result.stderr
    assert run_cli("index", "--output-dir", str(out)).returncode == 0
    return out


@pytest.mark.parametrize("page", [f"weekly/{WEEK[0]}_{WEEK[1]}/report.html", "index.html"])
def test_chromium_without_a_cjk_font_draws_chinese_from_the_page_itself(browser_tools, report_folder, page, tmp_path):
    html = report_folder / page
    text = html.read_text(encoding="utf-8")
    assert text.count("data:font/woff2;base64,") == 1
    env = no_cjk_fontconfig(tmp_path)
    print_to_pdf(html, tmp_path / "page.pdf", env)
    fonts = fonts_of(tmp_path / "page.pdf")
    # every glyph came from the embedded font: embedded, and no system font was needed as a fallback
    assert fonts and all(" yes " in line for line in fonts), fonts
    assert not [line for line in fonts if FALLBACK_FONTS.search(line)], fonts
    shown = subprocess.run(["pdftotext", str(tmp_path / "page.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert ("回访概况" if page.endswith("report.html") else "回访报告索引") in shown

    # the control: the same page without its embedded font falls back to a system font (boxes for Chinese)
    bare = tmp_path / "bare.html"
    bare.write_text(re.sub(r"<style>\n@font-face.*?</style>\n", "", text, flags=re.S), encoding="utf-8")
    print_to_pdf(bare, tmp_path / "bare.pdf", env)
    assert [line for line in fonts_of(tmp_path / "bare.pdf") if FALLBACK_FONTS.search(line)]
