"""Boilerplate learned from the comments themselves: words and phrases that say nothing about the problem.

Work-order templates (客户反映……要求处理，谢谢), greetings and politeness wrap every kind of
complaint alike. No list of them is kept: a word or phrase is boilerplate when it is both

- **frequent**: held by at least ``MIN_SHARE`` of the comments (of the period, or of those
  being themed — a template may be used for complaints only) and by at least ``MIN_HELD``
  of those being themed, and
- **spread**: in at least ``MIN_SPREAD`` of the content clusters it occurs at its overall
  rate, within a factor of ``LIFT`` — it travels with every kind of content instead of
  marking one. Only clusters large enough to show the term's rate are judged.

The clusters are a first grouping on the comments' other, less frequent words, so that a
template cannot gather its own comments into a cluster of its own and look concentrated
(``themes`` builds them). A problem that is merely common (房间 among hotel complaints)
concentrates in its clusters and is kept.
"""

from __future__ import annotations

import numpy as np

MIN_SHARE = 0.05  # held by at least one comment in twenty
MIN_SPREAD = 0.75  # … and by three content clusters in four (at half its overall rate or more)
LIFT = 2.0  # … at its overall rate within this factor (a topic's word is far more common in its own clusters)
MIN_EXPECTED = 5  # a cluster is judged for a term when it would hold this many comments with it at its overall rate
MIN_CLUSTERS = 3  # a term judged in fewer clusters is not boilerplate
MIN_HELD = MIN_EXPECTED * MIN_CLUSTERS  # a term held by fewer comments could not be judged anyway


def frequent_terms(counts: np.ndarray, comments: int, corpus_shares: np.ndarray | None = None) -> np.ndarray:
    """Whether each term is frequent enough to be judged: ``MIN_SHARE`` of the comments and ``MIN_HELD`` of them.

    Args:
        counts: how many of the comments being themed hold each term.
        comments: how many comments are being themed.
        corpus_shares: each term's share of the period's comments; a term reaching
            ``MIN_SHARE`` there is frequent too (still held by ``MIN_HELD`` comments here).

    Returns:
        A boolean mask over the terms.
    """
    shares = counts / comments if comments else np.zeros(len(counts))
    if corpus_shares is not None:
        shares = np.maximum(shares, corpus_shares)
    return (shares >= MIN_SHARE) & (counts >= MIN_HELD)


def spread_over_clusters(presence, clusters: np.ndarray) -> np.ndarray:  # noqa: ANN001 - a SciPy sparse matrix
    """Each term's spread: the share of the clusters judged in which it occurs at its overall rate, within a factor of two.

    A cluster is judged for a term when it would hold at least ``MIN_EXPECTED`` comments
    with the term at its overall rate: fewer say nothing. A term judged in fewer than
    ``MIN_CLUSTERS`` clusters has no spread (0.0).

    Args:
        presence: comments × terms, nonzero where the comment holds the term (sparse).
        clusters: each comment's cluster (``-1``: none; not counted).

    Returns:
        One share per term.
    """
    held = presence.tocsr().astype(bool).astype(np.float64)
    labels, sizes = np.unique(clusters[clusters >= 0], return_counts=True)
    clustered = clusters >= 0
    if not clustered.any():
        return np.zeros(held.shape[1])
    overall = np.asarray(held[clustered].mean(axis=0)).ravel()
    judged, even = np.zeros(held.shape[1]), np.zeros(held.shape[1])
    for label, size in zip(labels, sizes, strict=True):
        rate = np.asarray(held[clusters == label].mean(axis=0)).ravel()
        counted = overall * size >= MIN_EXPECTED
        judged += counted
        even += counted & (rate >= overall / LIFT) & (rate <= overall * LIFT)
    return np.divide(even, judged, out=np.zeros(held.shape[1]), where=judged >= MIN_CLUSTERS)


def boilerplate_terms(terms: list[tuple[str, ...]], frequent: np.ndarray, spread: np.ndarray) -> frozenset[tuple[str, ...]]:
    """The terms both frequent and spread over at least ``MIN_SPREAD`` of the content clusters.

    Args:
        terms: the terms, each as its tokens (a word as a 1-tuple).
        frequent: ``frequent_terms``' mask.
        spread: ``spread_over_clusters``' shares.

    Returns:
        The boilerplate terms.
    """
    return frozenset(t for t, chosen in zip(terms, frequent & (spread >= MIN_SPREAD), strict=True) if chosen)


def holds_boilerplate(tokens: tuple[str, ...], boilerplate: frozenset[tuple[str, ...]]) -> bool:
    """Whether a phrase (its tokens) is boilerplate or holds a boilerplate word or phrase: it may not name a theme.

    Args:
        tokens: the phrase's tokens.
        boilerplate: boilerplate terms, each as its tokens (a word as a 1-tuple).
    """
    return any(tokens[start:end] in boilerplate for start in range(len(tokens)) for end in range(start + 1, len(tokens) + 1))
