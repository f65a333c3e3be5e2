"""Sentiment per comment: a prior that transfers, sharpened by the data's own ratings; and the records whose rating and words disagree.

Every centre's customers speak differently, and few centres have thousands of rated
comments. So the judgement starts from a **prior** — a compact model trained offline on
openly licensed Chinese reviews (``prior``) — and learns what negative and positive
comments sound like *here* from the ratings customers gave: a logistic regression on
character n-grams (scikit-learn's TF-IDF) **with the prior's log-odds as one more
feature** (stacking by feature: with few ratings the prior's weight carries the
judgement, as ratings accumulate the data's own words take over). Ratings as examples
(``RATING_TARGETS``): 1-2 points negative and 5 positive at full weight, 4 positive at
half weight; a 3 (一般) is left out — its direction differs between centres: taken as a
negative example it cost 9 points on ASAP's restaurant reviews (0.84 against 0.93),
where a 3 is mostly mild praise, and as a positive one it would mislead a centre whose
一般 means a complaint (README, "Sentiment").

Predictions are **out of fold**: a rated comment of the period is scored by a model
trained without it (k-fold), so its own rating never shapes its own prediction. Comments
of earlier periods (the trend window, or the store's history) add training examples only.
Below ``MIN_EXAMPLES`` rated comments (or ``MIN_PER_CLASS`` of a class) the prior decides
alone.

Rating-text disagreements are found by confident learning (Northcutt et al. 2021): a
record labelled by its rating is doubtful when the model's probability for the *other*
class reaches that class's average self-confidence; they are ranked by how little the
text supports the rating.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reporting.domain import NEGATIVE, NEUTRAL, POSITIVE
from reporting.text.prior import Prior, distinct_counts, logit_of, prior_logit

MIN_EXAMPLES = 60  # fewer rated comments (or fewer than MIN_PER_CLASS of a class): the prior alone
MIN_PER_CLASS = 15
FULL_TRUST_AT = 100  # a fold's model trained on fewer examples of its scarcer class is blended with the prior in proportion
FOLDS = 5
LARGE_PERIOD = 3000  # from this many rated comments in the period on, 3 folds: each model still learns from two thirds
NEGATIVE_AT, POSITIVE_AT = 0.52, 0.48  # probability of negative: ≥ → 负面, ≤ → 正面, between (no signal either way) → 中性
SEED = 20261125
PROBABILITY_DECIMALS = 4
# rating → (label: 1 negative / 0 positive, weight as a training example)
RATING_TARGETS = {1: (1, 1.0), 2: (1, 1.0), 4: (0, 0.5), 5: (0, 1.0)}  # a 3 is no example (module notes)


@dataclass(frozen=True)
class LearnedSentiment:
    """The text's sentiment per comment.

    Attributes:
        negative: probability that the comment is negative (index of the comments given;
            NaN for an empty comment).
        sentiment: 正面 / 中性 / 负面 (None for an empty comment).
        method: ``stacked`` (the prior and the ratings) or ``prior`` (too few ratings).
        examples: rated comments the model learned from (period and history).
    """

    negative: pd.Series
    sentiment: pd.Series
    method: str
    examples: int


def rating_label(ratings: pd.Series) -> pd.Series:
    """The label a rating states plainly: 1 negative (1-2 points), 0 positive (5 points), NaN otherwise (the contradictions' labels)."""
    values = pd.to_numeric(ratings, errors="coerce")
    return pd.Series(np.select([values <= 2, values == 5], [1.0, 0.0], np.nan), index=ratings.index)


def training_targets(ratings: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Every 1-5 rating as a training example: its label (NaN: no rating) and weight (``RATING_TARGETS``)."""
    values = pd.to_numeric(ratings, errors="coerce").round().to_numpy()
    labels, weights = np.full(len(values), np.nan), np.zeros(len(values))
    for rating, (label, weight) in RATING_TARGETS.items():
        labels[values == rating], weights[values == rating] = label, weight
    return labels, weights


def learn_sentiment(
    texts: pd.Series, ratings: pd.Series, history: pd.DataFrame | None = None, seed: int = SEED, prior: Prior | None = None
) -> LearnedSentiment:
    """Score every comment's sentiment: the prior, stacked out of fold with what the ratings teach.

    Args:
        texts: the comments to score (empty or missing: no sentiment).
        ratings: their customers' 1-5 ratings (same index).
        history: earlier comments with ``text`` and ``rating`` columns, used for training only.
        seed: the fold assignment's seed (same input, same output).
        prior: the prior model (default: the shipped one; the benchmark swaps in one
            trained without the domain it scores).

    Returns:
        Probabilities, sentiments and how they were obtained.
    """
    filled = texts.fillna("").astype(str)
    present = filled.str.strip().ne("").to_numpy()
    labels, weights = training_targets(ratings)
    labels[~present] = np.nan
    past_texts, past_labels, past_weights = _history(history)
    all_labels = np.concatenate([labels[~np.isnan(labels)], past_labels])
    examples = len(all_labels)
    negatives = int((all_labels == 1).sum())
    codes, counts, empty = distinct_counts([*filled.tolist(), *past_texts])  # one n-gram pass serves the prior and the model
    prior_view = logit_of(counts, empty, prior)[codes]
    if examples < MIN_EXAMPLES or min(negatives, examples - negatives) < MIN_PER_CLASS:
        return _result(_sigmoid(prior_view[: len(filled)]), present, texts.index, "prior", examples)
    model = _out_of_fold(filled, labels, weights, present, _features(counts[codes], prior_view), past_labels, past_weights, seed)
    return _result(model, present, texts.index, "stacked", examples)


def preload() -> None:
    """Import the scikit-learn and SciPy parts the model uses (about a second) and read the prior, ahead of need."""
    import scipy.sparse  # noqa: F401
    import sklearn.feature_extraction.text  # noqa: F401
    import sklearn.linear_model  # noqa: F401
    import sklearn.model_selection  # noqa: F401

    prior_logit(["预热"])


def _history(history: pd.DataFrame | None) -> tuple[list[str], np.ndarray, np.ndarray]:
    if history is None or history.empty:
        return [], np.array([]), np.array([])
    text = history["text"].fillna("").astype(str)
    labels, weights = training_targets(history["rating"])
    kept = ~np.isnan(labels) & text.str.strip().ne("").to_numpy()
    return text[kept].tolist(), labels[kept], weights[kept]


def _sigmoid(logit: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-logit))


def _features(counts, prior: np.ndarray):  # noqa: ANN001, ANN202 - SciPy sparse in and out
    """Character 1-3-grams used by at least two texts, TF-IDF weighted over all texts (no ratings involved), and the prior's log-odds."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfTransformer

    used = np.flatnonzero(np.bincount(counts.indices, minlength=counts.shape[1]) >= 2)
    grams = TfidfTransformer(sublinear_tf=True).fit_transform(counts[:, used]).astype(np.float32)
    return hstack([grams, csr_matrix(prior.reshape(-1, 1).astype(np.float32))], format="csr")


def _classifier(seed: int):  # noqa: ANN202 - a scikit-learn estimator
    from sklearn.linear_model import LogisticRegression

    # mild regularisation (C = 3); liblinear is exact and fast for two classes
    return LogisticRegression(C=3.0, class_weight="balanced", solver="liblinear", random_state=seed)


def _out_of_fold(
    texts: pd.Series,
    labels: np.ndarray,
    weights: np.ndarray,
    present: np.ndarray,
    features,  # noqa: ANN001 - SciPy sparse: the texts' rows, then the history's
    past_labels: np.ndarray,
    past_weights: np.ndarray,
    seed: int,
) -> np.ndarray:
    """P(negative) for every comment; a rated one only from models that never saw its rating."""
    from scipy.sparse import vstack
    from sklearn.model_selection import KFold

    current, past = features[: len(texts)], features[len(texts) :]
    # the prior's view (the last column) stays where a fold's training holds one class only
    probability = _sigmoid(features[: len(texts), -1].toarray().ravel())
    labelled = np.flatnonzero(~np.isnan(labels))
    unlabelled = np.flatnonzero(present & np.isnan(labels))
    wanted = 3 if len(labelled) >= LARGE_PERIOD else FOLDS
    folds = min(wanted, int((labels[labelled] == 0).sum()), int((labels[labelled] == 1).sum()))

    def score(rows: np.ndarray, scored: np.ndarray) -> None:
        """P(negative) of ``scored`` from a model trained on ``rows`` (and the history), leaning on the prior while one class is scarce."""
        targets = np.concatenate([labels[rows], past_labels]).astype(int)
        if len(np.unique(targets)) < 2:  # one class only: these keep the prior's view
            return
        model = _classifier(seed).fit(vstack([current[rows], past]), targets, sample_weight=np.concatenate([weights[rows], past_weights]))
        trust = min(1.0, min(np.bincount(targets, minlength=2)) / FULL_TRUST_AT)
        probability[scored] = trust * model.predict_proba(current[scored])[:, 1] + (1 - trust) * probability[scored]

    if folds < 2:  # too few of one class in the period to fold: the history alone scores them
        labelled, unlabelled = np.array([], dtype=int), np.flatnonzero(present)
    else:
        # folds drawn without looking at the labels: changing one rating never moves a record between folds
        for train, test in KFold(n_splits=folds, shuffle=True, random_state=seed).split(labelled):
            score(labelled[train], labelled[test])
    if len(unlabelled):
        score(labelled, unlabelled)
    return probability


def _result(negative: np.ndarray, present: np.ndarray, index: pd.Index, method: str, examples: int) -> LearnedSentiment:
    # four decimals: what a sheet shows, and a number every spreadsheet keeps exactly (no float32 tail)
    probability = np.where(present, np.round(negative.astype(np.float64), PROBABILITY_DECIMALS), np.nan)
    sentiment = np.select([~present, probability >= NEGATIVE_AT, probability <= POSITIVE_AT], [None, NEGATIVE, POSITIVE], NEUTRAL)
    return LearnedSentiment(
        negative=pd.Series(probability, index=index),
        sentiment=pd.Series(sentiment.astype(object), index=index).where(present, None),
        method=method,
        examples=examples,
    )


def find_disagreements(negative: pd.Series, ratings: pd.Series, limit: int) -> pd.DataFrame:
    """Records whose rating and words disagree, most doubtful first (confident learning).

    A record labelled by its rating (1-2 negative, 5 positive) is doubtful when the
    text's probability of the other class reaches that class's per-class threshold — the
    average probability the model gives that class on records labelled with it — or
    simply exceeds one half (a confident model's thresholds would otherwise ask more
    than "more likely than not" of the text).

    Args:
        negative: P(negative) per comment (NaN: no comment).
        ratings: the customers' 1-5 ratings (same index).
        limit: at most this many.

    Returns:
        ``position`` (into the inputs), ``label`` (负面/正面, the rating's), ``text_negative``
        (the probability), ordered by how little the text supports the rating.
    """
    labels = rating_label(ratings).to_numpy()
    p_negative = negative.to_numpy(dtype=float)
    known = ~np.isnan(labels) & ~np.isnan(p_negative)
    columns = ["position", "label", "text_negative"]
    if not known.any() or len(np.unique(labels[known])) < 2:
        return pd.DataFrame(columns=columns)
    threshold_negative = p_negative[known & (labels == 1)].mean()
    threshold_positive = (1 - p_negative[known & (labels == 0)]).mean()
    # the other class's average self-confidence reached — or the other class simply more likely than not
    said_positive = known & (labels == 0) & ((p_negative >= threshold_negative) | (p_negative > 0.5))
    said_negative = known & (labels == 1) & ((1 - p_negative >= threshold_positive) | (p_negative < 0.5))
    doubtful = np.flatnonzero(said_positive | said_negative)
    self_confidence = np.where(labels[doubtful] == 1, p_negative[doubtful], 1 - p_negative[doubtful])
    order = doubtful[np.lexsort((doubtful, self_confidence))][:limit]
    return pd.DataFrame(
        {"position": order, "label": np.where(labels[order] == 1, NEGATIVE, POSITIVE), "text_negative": p_negative[order]}, columns=columns
    )
