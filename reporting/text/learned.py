"""Sentiment learned from the data's own ratings, and the records whose rating and words disagree.

Every centre's customers speak differently, so the workbook learns what negative and
positive comments sound like *here*: comments whose customer gave 1-2 points are
negative examples, 5 points positive ones. A linear model on character n-grams
(scikit-learn's TF-IDF + logistic regression) then gives every comment a probability of
being negative. Predictions are **out of fold**: a labelled comment of the period is
scored by a model trained without it (k-fold), so its own rating never shapes its own
prediction. Comments of earlier periods (the trend window, or the store's history) add
training examples only.

While few labelled comments exist the lexicon (``sentiment.bundled_polarity``) carries the
judgement: below ``MIN_EXAMPLES`` it is used alone, up to ``FULL_WEIGHT_AT`` the two are
blended in proportion to the examples.

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
from reporting.text.sentiment import bundled_polarity

MIN_EXAMPLES = 60  # fewer labelled comments (or fewer than MIN_PER_CLASS of a class): the lexicon alone
MIN_PER_CLASS = 15
FULL_WEIGHT_AT = 300  # from this many labelled comments on, the model alone
FOLDS = 5
LARGE_PERIOD = 3000  # from this many rated comments in the period on, 3 folds: each model still learns from two thirds
NEGATIVE_AT, POSITIVE_AT = 0.52, 0.48  # probability of negative: ≥ → 负面, ≤ → 正面, between (no signal either way) → 中性
SEED = 20261125
MAX_FEATURES = 100_000
MAX_CHARS = 300  # a comment's first characters carry its tone; the rest only costs time


@dataclass(frozen=True)
class LearnedSentiment:
    """The text's sentiment per comment.

    Attributes:
        negative: probability that the comment is negative (index of the comments given;
            NaN for an empty comment).
        sentiment: 正面 / 中性 / 负面 (None for an empty comment).
        method: ``model`` / ``blend`` / ``lexicon`` — what produced the probabilities.
        examples: labelled comments the model learned from (period and history).
        model_weight: the model's share of the blend (0 for the lexicon alone).
    """

    negative: pd.Series
    sentiment: pd.Series
    method: str
    examples: int
    model_weight: float


def rating_label(ratings: pd.Series) -> pd.Series:
    """The training label a rating gives: 1 negative (1-2 points), 0 positive (5 points), NaN otherwise."""
    values = pd.to_numeric(ratings, errors="coerce")
    return pd.Series(np.select([values <= 2, values == 5], [1.0, 0.0], np.nan), index=ratings.index)


def learn_sentiment(texts: pd.Series, ratings: pd.Series, history: pd.DataFrame | None = None, seed: int = SEED) -> LearnedSentiment:
    """Score every comment's sentiment, out of fold, from the ratings customers gave.

    Args:
        texts: the comments to score (empty or missing: no sentiment).
        ratings: their customers' 1-5 ratings (same index).
        history: earlier comments with ``text`` and ``rating`` columns, used for training only.
        seed: the fold assignment's seed (same input, same output).

    Returns:
        Probabilities, sentiments and how they were obtained.
    """
    filled = texts.fillna("").astype(str)
    present = filled.str.strip().ne("").to_numpy()
    labels = rating_label(ratings).where(present)
    past_texts, past_labels = _history(history)
    examples = int(labels.notna().sum()) + len(past_labels)
    positives = int((labels == 0).sum()) + int((past_labels == 0).sum())
    negatives = examples - positives
    lexicon, expressions = _lexicon_probability(filled)
    if examples < MIN_EXAMPLES or min(positives, negatives) < MIN_PER_CLASS:
        # the lexicon alone says nothing about a comment without sentiment words: no sentiment (the rating decides)
        return _result(lexicon, present & (expressions > 0), texts.index, "lexicon", examples, 0.0)
    model = _out_of_fold(filled, labels, present, past_texts, past_labels, seed)
    model = np.where(np.isnan(model), lexicon, model)
    weight = min(1.0, examples / FULL_WEIGHT_AT)
    blended = weight * model + (1 - weight) * lexicon
    return _result(blended, present, texts.index, "model" if weight == 1.0 else "blend", examples, weight)


def preload() -> None:
    """Import the scikit-learn and SciPy parts the model uses (about a second), ahead of need."""
    import scipy.sparse  # noqa: F401
    import sklearn.feature_extraction.text  # noqa: F401
    import sklearn.linear_model  # noqa: F401
    import sklearn.model_selection  # noqa: F401


def _history(history: pd.DataFrame | None) -> tuple[list[str], np.ndarray]:
    if history is None or history.empty:
        return [], np.array([])
    text = history["text"].fillna("").astype(str)
    labels = rating_label(history["rating"]).where(text.str.strip().ne(""))
    kept = labels.notna()
    return text[kept].tolist(), labels[kept].to_numpy()


def _features(texts: list[str]):  # noqa: ANN202 - a SciPy sparse matrix
    """Character 1-3-grams, TF-IDF weighted, fitted on all the texts at once (no ratings involved)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(1, 3), min_df=2, sublinear_tf=True, max_features=MAX_FEATURES, dtype=np.float32
    )
    return vectorizer.fit_transform([text[:MAX_CHARS] for text in texts])


def _classifier(seed: int):  # noqa: ANN202 - a scikit-learn estimator
    from sklearn.linear_model import LogisticRegression

    # mild regularisation (C = 3); liblinear is exact and fast for two classes
    return LogisticRegression(C=3.0, class_weight="balanced", solver="liblinear", random_state=seed)


def _out_of_fold(
    texts: pd.Series, labels: pd.Series, present: np.ndarray, past_texts: list[str], past_labels: np.ndarray, seed: int
) -> np.ndarray:
    """P(negative) for every comment; a labelled one only from models that never saw its rating."""
    from scipy.sparse import vstack
    from sklearn.model_selection import KFold

    features = _features([*texts.tolist(), *past_texts])
    current, past = features[: len(texts)], features[len(texts) :]
    probability = np.full(len(texts), np.nan)
    label_array = labels.to_numpy()
    labelled = np.flatnonzero(~np.isnan(label_array))
    unlabelled = np.flatnonzero(present & np.isnan(label_array))
    wanted = 3 if len(labelled) >= LARGE_PERIOD else FOLDS
    folds = min(wanted, int((label_array[labelled] == 0).sum()), int((label_array[labelled] == 1).sum()))
    if folds < 2:  # too few of one class in the period to fold: the history alone scores them
        labelled, unlabelled = np.array([], dtype=int), np.flatnonzero(present)
    else:
        # folds drawn without looking at the labels: changing one rating never moves a record between folds
        for train, test in KFold(n_splits=folds, shuffle=True, random_state=seed).split(labelled):
            rows = labelled[train]
            targets = np.concatenate([label_array[rows], past_labels]).astype(int)
            if len(np.unique(targets)) < 2:  # one class only: these records keep the lexicon's view
                continue
            model = _classifier(seed).fit(vstack([current[rows], past]), targets)
            probability[labelled[test]] = model.predict_proba(current[labelled[test]])[:, 1]
    if len(unlabelled):
        model = _classifier(seed).fit(vstack([current[labelled], past]), np.concatenate([label_array[labelled], past_labels]).astype(int))
        probability[unlabelled] = model.predict_proba(current[unlabelled])[:, 1]
    return probability


def _lexicon_probability(texts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The lexicon's view as a probability of negative, (negatives + ½) ÷ (all expressions + 1), and the expressions found."""
    codes, distinct = pd.factorize(texts.to_numpy(dtype=object))
    counts = np.array([bundled_polarity(text) for text in distinct], dtype=float).reshape(len(distinct), 2)[codes]
    return (counts[:, 1] + 0.5) / (counts.sum(axis=1) + 1.0), counts.sum(axis=1)


def _result(negative: np.ndarray, present: np.ndarray, index: pd.Index, method: str, examples: int, weight: float) -> LearnedSentiment:
    probability = np.where(present, negative, np.nan)
    sentiment = np.select([~present, probability >= NEGATIVE_AT, probability <= POSITIVE_AT], [None, NEGATIVE, POSITIVE], NEUTRAL)
    return LearnedSentiment(
        negative=pd.Series(probability, index=index),
        sentiment=pd.Series(sentiment.astype(object), index=index).where(present, None),
        method=method,
        examples=examples,
        model_weight=round(weight, 3),
    )


def find_disagreements(negative: pd.Series, ratings: pd.Series, limit: int) -> pd.DataFrame:
    """Records whose rating and words disagree, most doubtful first (confident learning).

    A record labelled by its rating (1-2 negative, 5 positive) is doubtful when the
    text's probability of the other class reaches that class's per-class threshold — the
    average probability the model gives that class on records labelled with it.

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
    said_positive = known & (labels == 0) & (p_negative >= threshold_negative) & (p_negative >= 0.5)
    said_negative = known & (labels == 1) & (1 - p_negative >= threshold_positive) & (p_negative < 0.5)
    doubtful = np.flatnonzero(said_positive | said_negative)
    self_confidence = np.where(labels[doubtful] == 1, p_negative[doubtful], 1 - p_negative[doubtful])
    order = doubtful[np.lexsort((doubtful, self_confidence))][:limit]
    return pd.DataFrame(
        {"position": order, "label": np.where(labels[order] == 1, NEGATIVE, POSITIVE), "text_negative": p_negative[order]}, columns=columns
    )
