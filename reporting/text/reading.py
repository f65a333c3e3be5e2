"""Reading a period's comments: problem types, learned sentiment, themes and how much is heard.

One pass over the valid responses' words gives everything the report says about them:
the taxonomy's problem types, the sentiment learned from the ratings (out of fold), the
feedback type, the records whose rating and words disagree, the themes discovered among
the dissatisfied voices the taxonomy left untyped, and the coverage gauge — how much of
what dissatisfied customers wrote the problem types (and the themes) carry.

A dissatisfied voice (``dissatisfied_voices``) is a comment of a response rated 1-3, or
negative or a complaint by its words — unless its words are positive and no complaint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from reporting.domain import COMPLAINT, NEGATIVE, POSITIVE
from reporting.text.classify import feedback_text, problem_distribution, tag_problems
from reporting.text.demand import tag_customers
from reporting.text.learned import LearnedSentiment, find_disagreements, learn_sentiment
from reporting.text.sentiment import classify_feedback
from reporting.text.themes import Embedder, Theme, discover_themes
from reporting.vocab import Taxonomy

HISTORY_LIMIT = 10_000  # earlier responses the sentiment model may learn from, most recent first
DISAGREEMENT_SHARE = 0.10  # the contradictions listed for second verification: at most this share of valid responses
DISSATISFIED_AT_MOST = 3  # a response rated this or lower is a dissatisfied voice, whatever its words' sentiment
LOW_COVERAGE = 0.8  # below this the report says plainly that many complaints fall outside the taxonomy


@dataclass(frozen=True)
class TextCoverage:
    """How much of the dissatisfied voices the problem types carry (问题归类覆盖率).

    Attributes:
        classified: dissatisfied voices (``dissatisfied_voices``) that got a problem type.
        themed: of the others, those that belong to a discovered theme.
        total: dissatisfied voices (non-empty comments).
    """

    classified: int
    themed: int
    total: int

    @property
    def share(self) -> float | None:
        return self.classified / self.total if self.total else None

    @property
    def share_with_themes(self) -> float | None:
        return (self.classified + self.themed) / self.total if self.total else None


@dataclass(frozen=True)
class CommentReading:
    """What the period's comments say.

    Attributes:
        texts: comment and suggestion per valid response.
        tags: problem types (one boolean column per type).
        feedback: ``sentiment``, ``feedback_type``, ``contradiction`` per response.
        customer_tags: boolean customer tags.
        distribution: problem types by mentions (``type``, ``count``, ``share``).
        focus: how many problem types each response mentions.
        learned: the learned sentiment (probabilities, method, examples).
        disagreements: ratings their words contradict, most doubtful first.
        themes: themes among the untyped dissatisfied voices (positions into the responses).
        theme_of: the theme of each response the taxonomy left untyped (None otherwise).
        coverage: the coverage gauge.
        complaints: which responses are dissatisfied voices (``dissatisfied_voices``).
        grouping: how the themes were grouped: ``words`` or ``embeddings`` (by meaning).
    """

    texts: pd.Series
    tags: pd.DataFrame
    feedback: pd.DataFrame
    customer_tags: pd.DataFrame
    distribution: pd.DataFrame
    focus: pd.Series
    learned: LearnedSentiment
    disagreements: pd.DataFrame
    themes: tuple[Theme, ...]
    theme_of: pd.Series
    coverage: TextCoverage
    complaints: pd.Series
    grouping: str = "words"


def comment_history(records: pd.DataFrame, before: date, limit: int = HISTORY_LIMIT) -> pd.DataFrame:
    """Earlier valid responses' words and ratings (most recent first), for the sentiment model to learn from.

    Args:
        records: every cleaned record loaded (the trend window, or the store's pull).
        before: the report period's first day; only responses before it are history.
        limit: at most this many.

    Returns:
        ``text`` and ``rating`` columns.
    """
    earlier = records.loc[records["valid"] & (records["visit_at"] < pd.Timestamp(before))]
    return history_of(earlier.sort_values("visit_at", ascending=False, kind="stable").head(limit))


def history_of(responses: pd.DataFrame) -> pd.DataFrame:
    """Responses (with ``comment`` / ``suggestion`` and ``overall_satisfaction``) as the model's ``text`` and ``rating``, in order."""
    return pd.DataFrame({"text": feedback_text(responses).to_numpy(dtype=object), "rating": responses["overall_satisfaction"].to_numpy()})


def read_comments(
    valid: pd.DataFrame, taxonomy: Taxonomy, history: pd.DataFrame | None = None, embed: Embedder | None = None
) -> CommentReading:
    """Read the valid responses' words (index: a RangeIndex, as ``select_records`` gives).

    Args:
        valid: the period's valid responses.
        taxonomy: the problem taxonomy.
        history: earlier responses' ``text`` and ``rating`` (``comment_history``).
        embed: group themes by the meaning of these embeddings (``embedding.embed``); None: by words.

    Returns:
        The reading.
    """
    texts = feedback_text(valid)
    tags = tag_problems(texts, taxonomy)
    ratings = valid["overall_satisfaction"]
    learned = learn_sentiment(texts, ratings, history)
    feedback = classify_feedback(texts, ratings, tags.any(axis=1), learned.sentiment)
    has_words = texts.fillna("").str.strip().ne("")
    complaints = dissatisfied_voices(has_words, ratings, feedback)
    typed = tags.any(axis=1) if len(tags.columns) else pd.Series(False, index=valid.index)
    themes, theme_of = _themes(texts, complaints & ~typed, texts[has_words], embed)
    return CommentReading(
        texts=texts,
        tags=tags,
        feedback=feedback,
        customer_tags=tag_customers(valid, texts, feedback["feedback_type"], tags),
        distribution=problem_distribution(tags, len(valid)),
        focus=tags.sum(axis=1),
        learned=learned,
        disagreements=find_disagreements(learned.negative, ratings, limit=max(1, int(len(valid) * DISAGREEMENT_SHARE))),
        themes=themes,
        theme_of=theme_of,
        coverage=TextCoverage(int((complaints & typed).sum()), int(theme_of[complaints].notna().sum()), int(complaints.sum())),
        complaints=complaints,
        grouping="words" if embed is None else "embeddings",
    )


def dissatisfied_voices(has_words: pd.Series, ratings: pd.Series, feedback: pd.DataFrame) -> pd.Series:
    """The responses whose words are a problem to hear: rated 1-3, or negative or a complaint by their words.

    A comment with positive sentiment that is no complaint is not a problem, whatever its
    rating (the rating's side of that disagreement is the 二次核实清单's business).

    Args:
        has_words: whether each response has words.
        ratings: overall satisfaction 1-5 (or missing).
        feedback: ``sentiment`` and ``feedback_type`` per response (``classify_feedback``).

    Returns:
        A boolean mask, same index.
    """
    complaint = feedback["feedback_type"].eq(COMPLAINT)
    unhappy = ratings.le(DISSATISFIED_AT_MOST) | feedback["sentiment"].eq(NEGATIVE) | complaint
    praise = feedback["sentiment"].eq(POSITIVE) & ~complaint
    return has_words & unhappy & ~praise


def _themes(texts: pd.Series, untyped: pd.Series, corpus: pd.Series, embed: Embedder | None) -> tuple[tuple[Theme, ...], pd.Series]:
    """Themes of the untyped dissatisfied voices (positions into all responses) and each response's theme.

    Boilerplate is judged on ``corpus``, the period's comments with words; ``embed``: group by meaning.
    """
    positions = untyped.to_numpy().nonzero()[0]
    found = discover_themes(texts.iloc[positions].reset_index(drop=True), corpus=corpus, embed=embed)
    themes = tuple(Theme(t.name, t.keywords, tuple(int(positions[p]) for p in t.positions)) for t in found)
    theme_of = pd.Series(None, index=texts.index, dtype=object)
    for theme in themes:
        theme_of.iloc[list(theme.positions)] = theme.name
    return themes, theme_of


def problem_ranking(reading: CommentReading, respondents: int) -> pd.DataFrame:
    """Problem types and discovered themes ranked together (the TOP-3 counts both).

    Returns:
        ``type`` (a theme as 主题「…」), ``count``, ``share`` of valid responses and ``kind``
        (``type`` / ``theme``), most frequent first; ties in the taxonomy's order, themes after.
    """
    typed = reading.distribution.assign(kind="type")
    themes = pd.DataFrame(
        {
            "type": [theme_label(t.name) for t in reading.themes],
            "count": [len(t.positions) for t in reading.themes],
            "share": [len(t.positions) / respondents if respondents else 0.0 for t in reading.themes],
            "kind": "theme",
        }
    )
    ranking = pd.concat([frame for frame in (typed, themes) if not frame.empty], ignore_index=True) if len(themes) else typed
    if ranking.empty:
        return pd.DataFrame(columns=["type", "count", "share", "kind"])
    # ties keep the taxonomy's order, then the themes' (the same order 问题分析 lists them in)
    return ranking.sort_values("count", ascending=False, kind="stable").reset_index(drop=True)


def theme_label(name: str) -> str:
    """How a theme is named beside the problem types: 主题「快递·三天·没到」."""
    return f"主题「{name}」"
