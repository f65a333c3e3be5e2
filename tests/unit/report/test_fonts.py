"""The CJK font: the pip fallback route renders Chinese into the PDF too."""

from collections.abc import Iterator

import pytest
from pypdf import PdfReader

from reporting.errors import ReportingError
from reporting.export.pages import html_to_pdf
from reporting.report.html.fonts import find_cjk_font, pdf_font_css

pip_font = pytest.importorskip("pylopdf_fonts_zh_cn", reason="the pip font is part of the dev extras")


@pytest.fixture
def fresh_font_cache() -> Iterator[None]:
    find_cjk_font.cache_clear()
    yield
    find_cjk_font.cache_clear()


def test_named_font_file_is_used_with_font_face(monkeypatch, fresh_font_cache):
    monkeypatch.setenv("REPORTING_CJK_FONT", str(pip_font.sans_path()))
    font = find_cjk_font()
    assert (font.family, font.system) == ("Noto Sans SC", False)
    css = pdf_font_css()
    assert '@font-face { font-family: "Noto Sans SC"; src: url("file://' in css


def test_pdf_with_the_pip_font_embeds_it(monkeypatch, fresh_font_cache, tmp_path):
    monkeypatch.setenv("REPORTING_CJK_FONT", str(pip_font.sans_path()))
    html_to_pdf("<html><body><h2>回访概况</h2><p>客户满意度</p></body></html>", tmp_path / "t.pdf")
    reader = PdfReader(tmp_path / "t.pdf")
    names = [str(f.get_object()["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()]
    assert any("NotoSansSC" in n.replace("-", "") for n in names), names
    assert "回访概况" in reader.pages[0].extract_text()


def test_missing_named_font_is_a_clear_error(monkeypatch, fresh_font_cache, tmp_path):
    monkeypatch.setenv("REPORTING_CJK_FONT", str(tmp_path / "none.otf"))
    with pytest.raises(ReportingError, match="REPORTING_CJK_FONT 指向的字体文件"):
        find_cjk_font()
