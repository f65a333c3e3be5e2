"""Themes the taxonomy does not know: dissatisfied comments no problem type matched, grouped and named.

Keyword lists cannot be the whole answer — every centre's customers speak differently.
The comments are cut into words and phrases (``phrases``: jieba, the domain dictionary,
stop words). Then:

1. **Boilerplate** is learned from the comments themselves (``boilerplate``): words and
   phrases held by many comments and spread over every kind of content — work-order
   templates, greetings, politeness. The spread is judged on a first grouping (NMF) of the
   comments (the same sample) by their less frequent words.
2. **Themes**: the words that are not boilerplate, weighted by TF-IDF, factorised by NMF
   (scikit-learn, NNDSVD initialisation: deterministic). The number of themes is chosen
   from the data: the fewest whose mean cosine silhouette comes within
   ``SILHOUETTE_TOLERANCE`` of the best, judged on a seeded sample of at most
   ``MODEL_SAMPLE`` comments (the silhouette costs the square of their number); the chosen
   count is then fitted on all of them. A comment belongs to the theme holding at least
   ``MIN_MEMBERSHIP`` of its NMF weight; a comment left out (spread over several themes)
   then joins its nearest theme — cosine to the theme's centroid in the same TF-IDF
   features — when it is as close as a typical member: at least the lower quartile of the
   members' own similarities (``attach_leftovers``). The rest stay out.
3. **Names**: each theme is named by its most characteristic phrase — two to four tokens
   from its own comments, scored by class-based TF-IDF (c-TF-IDF, as in BERTopic: a
   phrase's frequency in the theme times log(1 + average theme size / its frequency in all
   the comments)), held by at least ``NAME_SUPPORT`` of the theme's comments, holding no
   boilerplate. A phrase that mentions none of the theme's ``SUBJECT_WORDS`` strongest
   words says how the customer feels but not about what (不满意, 不喜欢): the theme's
   strongest word goes before it (裤子·不满意, 苹果·不新鲜). Larger themes choose first; a
   theme whose most characteristic phrase already names a larger one is the same problem
   and joins it; otherwise no theme is named by a phrase inside or around another's name. Keywords are the theme's most characteristic
   words by the same score.

**By meaning** (``embed`` given: ``theme_method`` ``embeddings``, or ``auto`` with the model
installed): step 2 groups the comments
by sentence embeddings instead (``embedding``). Each comment with a content word that is
not boilerplate is embedded without its boilerplate (``content_text``), the embeddings are
centred and normalised, and k-means (seeded, ``KMEANS_INITS`` starts) groups them; the
number of groups is chosen by the same silhouette rule on the same sample (never more
than there are different comments). Every such comment joins its group — in a space of
meaning every comment has a nearest problem — and a group of at least ``MIN_THEME_SIZE``
with a name is a theme. Boilerplate and names are as above; a group whose comments share
no word is named by the first clause of its most central comment whose first clause is
short enough (``representative``). Slower (the embedding: about 25 comments a second on
two cores), it carries far more of the comments at the same purity (README, theme table).
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reporting.text.boilerplate import MIN_EXPECTED, boilerplate_terms, frequent_terms, holds_boilerplate, spread_over_clusters
from reporting.text.keywords import clauses
from reporting.text.phrases import CommentTerms, comment_terms, join_tokens

MAX_THEMES = 12  # ten kinds of complaint and more need room (measured: 8 merged unrelated ones)
MIN_THEME_SIZE = 2  # a theme needs at least this many comments
MIN_DOCS_TO_SPLIT = 6  # fewer comments form one theme at most
KEYWORDS_PER_THEME = 6
SILHOUETTE_TOLERANCE = 0.0  # ties go to the candidate with fewer themes
MODEL_SAMPLE = 3000  # the count of themes and the boilerplate are judged on at most this many comments (drawn with the seed)
MIN_MEMBERSHIP = 0.5  # a comment belongs to a theme holding at least this share of its NMF weight
TYPICAL_QUANTILE = 0.25  # a left-out comment joins its nearest theme at least as close as this quantile of its members
SUBJECT_WORDS = 2  # a name phrase mentioning none of the theme's this many strongest words gets the strongest before it
NAME_SUPPORT = 3  # a theme's name is held by at least this many of its comments (all of a smaller theme's) …
NAME_SHARE = 0.05  # … and, when some phrase is, by at least this share of them
REPRESENTATIVE_CHARS = 12  # a group by meaning named by its representative words uses at most this many characters
KMEANS_INITS = 4  # k-means starts per count of groups (the embedding route)
SEED = 20261125

Term = tuple[str, ...]  # a word as a 1-tuple, a phrase as its tokens
Embedder = Callable[[list[str]], np.ndarray]  # texts → L2-normalised rows (``embedding.embed``)


@dataclass(frozen=True)
class Theme:
    """One discovered theme.

    Attributes:
        name: its most characteristic phrase, as its comments write it (上网费用).
        keywords: its most characteristic words, strongest first.
        positions: positions (into the texts given) of the comments it holds.
    """

    name: str
    keywords: tuple[str, ...]
    positions: tuple[int, ...]


@dataclass(frozen=True)
class TermMatrix:
    """Which comments hold which words and phrases.

    Attributes:
        terms: the terms held by at least two comments, words first.
        words: how many of ``terms`` are words (the rest are phrases).
        presence: comments × terms, 1.0 where the comment holds the term (SciPy CSR).
    """

    terms: list[Term]
    words: int
    presence: object


def preload() -> None:
    """Import the factorisation, k-means and the silhouette score now, ahead of the first period's themes."""
    import sklearn.cluster  # noqa: F401
    import sklearn.decomposition  # noqa: F401
    import sklearn.metrics  # noqa: F401


def discover_themes(
    texts: pd.Series, seed: int = SEED, max_themes: int = MAX_THEMES, corpus: pd.Series | None = None, embed: Embedder | None = None
) -> tuple[Theme, ...]:
    """Group comments into named themes; the number of themes is chosen from the data.

    Args:
        texts: the comments to group (e.g. the untyped dissatisfied comments).
        seed: the seed of the silhouette's sample and of k-means (NMF's NNDSVD initialisation is deterministic).
        max_themes: the most themes to consider.
        corpus: the period's comments, whose frequent words and phrases may be boilerplate
            (default: ``texts`` alone).
        embed: group by the meaning of these embeddings (``embedding.embed``) instead of by words.

    Returns:
        The themes, largest first (then by name). A comment sharing no word with any
        other, or spread over several themes and not close to any of them, is left out. A
        theme without a phrase held by enough of its comments is named by its two strongest words.
    """
    from threadpoolctl import threadpool_limits

    # the matrices are small: BLAS threads only contend with the run's other processes (3x slower on a busy 2-core machine)
    with threadpool_limits(limits=1, user_api="blas"):
        return _discover(texts, seed, max_themes, corpus, embed)


def _discover(texts: pd.Series, seed: int, max_themes: int, corpus: pd.Series | None, embed: Embedder | None) -> tuple[Theme, ...]:
    """``discover_themes``' work."""
    terms = [comment_terms(str(text)) for text in texts.fillna("")]
    matrix = term_matrix(terms)
    if matrix.words == 0:
        return ()
    sample = _sample(len(terms), seed)
    shares = _corpus_shares(corpus, matrix.terms) if corpus is not None else None
    boilerplate = find_boilerplate(matrix, shares, sample, max_themes)
    if embed is not None:
        assignment, representatives = _group_by_meaning(texts, terms, boilerplate, embed, sample, seed, max_themes)
        return name_themes(matrix, assignment, boilerplate, representatives)
    keep = np.array([i < matrix.words and t not in boilerplate for i, t in enumerate(matrix.terms)])
    features = _tfidf(matrix.presence[:, keep])
    has_features = np.asarray(features.sum(axis=1)).ravel() > 0
    rows = np.flatnonzero(has_features)
    if len(rows) < MIN_THEME_SIZE:
        return ()
    judged = features[sample[has_features[sample]]]
    count = choose_theme_count(judged[:, np.flatnonzero(judged.getnnz(axis=0))], seed, max_themes)
    assignment = np.full(len(terms), -1)
    assignment[rows] = attach_leftovers(features[rows], _assign(_factorise(features[rows], count, seed)[0]))
    return name_themes(matrix, assignment, boilerplate)


def _group_by_meaning(
    texts: pd.Series,
    terms: list[CommentTerms],
    boilerplate: frozenset[Term],
    embed: Embedder,
    sample: np.ndarray,
    seed: int,
    max_themes: int,
) -> tuple[np.ndarray, dict[int, str]]:
    """Each comment's group by the meaning of its words without boilerplate, and each group's representative words.

    Returns:
        ``(assignment, representatives)``: the group per comment (``-1``: no content word
        that is not boilerplate), and per group the first clause of its most central
        comment that is short enough to name it (``representative``).
    """
    rows = np.flatnonzero([any((w,) not in boilerplate for w in t.words) for t in terms])
    assignment = np.full(len(terms), -1)
    if len(rows) < MIN_THEME_SIZE:
        return assignment, {}
    content = [content_text(str(texts.iloc[r]), boilerplate) for r in rows]
    vectors = embed(content)
    judged = np.flatnonzero(np.isin(rows, sample))
    groups, centrality = group_embeddings(vectors, judged, seed, max_themes)
    assignment[rows] = groups
    representatives = {
        int(g): representative([content[i] for i in np.flatnonzero(groups == g)], centrality[groups == g]) for g in set(groups)
    }
    return assignment, representatives


def representative(contents: list[str], centrality: np.ndarray) -> str:
    """A group's representative words: the first clause of its most central comment of at most ``REPRESENTATIVE_CHARS``.

    Args:
        contents: the group's comments without boilerplate (``content_text``).
        centrality: each one's cosine similarity to the group's centre.

    Returns:
        That clause; when every first clause is longer, the most central one's, cut there with
        "…"; "" when no comment has words left.
    """
    first = [c.split("，")[0] for c in contents]
    order = [i for i in sorted(range(len(first)), key=lambda i: (-round(float(centrality[i]), 12), first[i])) if first[i]]
    short = next((first[i] for i in order if len(first[i]) <= REPRESENTATIVE_CHARS), None)
    if short is not None or not order:
        return short or ""
    return first[order[0]][:REPRESENTATIVE_CHARS] + "…"


def content_text(text: str, boilerplate: frozenset[Term]) -> str:
    """A comment's clauses without the tokens of its boilerplate words and phrases (clauses joined by ``，``).

    Args:
        text: the comment.
        boilerplate: boilerplate terms (``find_boilerplate``), each as its tokens.

    Returns:
        What the comment says once the template, greeting and politeness are taken out.
    """
    longest = max((len(t) for t in boilerplate), default=0)
    kept = []
    for tokens in clauses(text):
        covered = np.zeros(len(tokens), dtype=bool)
        for start in range(len(tokens)):
            for end in range(start + 1, min(start + longest, len(tokens)) + 1):
                if tokens[start:end] in boilerplate:
                    covered[start:end] = True
        clause = "".join(t for t, out in zip(tokens, covered, strict=True) if not out)
        if clause:
            kept.append(clause)
    return "，".join(kept)


def group_embeddings(vectors: np.ndarray, judged: np.ndarray, seed: int, max_themes: int) -> tuple[np.ndarray, np.ndarray]:
    """Group embeddings by k-means on their centred, normalised rows; the count by the silhouette on ``judged`` rows.

    Args:
        vectors: one embedding per comment.
        judged: the rows the count of groups is chosen on (the seeded sample).
        seed: k-means' seed.
        max_themes: the most groups.

    Returns:
        ``(groups, centrality)``: each row's group (0 … count − 1; a single group when
        there are too few rows to split) and its cosine similarity to its group's centre.
    """
    from sklearn.preprocessing import normalize

    centred = normalize(vectors - vectors.mean(axis=0))
    distinct = len(np.unique(centred.round(6), axis=0))  # no more groups than different comments
    count = choose_theme_count(centred[judged], seed, min(max_themes, distinct), _kmeans_labels)
    groups = _kmeans_labels(centred, count, seed) if count > 1 else np.zeros(len(vectors), dtype=int)
    centres = normalize(np.vstack([centred[groups == g].mean(axis=0) for g in range(groups.max(initial=0) + 1)]))
    return groups, (centred * centres[groups]).sum(axis=1)


def _kmeans_labels(matrix: np.ndarray, count: int, seed: int) -> np.ndarray:
    """k-means' groups of the rows (``KMEANS_INITS`` seeded starts, the best kept) on one OpenMP thread: the same on any machine.

    A fit that finds fewer distinct groups than asked warns; like NMF's, the warning is kept
    out of the run's log (the silhouette judges the candidate anyway).
    """
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="openmp"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return KMeans(n_clusters=count, n_init=KMEANS_INITS, random_state=seed).fit(matrix).labels_


def _nmf_labels(matrix, count: int, seed: int) -> np.ndarray:  # noqa: ANN001 - sparse
    """Each row's strongest NMF component."""
    return _factorise(matrix, count, seed)[0].argmax(axis=1)


def _sample(documents: int, seed: int) -> np.ndarray:
    """Positions of at most ``MODEL_SAMPLE`` comments, drawn with the seed (all of them when fewer), in order."""
    if documents <= MODEL_SAMPLE:
        return np.arange(documents)
    return np.sort(np.random.default_rng(seed).choice(documents, MODEL_SAMPLE, replace=False))


def term_matrix(terms: list[CommentTerms]) -> TermMatrix:
    """The comments' words and phrases held by at least two comments, as a presence matrix.

    Args:
        terms: each comment's words and phrases (``phrases.comment_terms``).

    Returns:
        The terms (words first, each group by first occurrence) and the matrix.
    """
    from scipy.sparse import csr_matrix

    held = [{(w,) for w in t.words} | set(t.phrases) for t in terms]
    counts = Counter(term for found in held for term in found)
    ordered = [t for t in counts if counts[t] >= 2]
    vocabulary = {t: i for i, t in enumerate(sorted(ordered, key=lambda t: len(t) > 1))}
    indptr, indices = [0], []
    for found in held:
        indices.extend(sorted(vocabulary[t] for t in found if t in vocabulary))
        indptr.append(len(indices))
    presence = csr_matrix((np.ones(len(indices)), np.array(indices, dtype=np.int64), np.array(indptr)), shape=(len(terms), len(vocabulary)))
    return TermMatrix(list(vocabulary), sum(1 for t in vocabulary if len(t) == 1), presence)


def find_boilerplate(matrix: TermMatrix, corpus_shares: np.ndarray | None, sample: np.ndarray, max_themes: int) -> frozenset[Term]:
    """The words and phrases that are frequent and spread over every kind of content (``boilerplate``).

    Args:
        matrix: the comments' terms.
        corpus_shares: each term's share of the period's comments (None: the comments' own).
        sample: the comments the spread is judged on (``_sample``).
        max_themes: how many content clusters the first grouping makes at most.

    Returns:
        The boilerplate terms.
    """
    counts = np.asarray(matrix.presence.sum(axis=0)).ravel()
    frequent = frequent_terms(counts, matrix.presence.shape[0], corpus_shares)
    if not frequent.any():
        return frozenset()
    # the first grouping sees only the less frequent words, so a template cannot make a cluster of its own
    presence = matrix.presence[sample]
    content = (np.arange(len(matrix.terms)) < matrix.words) & ~frequent & (presence.getnnz(axis=0) > 0)
    features = _tfidf(presence[:, content])
    rows = np.flatnonzero(np.asarray(features.sum(axis=1)).ravel() > 0)
    clusters = np.full(len(sample), -1)
    # as many clusters as could each show a term held by every comment (MIN_EXPECTED of them)
    count = min(max_themes, len(rows) // MIN_EXPECTED, int(content.sum()))
    if count >= 2:
        clusters[rows] = _factorise(features[rows], count, SEED)[0].argmax(axis=1)
    spread = np.zeros(len(matrix.terms))
    spread[frequent] = spread_over_clusters(presence[:, frequent], clusters)
    return boilerplate_terms(matrix.terms, frequent, spread)


def name_themes(
    matrix: TermMatrix, assignment: np.ndarray, boilerplate: frozenset[Term], representatives: dict[int, str] | None = None
) -> tuple[Theme, ...]:
    """Name each group of comments by its most characteristic phrase (c-TF-IDF) and pick its keywords.

    Args:
        matrix: the comments' terms.
        assignment: each comment's group (``-1``: none).
        boilerplate: terms no name or keyword may hold.
        representatives: per group, words that name it when no phrase or word its comments
            share can (``representative``: a group by meaning may share no word).

    Returns:
        The themes (groups of at least ``MIN_THEME_SIZE`` comments with a name), largest
        first, then by name.
    """
    groups = [g for g in np.unique(assignment[assignment >= 0]) if (assignment == g).sum() >= MIN_THEME_SIZE]
    if not groups:
        return ()
    scores, held = class_tfidf(matrix.presence, assignment, groups)
    allowed = np.array([not holds_boilerplate(t, boilerplate) for t in matrix.terms])
    is_phrase = np.arange(len(matrix.terms)) >= matrix.words
    named: dict[str, Theme] = {}
    used: dict[str, str] = {}  # a theme's name phrase → its name
    for g in sorted(range(len(groups)), key=lambda g: (-int((assignment == groups[g]).sum()), g)):
        positions = tuple(int(p) for p in np.flatnonzero(assignment == groups[g]))
        keywords = tuple(
            matrix.terms[i][0] for i in _ranked(scores[g], allowed & ~is_phrase & (held[g] > 0), matrix.terms)[:KEYWORDS_PER_THEME]
        )
        phrases = [
            join_tokens(matrix.terms[i])
            for i in _ranked(scores[g], allowed & is_phrase & (held[g] >= _support(g, held, positions)), matrix.terms)
        ]
        # its most characteristic phrase already naming a larger theme is the same problem
        if phrases and phrases[0] in used:
            name = used[phrases[0]]
        else:  # a phrase not inside or around another theme's; without one, its two strongest words, else its representative words
            phrase = next((p for p in phrases if not any(p in other or other in p for other in used)), "")
            name = with_subject(phrase, keywords) or "·".join(keywords[:2]) or (representatives or {}).get(int(groups[g]), "")
            if phrase and name not in named:
                used[phrase] = name
        if name in named:
            larger = named[name]
            named[name] = Theme(larger.name, larger.keywords, tuple(sorted(larger.positions + positions)))
        elif name:
            named[name] = Theme(name, keywords, positions)
    return tuple(sorted(named.values(), key=lambda t: (-len(t.positions), t.name)))


def with_subject(phrase: str, keywords: tuple[str, ...]) -> str:
    """A theme's phrase with what it is about: its strongest word before it (裤子·不满意) unless the phrase mentions one
    of its ``SUBJECT_WORDS`` strongest words already (衣服质量, 头皮痒 beside 头皮屑).

    Args:
        phrase: the theme's name phrase ("" for none).
        keywords: the theme's words, strongest first.

    Returns:
        The name ("" when there is no phrase).
    """
    if not phrase or not keywords or any(_mentions(phrase, word) for word in keywords[:SUBJECT_WORDS]):
        return phrase
    return f"{keywords[0]}·{phrase}"


def _mentions(phrase: str, word: str) -> bool:
    """Whether a phrase holds the word, or two consecutive characters of it (头皮痒 mentions 头皮屑)."""
    return word in phrase or any(word[i : i + 2] in phrase for i in range(len(word) - 1))


def _support(group: int, held: np.ndarray, positions: tuple[int, ...]) -> int:
    """How many of a theme's comments its name must be held by: ``NAME_SUPPORT`` and ``NAME_SHARE`` of them when some
    phrase is, else ``NAME_SUPPORT`` (all of a smaller theme's comments)."""
    few = min(NAME_SUPPORT, len(positions))
    share = max(few, math.ceil(NAME_SHARE * len(positions)))
    return share if held[group].max(initial=0) >= share else few


def class_tfidf(presence, assignment: np.ndarray, groups: list[int]) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001 - sparse
    """Class-based TF-IDF of every term in every group (BERTopic's c-TF-IDF on comment counts).

    A term's weight in a group is its share of the group's term occurrences times
    ``log(1 + A / f)``, where ``f`` is how many of all the comments hold it and ``A`` the
    average number of term occurrences per group.

    Args:
        presence: comments × terms (nonzero: held).
        assignment: each comment's group.
        groups: the groups to score.

    Returns:
        ``(scores, held)``: groups × terms arrays of the weights and of how many of the
        group's comments hold each term.
    """
    binary = presence.tocsr().astype(bool).astype(np.float64)
    held = np.vstack([np.asarray(binary[assignment == g].sum(axis=0)).ravel() for g in groups])
    totals = held.sum(axis=1, keepdims=True)
    frequency = np.asarray(binary.sum(axis=0)).ravel()
    idf = np.log1p(totals.mean() / np.maximum(frequency, 1.0))
    return np.divide(held, totals, out=np.zeros_like(held), where=totals > 0) * idf, held


def _ranked(scores: np.ndarray, eligible: np.ndarray, terms: list[Term]) -> list[int]:
    """Eligible term indices by score, then more tokens, then the text (deterministic)."""
    return sorted(np.flatnonzero(eligible), key=lambda i: (-round(float(scores[i]), 12), -len(terms[i]), terms[i]))


def _corpus_shares(corpus: pd.Series, terms: list[Term]) -> np.ndarray:
    """Each term's share of the corpus's comments with words (each distinct comment segmented once)."""
    index = {t: i for i, t in enumerate(terms)}
    held = np.zeros(len(terms))
    filled = corpus.fillna("").astype(str)
    present = filled[filled.str.strip().ne("")]
    for text, times in present.value_counts(sort=False).items():
        found = comment_terms(text)
        for term in {(w,) for w in found.words} | set(found.phrases):
            if term in index:
                held[index[term]] += times
    return held / len(present) if len(present) else held


def _assign(weights: np.ndarray) -> np.ndarray:
    """Each comment's theme, or -1 when no theme holds at least ``MIN_MEMBERSHIP`` of its weight."""
    totals = weights.sum(axis=1)
    best = weights.argmax(axis=1)
    share = np.divide(weights[np.arange(len(weights)), best], totals, out=np.zeros(len(weights)), where=totals > 0)
    return np.where(share >= MIN_MEMBERSHIP, best, -1)


def attach_leftovers(features, assignment: np.ndarray) -> np.ndarray:  # noqa: ANN001 - SciPy sparse rows
    """Each left-out comment joins its nearest theme when it is as close to it as a typical member.

    A theme's centroid is the normalised sum of its members' rows; its threshold is the
    ``TYPICAL_QUANTILE`` (lower quartile) of its members' cosine similarities to the
    centroid. A left-out comment (``-1``) joins the theme whose centroid it is most similar
    to (the first on ties) when that similarity is positive and reaches the theme's
    threshold; otherwise it stays out. (Tukey's outlier fence instead, a quartile less 1.5
    interquartile ranges, carried 92 % of the shopping negatives but at purity 0.60-0.63.)

    Args:
        features: the comments' L2-normalised TF-IDF rows.
        assignment: each comment's theme (``_assign``; ``-1``: none).

    Returns:
        The assignment with the joined comments' themes; members are unchanged.
    """
    groups = np.unique(assignment[assignment >= 0])
    left = assignment < 0
    if len(groups) == 0 or not left.any():
        return assignment
    sums = np.vstack([np.asarray(features[assignment == g].sum(axis=0)).ravel() for g in groups])
    centroids = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
    similarity = np.asarray(features @ centroids.T)
    thresholds = np.array([np.quantile(similarity[assignment == g, k], TYPICAL_QUANTILE) for k, g in enumerate(groups)])
    nearest = similarity.argmax(axis=1)
    best = similarity[np.arange(len(assignment)), nearest]
    joins = left & (best > 0) & (best >= thresholds[nearest])
    return np.where(joins, groups[nearest], assignment)


def _tfidf(presence):  # noqa: ANN001, ANN202 - SciPy sparse in and out
    """TF-IDF of binary presence (smooth IDF, rows L2-normalised)."""
    from sklearn.feature_extraction.text import TfidfTransformer

    if presence.shape[1] == 0:
        return presence.tocsr()
    return TfidfTransformer().fit_transform(presence)


def choose_theme_count(matrix, seed: int, max_themes: int, labels_of: Callable[..., np.ndarray] = _nmf_labels) -> int:  # noqa: ANN001 - sparse or dense
    """The number of themes whose assignments separate best (mean cosine silhouette), the fewest on ties.

    Args:
        matrix: the rows of the comments to judge on (``_sample``'s: TF-IDF with features, or embeddings).
        seed: passed to the grouping (unused by NMF's NNDSVD).
        max_themes: the most themes to consider.
        labels_of: ``(matrix, count, seed)`` → each row's group (default: the strongest NMF component).

    Returns:
        The count (1 when there are too few comments or words to split).
    """
    from sklearn.metrics import silhouette_score

    documents, words = matrix.shape
    largest = min(max_themes, documents // MIN_THEME_SIZE, words)
    if documents < MIN_DOCS_TO_SPLIT or largest < 2:
        return 1
    candidates: list[tuple[float, int]] = []
    for count in range(2, largest + 1):
        labels = labels_of(matrix, count, seed)
        if len(set(labels)) >= 2:
            candidates.append((float(silhouette_score(matrix, labels, metric="cosine")), count))
    if not candidates:
        return 1
    # parsimony: the fewest themes whose separation is within a tolerance of the best
    best = max(score for score, _ in candidates)
    return next(count for score, count in candidates if score >= best - SILHOUETTE_TOLERANCE)


def _factorise(matrix, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """One NMF fit; one that does not converge within ``max_iter`` is kept without a warning.

    Every candidate is judged by its silhouette anyway, and the warning would only reach
    the run's log as noise that staff cannot act on.
    """
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning

    model = NMF(n_components=count, init="nndsvd", random_state=seed, max_iter=1000, tol=1e-4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weights = model.fit_transform(matrix)
    return weights, model.components_
