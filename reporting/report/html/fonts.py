"""Finding a CJK font and making matplotlib use it, so Chinese never renders as boxes."""

from __future__ import annotations

import base64
import contextlib
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from matplotlib import font_manager, rcParams

from reporting.config import cjk_font_setting
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
    override = cjk_font_setting()
    if override:
        return _font_file(override)
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
    _add_to_matplotlib(str(font.path))
    rcParams["font.family"] = "sans-serif"
    rcParams["font.sans-serif"] = [font.family, "DejaVu Sans"]
    rcParams["axes.unicode_minus"] = False
    return font


@cache
def _add_to_matplotlib(path: str) -> None:
    """Register a font file with matplotlib, once a process.

    Each ``addfont`` reads the file again, appends its faces to the font list once more and
    empties matplotlib's font lookup cache: every figure would pay for all three.
    """
    font_manager.fontManager.addfont(path)


def pdf_font_css() -> str:
    """Extra CSS for the PDF renderer: the font file itself when fontconfig does not know it."""
    font = find_cjk_font()
    if font.system:
        return ""
    return (
        f'@font-face {{ font-family: "{font.family}"; src: url("{font.path.as_uri()}"); }}\n'
        f'html {{ font-family: "{font.family}", {CSS_FONT_STACK}; }}'
    )


EMBEDDED_FAMILY = "ReportCJK"  # the family name the embedded subset is declared under
WOFF2_QUALITY = 9  # brotli quality: 11 (fontTools' default) costs ~0.9 s more per page for ~8 % smaller fonts
_DATA_URI = re.compile(r"data:[^\"')\s]+")


def embedded_font_css(page: str) -> str:
    """An ``@font-face`` rule carrying the CJK font's glyphs for the characters of ``page``.

    The font the PDF uses is subset to the characters the page contains (plus printable
    ASCII) and embedded as a WOFF2 data URI, so the page shows Chinese in any browser,
    with or without a Chinese font installed.

    Args:
        page: the HTML page (embedded images are ignored).

    Returns:
        CSS: the ``@font-face`` rule and the page's font stack led by it.
    """
    font = find_cjk_font()
    characters = set(_DATA_URI.sub("", page)) | {chr(c) for c in range(0x20, 0x7F)}
    woff2 = _subset_woff2(font.path, font.family, "".join(sorted(characters)))
    source = base64.b64encode(woff2).decode("ascii")
    return (
        f'@font-face {{ font-family: "{EMBEDDED_FAMILY}"; src: url(data:font/woff2;base64,{source}) format("woff2"); }}\n'
        f'html {{ font-family: "{EMBEDDED_FAMILY}", {CSS_FONT_STACK}; }}'
    )


def _subset_woff2(path: Path, family: str, text: str) -> bytes:
    """The glyphs of ``text`` from a font file (one face of a collection), as WOFF2 bytes."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.hinting = False  # screens render CJK well without hints; halves the size
    options.name_IDs = [1, 2]
    options.notdef_outline = True
    font = TTFont(str(path), lazy=True, fontNumber=_face_number(path, family), recalcTimestamp=False)  # same page, same bytes
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    font.flavor = "woff2"
    buffer = io.BytesIO()
    with _brotli_quality(WOFF2_QUALITY):
        font.save(buffer)
    return buffer.getvalue()


def _face_number(path: Path, family: str) -> int:
    """Which face of a font collection (.ttc) is ``family``; 0 for a single font."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    from fontTools.ttLib import TTCollection

    faces = TTCollection(str(path), lazy=True).fonts
    names = [face["name"].getDebugName(1) for face in faces]
    return names.index(family) if family in names else 0


@contextlib.contextmanager
def _brotli_quality(quality: int) -> Iterator[None]:
    """Make fontTools' WOFF2 writer compress at ``quality`` (it offers no option for it)."""
    from fontTools.ttLib import woff2

    original = getattr(woff2, "brotli", None)
    if original is None:
        yield
        return
    woff2.brotli = _BrotliAt(original, quality)
    try:
        yield
    finally:
        woff2.brotli = original


class _BrotliAt:
    """The brotli module, compressing at a set quality."""

    def __init__(self, module: Any, quality: int) -> None:
        self._module, self._quality = module, quality

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)

    def compress(self, data: bytes, mode: int = 0) -> bytes:
        return self._module.compress(data, mode=mode, quality=self._quality)
