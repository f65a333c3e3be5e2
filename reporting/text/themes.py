"""Themes the taxonomy does not know: complaints no problem type matched, grouped automatically.

Keyword lists cannot be the whole answer — every centre's customers speak differently.
The complaints and negative comments that no taxonomy type matched are segmented (jieba,
the domain dictionary and stop words of ``keywords``), weighted by TF-IDF and factorised
by NMF (scikit-learn, NNDSVD initialisation: deterministic). The number of themes is
chosen from the data: the fewest themes whose mean silhouette (cosine) of the comments'
assignments comes within ``SILHOUETTE_TOLERANCE`` of the best candidate's. Each theme is named by its two or three most characteristic
words; a comment belongs to the theme with its largest weight.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reporting.text.keywords import segment

MAX_THEMES = 8
MIN_THEME_SIZE = 2  # a theme needs at least this many comments
MIN_DOCS_TO_SPLIT = 6  # fewer comments form one theme at most
KEYWORDS_PER_THEME = 6
NAME_WORDS = 3
SILHOUETTE_TOLERANCE = 0.0  # ties go to the candidate with fewer themes
MIN_MEMBERSHIP = 0.5  # a comment belongs to a theme holding at least this share of its NMF weight
SEED = 20261125


@dataclass(frozen=True)
class Theme:
    """One discovered theme.

    Attributes:
        name: its two or three most characteristic words, joined by ``·``.
        keywords: its most characteristic words, strongest first.
        positions: positions (into the texts given) of the comments it holds.
    """

    name: str
    keywords: tuple[str, ...]
    positions: tuple[int, ...]


def preload() -> None:
    """Import the factorisation and the silhouette score now, ahead of the first period's themes."""
    import sklearn.decomposition  # noqa: F401
    import sklearn.metrics  # noqa: F401


def discover_themes(texts: pd.Series, seed: int = SEED, max_themes: int = MAX_THEMES) -> tuple[Theme, ...]:
    """Group comments into themes; the number of themes is chosen from the data.

    Args:
        texts: the comments to group (e.g. the untyped complaints).
        seed: NMF's seed (its NNDSVD initialisation is deterministic anyway).
        max_themes: the most themes to consider.

    Returns:
        The themes, largest first (then by name). A comment sharing no word with any
        other, or spread over several themes (no theme holds half its weight), is left out.
    """
    documents = [" ".join(segment(str(text))) for text in texts.fillna("")]
    matrix, vocabulary = _tfidf(documents)
    if matrix is None:
        return ()
    rows = np.flatnonzero(np.asarray(matrix.sum(axis=1)).ravel() > 0)
    if len(rows) < MIN_THEME_SIZE:
        return ()
    matrix = matrix[rows]
    weights, components = _best_factorisation(matrix, seed, max_themes)
    assignment = _assign(weights)
    themes = []
    for topic in range(components.shape[0]):
        chosen = assignment == topic
        if chosen.sum() < MIN_THEME_SIZE:
            continue
        keywords = _characteristic_words(components[topic], matrix[chosen], vocabulary)
        themes.append(Theme("·".join(keywords[:NAME_WORDS]), keywords, tuple(int(p) for p in rows[chosen])))
    return tuple(sorted(themes, key=lambda t: (-len(t.positions), t.name)))


def _assign(weights: np.ndarray) -> np.ndarray:
    """Each comment's theme, or -1 when no theme holds at least ``MIN_MEMBERSHIP`` of its weight."""
    totals = weights.sum(axis=1)
    best = weights.argmax(axis=1)
    share = np.divide(weights[np.arange(len(weights)), best], totals, out=np.zeros(len(weights)), where=totals > 0)
    return np.where(share >= MIN_MEMBERSHIP, best, -1)


def _tfidf(documents: list[str]) -> tuple[object | None, np.ndarray]:
    """TF-IDF of the segmented comments over words used by at least two of them."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if sum(1 for d in documents if d) < MIN_THEME_SIZE:
        return None, np.array([])
    vectorizer = TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False, min_df=2, sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform(documents)
    except ValueError:  # no word is shared by two comments
        return None, np.array([])
    return matrix, vectorizer.get_feature_names_out()


def _best_factorisation(matrix, seed: int, max_themes: int) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001 - sparse matrix
    """NMF with the number of themes whose assignments separate best (mean cosine silhouette)."""
    from sklearn.decomposition import NMF
    from sklearn.metrics import silhouette_score

    documents, words = matrix.shape
    largest = min(max_themes, documents // MIN_THEME_SIZE, words)
    if documents < MIN_DOCS_TO_SPLIT or largest < 2:
        return _factorise(NMF, matrix, 1, seed)
    candidates: list[tuple[float, np.ndarray, np.ndarray]] = []
    for count in range(2, largest + 1):
        weights, components = _factorise(NMF, matrix, count, seed)
        labels = weights.argmax(axis=1)
        if len(set(labels)) < 2:
            continue
        candidates.append((float(silhouette_score(matrix, labels, metric="cosine")), weights, components))
    if not candidates:
        return _factorise(NMF, matrix, 1, seed)
    # parsimony: the fewest themes whose separation is within a tolerance of the best
    best = max(score for score, _, _ in candidates)
    _, weights, components = next(c for c in candidates if c[0] >= best - SILHOUETTE_TOLERANCE)
    return weights, components


def _factorise(nmf, matrix, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """One NMF fit; one that does not converge within ``max_iter`` is kept without a warning.

    Every candidate is judged by its silhouette anyway, and the warning would only reach
    the run's log as noise that staff cannot act on.
    """
    from sklearn.exceptions import ConvergenceWarning

    model = nmf(n_components=count, init="nndsvd", random_state=seed, max_iter=1000, tol=1e-4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weights = model.fit_transform(matrix)
    return weights, model.components_


def _characteristic_words(component: np.ndarray, members, vocabulary: np.ndarray) -> tuple[str, ...]:  # noqa: ANN001
    """The theme's words by NMF weight, among words its own comments use (ties by word)."""
    used = np.asarray(members.sum(axis=0)).ravel() > 0
    order = sorted((i for i in np.flatnonzero(used & (component > 0))), key=lambda i: (-component[i], vocabulary[i]))
    return tuple(str(vocabulary[i]) for i in order[:KEYWORDS_PER_THEME])
