"""The executed notebook as pages: one self-contained HTML file and an A4 PDF with the CJK font embedded."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from reporting.config import TEMPLATES_DIR
from reporting.export.files import write_text
from reporting.report.html.fonts import embedded_font_css, pdf_font_css

REPORT_TEMPLATE = "report"


def notebook_to_html(notebook: nbformat.NotebookNode, title: str) -> str:
    """Render an executed notebook as the report page: outputs only, self-contained.

    Code, prompts, stderr and the tagged parameter/metrics cells are left out; no
    script or stylesheet is fetched from the network.

    Args:
        notebook: the executed notebook.
        title: the page title.

    Returns:
        The HTML document.
    """
    exporter = HTMLExporter(
        template_name=REPORT_TEMPLATE,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="",
    )
    html, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
    return html


def write_page(html: str, path: Path) -> None:
    """Write an HTML page that carries its own Chinese glyphs (``fonts.embedded_font_css``).

    A stakeholder's browser needs no Chinese font installed: the page embeds a subset of
    the CJK font the PDF uses, holding exactly the characters on the page.

    Args:
        html: a page with a ``</head>``.
        path: the file to write.
    """
    style = f"<style>\n{embedded_font_css(html)}\n</style>\n"
    head_end = html.find("</head>")
    write_text(html[:head_end] + style + html[head_end:] if head_end >= 0 else style + html, path)


def preload() -> None:
    """Import the PDF renderer and the font subsetter and convert a small notebook now (about a second), e.g. while a kernel computes.

    The conversion loads what nbconvert loads on its first use (the template, its filters,
    the Markdown renderer): the report's own conversion then takes ~0.1 s instead of ~0.25 s.
    """
    import weasyprint  # noqa: F401
    from fontTools import subset  # noqa: F401

    notebook_to_html(_sample_notebook(), "")


def _sample_notebook() -> nbformat.NotebookNode:
    """A notebook shaped like a report: a heading and a cell that displays HTML."""
    notebook = nbformat.v4.new_notebook()
    html = nbformat.v4.new_output("display_data", data={"text/html": "<p>回访</p>", "text/plain": "回访"})
    notebook.cells = [nbformat.v4.new_markdown_cell("## 回访概况"), nbformat.v4.new_code_cell("", outputs=[html])]
    return notebook


INTERACTIVE = re.compile(r"<!-- drill:start -->.*?<!-- drill:end -->", re.DOTALL)


def printable(html: str) -> str:
    """The page without its interactive parts (the record view, its data and script): paper shows what it showed before."""
    return INTERACTIVE.sub("", html)


def html_to_pdf(html: str, path: Path) -> None:
    """Print the report page to an A4 PDF with the CJK font embedded (WeasyPrint).

    Args:
        html: the report page.
        path: the PDF file to write.
    """
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    html = printable(html)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    fonts = FontConfiguration()  # shared, so an @font-face in the extra CSS is loaded
    extra = [weasyprint.CSS(string=css, font_config=fonts) for css in [pdf_font_css()] if css]
    weasyprint.HTML(string=html, base_url=str(TEMPLATES_DIR)).write_pdf(path, stylesheets=extra, font_config=fonts)
