"""Measure the problem taxonomy and the sentiment lexicon on real text nobody here wrote.

The 300 ASAP restaurant reviews (../shared/data/asap, Apache-2.0) carry human
aspect-level labels. Mapped onto our problem types:

  服务态度  ← service_waiters_attitude = −1
  响应速度  ← service_serving_speed = −1 or service_wait_time = −1
  价格异议  ← price_level / price_cost_effective / price_discount = −1

Prints precision and recall per mapped label (a review counts as predicted when the
taxonomy tags it), and the text-only sentiment against the customer's star rating.
The vocabulary is built from the customer-service domain, never from these sentences.

    .venv/bin/python benchmarks/asap_eval.py [--csv PATH] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from reporting.config import PROJ_ROOT
from reporting.text.classify import normalise_wording, tag_problems
from reporting.text.sentiment import load_lexicon, text_polarity
from reporting.vocab import load_taxonomy

DEFAULT_CSV = PROJ_ROOT.parent / "shared" / "data" / "asap" / "asap_samples_300.csv"
GOLD = {
    "服务态度": ["service_waiters_attitude"],
    "响应速度": ["service_serving_speed", "service_wait_time"],
    "价格异议": ["price_level", "price_cost_effective", "price_discount"],
}


def evaluate(reviews: pd.DataFrame) -> dict[str, object]:
    """Precision/recall per mapped label and sentiment agreement with the stars."""
    texts = normalise_wording(reviews["reviewbody"].str.replace("\\n", "，", regex=False))
    tags = tag_problems(texts, load_taxonomy())
    labels = {}
    for problem, columns in GOLD.items():
        gold = reviews[columns].eq(-1).any(axis=1)
        predicted = tags[problem]
        hits = int((gold & predicted).sum())
        labels[problem] = {
            "gold": int(gold.sum()),
            "predicted": int(predicted.sum()),
            "true_positive": hits,
            "precision": round(hits / predicted.sum(), 3) if predicted.sum() else None,
            "recall": round(hits / gold.sum(), 3) if gold.sum() else None,
        }
    lexicon = load_lexicon()
    polarity = texts.map(lambda t: text_polarity(t, lexicon))
    by_text = polarity.map(lambda p: "正面" if p[0] > p[1] else "负面" if p[1] > p[0] else "中性")
    by_star = reviews["star"].map(lambda s: "负面" if s <= 2 else "中性" if s == 3 else "正面")
    sentiment = {}
    for name in ("正面", "负面"):
        predicted, gold = by_text.eq(name), by_star.eq(name)
        hits = int((predicted & gold).sum())
        sentiment[name] = {
            "gold": int(gold.sum()),
            "predicted": int(predicted.sum()),
            "precision": round(hits / predicted.sum(), 3) if predicted.sum() else None,
            "recall": round(hits / gold.sum(), 3) if gold.sum() else None,
        }
    return {"reviews": len(reviews), "taxonomy_version": load_taxonomy().version, "problem_types": labels, "sentiment_vs_stars": sentiment}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--json", type=Path, default=None)
    arguments = parser.parse_args()
    result = evaluate(pd.read_csv(arguments.csv))
    print(f"ASAP 300 条真实评论 · 分类表版本 {result['taxonomy_version']}")
    print(f"{'标签':<8}{'人工负面':>8}{'命中':>6}{'预测':>6}{'精确率':>8}{'召回率':>8}")
    for name, row in result["problem_types"].items():
        print(f"{name:<8}{row['gold']:>10}{row['true_positive']:>8}{row['predicted']:>8}{row['precision']!s:>10}{row['recall']!s:>10}")
    for name, row in result["sentiment_vs_stars"].items():
        print(f"情感{name:<6}{row['gold']:>10}{'':>8}{row['predicted']:>8}{row['precision']!s:>10}{row['recall']!s:>10}")
    if arguments.json:
        arguments.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
