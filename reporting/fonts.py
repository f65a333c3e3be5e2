"""Finding a CJK font and making matplotlib use it, so Chinese never renders as boxes."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from matplotlib import font_manager, rcParams

from reporting.errors import ReportingError

_SYSTEM_FONTS = (
    ("Noto Sans CJK SC", Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")),
    ("Noto Sans CJK SC", Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc")),
    ("Noto Sans CJK SC", Path("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc")),
)
CSS_FONT_STACK = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
)


@dataclass(frozen=True)
class CjkFont:
    """A CJK font file and the family name it registers.

    Attributes:
        family: the family name to ask for (matplotlib, CSS).
        path: the font file.
        system: True when fontconfig knows it (installed by the OS), so a PDF renderer
            finds it by name; False for a pip-installed font that needs ``@font-face``.
    """

    family: str
    path: Path
    system: bool


@cache
def find_cjk_font() -> CjkFont:
    """Find a Simplified Chinese font.

    In order: the file named by the ``REPORTING_CJK_FONT`` environment variable (a
    house font), Debian's Noto Sans CJK, the pip fallback (Noto Sans SC), any font
    fontconfig knows for Chinese.

    Returns:
        The font found.

    Raises:
        ReportingError: no CJK font is installed, or the named file does not exist.
    """
    override = os.environ.get("REPORTING_CJK_FONT")
    if override:
        return _font_file(Path(override))
    for family, path in _SYSTEM_FONTS:
        if path.exists():
            return CjkFont(family, path, system=True)
    try:
        import pylopdf_fonts_zh_cn  # the PyPI fallback of Noto Sans SC (OFL-1.1)

        return CjkFont("Noto Sans SC", Path(pylopdf_fonts_zh_cn.sans_path()), system=False)
    except ImportError:
        pass
    found = _fontconfig_chinese_font()
    if found:
        return found
    raise ReportingError("未找到中文字体：请先运行 make setup（安装 fonts-noto-cjk 或 pylopdf-fonts-zh-cn）")


def _font_file(path: Path) -> CjkFont:
    """A font named by path, its family read from the file."""
    from matplotlib.ft2font import FT2Font

    if not path.is_file():
        raise ReportingError(f"环境变量 REPORTING_CJK_FONT 指向的字体文件 {path} 不存在：请改正或删除该变量")
    return CjkFont(FT2Font(str(path)).family_name, path, system=False)


def _fontconfig_chinese_font() -> CjkFont | None:
    if not shutil.which("fc-list"):
        return None
    listing = subprocess.run(["fc-list", ":lang=zh", "family", "file"], capture_output=True, text=True, check=False).stdout
    for line in sorted(listing.splitlines()):
        path, _, families = line.partition(":")
        if path.strip() and families.strip():
            return CjkFont(families.split(",")[0].strip(), Path(path.strip()), system=True)
    return None


def use_cjk_font() -> CjkFont:
    """Register the CJK font with matplotlib and make it the default sans-serif font.

    Returns:
        The font in use.
    """
    font = find_cjk_font()
    font_manager.fontManager.addfont(str(font.path))
    rcParams["font.family"] = "sans-serif"
    rcParams["font.sans-serif"] = [font.family, "DejaVu Sans"]
    rcParams["axes.unicode_minus"] = False
    return font


def pdf_font_css() -> str:
    """Extra CSS for the PDF renderer: the font file itself when fontconfig does not know it."""
    font = find_cjk_font()
    if font.system:
        return ""
    return (
        f'@font-face {{ font-family: "{font.family}"; src: url("{font.path.as_uri()}"); }}\n'
        f'html {{ font-family: "{font.family}", {CSS_FONT_STACK}; }}'
    )
