"""Sentiment learned from the ratings, out of fold; disagreements by confident learning."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reporting.text.learned import MIN_EXAMPLES, find_disagreements, learn_sentiment, rating_label, training_targets

NEGATIVE = ["等了三天没人上门，太慢了", "客服态度很差，电话挂了", "收费不明，多扣了钱", "修完又坏了，很失望", "一直没人处理投诉"]
POSITIVE = ["师傅很专业，很快修好了", "服务周到，非常满意", "处理及时，态度很好", "上门准时，讲解清楚", "客服耐心，问题解决了"]


def corpus(copies: int = 10) -> tuple[pd.Series, pd.Series]:
    """Varied short comments: each base sentence with a distinguishing suffix, rated 1 or 5."""
    texts, ratings = [], []
    for i in range(copies):
        for text in NEGATIVE:
            texts.append(f"{text}（第{i}次）")
            ratings.append(1 if i % 2 else 2)
        for text in POSITIVE:
            texts.append(f"{text}（第{i}次）")
            ratings.append(5)
    return pd.Series(texts), pd.Series(ratings, dtype=float)


def test_rating_labels():
    labels = rating_label(pd.Series([1, 2, 3, 4, 5, None]))
    assert labels.iloc[:2].tolist() == [1.0, 1.0] and labels.iloc[4] == 0.0 and labels.iloc[[2, 3, 5]].isna().all()


def test_ratings_become_training_examples_with_their_weights():
    labels, weights = training_targets(pd.Series([1, 2, 3, 4, 5, None, 4.2]))
    assert np.array_equal(labels[[0, 1, 3, 4, 6]], [1, 1, 0, 0, 0]) and np.isnan(labels[[2, 5]]).all()  # a 3 is no example
    assert weights.tolist() == [1.0, 1.0, 0.0, 0.5, 1.0, 0.0, 0.5]


def test_few_examples_use_the_prior_alone():
    texts, ratings = corpus(copies=2)
    learned = learn_sentiment(texts, ratings)
    assert len(texts) < MIN_EXAMPLES and learned.method == "prior"
    # the prior never saw these sentences or their ratings: plain complaints and plain praise it reads right
    assert (learned.sentiment.iloc[:5] == "负面").all() and (learned.sentiment.iloc[5:8] == "正面").all()
    # (上门准时，讲解清楚 and 客服耐心，问题解决了 are service words its shopping reviews rarely use: the ratings teach those)


def test_enough_examples_learn_and_score_every_comment():
    texts, ratings = corpus()
    texts = pd.concat([texts, pd.Series(["", None])], ignore_index=True)
    ratings = pd.concat([ratings, pd.Series([3.0, 5.0])], ignore_index=True)
    learned = learn_sentiment(texts, ratings)
    assert learned.method == "stacked" and learned.examples == 100
    assert learned.negative.iloc[-2:].isna().all() and learned.sentiment.iloc[-2:].isna().all()
    rated = ratings.iloc[:-2]
    judged = np.where(rated <= 2, "负面", "正面")
    assert (learned.sentiment.iloc[:-2].to_numpy() == judged).mean() >= 0.95


def test_a_records_own_rating_never_changes_its_own_prediction():
    texts, ratings = corpus()
    before = learn_sentiment(texts, ratings)
    flipped = ratings.copy()
    flipped.iloc[0] = 5.0  # a negative comment now rated 5: its own label changes
    after = learn_sentiment(texts, flipped)
    # out of fold: record 0 is scored by a model that never saw record 0's rating
    assert after.negative.iloc[0] == before.negative.iloc[0]
    assert after.sentiment.iloc[0] == "负面"
    assert not after.negative.iloc[1:].equals(before.negative.iloc[1:])  # the others did learn from it


def test_same_input_same_output():
    texts, ratings = corpus()
    first, second = learn_sentiment(texts, ratings), learn_sentiment(texts, ratings)
    assert first.negative.equals(second.negative) and first.sentiment.equals(second.sentiment)


def test_disagreements_find_ratings_that_contradict_the_words_most_doubtful_first():
    negative = pd.Series([0.95, 0.9, 0.1, 0.05, 0.2, 0.85, 0.5, np.nan])
    ratings = pd.Series([1, 5, 5, 1, 5, 2, 5, 1], dtype=float)
    found = find_disagreements(negative, ratings, limit=5)
    # rated 1 while P(neg) = 0.05 (support 0.05), then rated 5 while P(neg) = 0.9 (support 0.1)
    assert found["position"].tolist() == [3, 1]
    assert found["label"].tolist() == ["负面", "正面"]
    assert found["text_negative"].tolist() == [0.05, 0.9]
    assert find_disagreements(negative, ratings, limit=1)["position"].tolist() == [3]


def test_a_scarce_class_lowers_its_own_threshold_and_more_likely_than_not_always_counts():
    # negatives rated 1 get P(neg) 0.4 on average: a 5-point comment at 0.42 reaches that class's threshold
    negative = pd.Series([0.3, 0.5, 0.42, 0.1, 0.05, 0.2])
    ratings = pd.Series([1, 1, 5, 5, 5, 5], dtype=float)
    # (and the 1-point comment at 0.3 is more likely positive than not: the least supported, first)
    assert find_disagreements(negative, ratings, limit=5)["position"].tolist() == [0, 2]
    # a very confident model (thresholds 0.95): 0.55 on a 5-point comment is still more likely negative than not
    confident = pd.Series([0.97, 0.93, 0.55, 0.02, 0.03, 0.04])
    assert find_disagreements(confident, ratings, limit=5)["position"].tolist() == [2]


def test_probabilities_are_kept_to_four_decimals():
    texts, ratings = corpus()
    for learned in (learn_sentiment(texts, ratings), learn_sentiment(texts.iloc[:8], ratings.iloc[:8])):  # stacked, prior alone
        values = learned.negative.dropna().to_numpy()
        assert values.dtype == np.float64 and np.array_equal(values, np.round(values, 4))


def test_an_empty_period_has_no_sentiment():
    learned = learn_sentiment(pd.Series([], dtype=object), pd.Series([], dtype=float))
    assert learned.method == "prior" and learned.negative.empty and learned.sentiment.empty
