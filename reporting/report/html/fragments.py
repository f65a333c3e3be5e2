"""HTML fragments: the Jinja environment of the partials, tables for them, charts as embedded PNG.

The Jinja partials in ``templates/partials/`` format; they never compute. Every fragment
is an ``IPython.display.HTML`` so it displays in JupyterLab and is exported as-is by
nbconvert. Imports no report model, and matplotlib only for a type hint (a figure is only saved).
"""

from __future__ import annotations

import base64
import contextlib
import io
from functools import cache
from hashlib import sha1
from typing import TYPE_CHECKING, Any

import pandas as pd
from IPython.display import HTML
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket
from markupsafe import Markup, escape

from reporting.analysis.metrics import INDICATIVE_BELOW
from reporting.config import CACHE_DIR, TEMPLATES_DIR
from reporting.report.html.values import format_nps, format_percent, format_score, json_value
from reporting.vocab import label, labels

if TYPE_CHECKING:
    from matplotlib.figure import Figure


class _CompiledPartials(FileSystemBytecodeCache):
    """The partials compiled once and kept between runs in ``CACHE_DIR/templates`` (~0.05 s a run).

    A compiled partial is taken only for the same file, the same source and the same
    environment options (they shape the compiled code); a folder that cannot be made or
    written is no cache.
    """

    def __init__(self) -> None:
        folder = CACHE_DIR / "templates"
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
        super().__init__(str(folder), "%s.jinja")

    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        """The cache entry of a template, its checksum covering the source and the options the compiler used."""
        autoescape = environment.autoescape(name) if callable(environment.autoescape) else environment.autoescape
        options = (
            environment.block_start_string, environment.block_end_string, environment.variable_start_string,
            environment.variable_end_string, environment.comment_start_string, environment.comment_end_string,
            environment.line_statement_prefix, environment.line_comment_prefix, environment.trim_blocks,
            environment.lstrip_blocks, environment.newline_sequence, environment.keep_trailing_newline,
            environment.optimized, environment.is_async, sorted(environment.extensions), autoescape,
        )  # fmt: skip
        checksum = sha1(f"{options!r}\n{source}".encode()).hexdigest()
        bucket = Bucket(environment, self.get_cache_key(name, filename), checksum)
        with contextlib.suppress(OSError):  # a cache folder that is a file, or unreadable: compile instead
            self.load_bytecode(bucket)
        return bucket

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep a compiled template, unless the folder cannot be written."""
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR / "partials"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_CompiledPartials(),
    )
    env.filters.update(pct=format_percent, score=format_score, nps=format_nps, int_fmt=lambda v: f"{int(v):,}")
    env.globals["t"] = text_with_marks
    env.globals["drill"] = drill_mark
    env.globals["indicative_below"] = INDICATIVE_BELOW
    env.globals["kpi"] = env.get_template("kpi.html.j2").module.kpi  # type: ignore[attr-defined]
    env.globals["segment_table"] = env.get_template("segment_table.html.j2").module.segment_table  # type: ignore[attr-defined]
    env.globals["data_table"] = env.get_template("data_table.html.j2").module.data_table  # type: ignore[attr-defined]
    return env


def text_with_marks(key: str, /, **values: object) -> str | Markup:
    """A label as ``t`` gives it to templates: plain text, or safe markup when a value is markup (a ``drill`` count).

    The label's own text and every plain value are escaped; a ``Markup`` value (``drill_mark``)
    is kept as it is.
    """
    if not any(isinstance(value, Markup) for value in values.values()):
        return label(key, **values)
    return Markup(escape(str(labels()[key]))).format(**values)


def drill_mark(kind: str, key: object, text: object) -> Markup:
    """A count the reader can open onto its records: ``data-drill="<kind>:<key>"`` (the page's record view reads it); 0 opens nothing."""
    if str(text) == "0":
        return Markup(escape(text))
    return Markup('<span class="drill" data-drill="{}" role="button" tabindex="0">{}</span>').format(f"{kind}:{key}", text)


def render_fragment(template: str, **context: Any) -> HTML:
    """Render one partial template to displayable HTML."""
    return HTML(_environment().get_template(template).render(**context))


def render_figure(figure: Figure, alt: str = "") -> HTML:
    """Embed a figure as a PNG data URI (the report stays one self-contained file)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=160, metadata={"Software": None})
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return render_fragment("figure.html.j2", data=data, alt=alt)


def table_context(table: pd.DataFrame) -> dict[str, Any]:
    """A table for the ``data_table`` macro: column names and display rows (times to the minute)."""
    rows = [[json_value(v, "%Y-%m-%d %H:%M") for v in row] for row in table.itertuples(index=False)]
    return {"columns": [str(c) for c in table.columns], "rows": rows}
