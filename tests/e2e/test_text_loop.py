"""The analyst's loop: run → read the discovered themes → adopt the suggested types → rerun → coverage rises."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml

from reporting.config import VOCAB_DIR
from reporting.export.files import write_records_csv
from tests.conftest import WEEK, run_cli, weekly_args

pytestmark = pytest.mark.e2e  # runs the weekly report twice

NEW_COMPLAINTS = [
    "门禁卡刷不开大门，进不了小区",
    "门禁卡又刷不开了，每次都要等保安",
    "大门门禁卡刷不开，很不方便",
    "门禁卡失灵，大门刷不开",
    "刷门禁卡大门还是不开，已经第三次了",
    "门禁卡刷了好几次大门都不开",
]


def export_with_new_complaints(records: pd.DataFrame, path):
    frame = records.astype(object)
    in_week = frame.index[frame["visit_at"].between(f"{WEEK[0]} 00:00", f"{WEEK[1]} 23:59") & frame["status"].eq("完成")]
    for row, text in zip(in_week[::5], NEW_COMPLAINTS, strict=False):
        frame.loc[row, ["comment", "suggestion", "overall_satisfaction", "nps"]] = [text, None, 1, 2]
    write_records_csv(frame, path)
    return path


def run_week(source, out, *extra):
    result = run_cli(*weekly_args(source, "-p", "followup_store", "none", "--output-dir", str(out), *extra))
    assert result.returncode == 0, result.stderr
    return out / "weekly" / f"{WEEK[0]}_{WEEK[1]}"


def test_adopting_the_suggested_types_raises_the_coverage(small_records, tmp_path):
    source = export_with_new_complaints(small_records, tmp_path / "export.csv")
    first = run_week(source, tmp_path / "first")
    metrics = json.loads((first / "metrics.json").read_text(encoding="utf-8"))
    door = [t for t in metrics["themes"] if "门禁卡" in t["keywords"]]
    assert sum(t["count"] for t in door) == len(NEW_COMPLAINTS) and all(len(t["record_ids"]) == t["count"] for t in door)
    html = (first / "report.html").read_text(encoding="utf-8")
    assert "自动发现的问题主题" in html and "问题归类覆盖率" in html

    suggestions = yaml.safe_load((first / "taxonomy_suggestions.yaml").read_text(encoding="utf-8"))["types"]
    adopted = {name: entry for name, entry in suggestions.items() if "门禁卡" in entry["keywords"]}
    assert adopted
    taxonomy = yaml.safe_load((VOCAB_DIR / "taxonomy.yaml").read_text(encoding="utf-8"))
    keywords = sorted({k for entry in adopted.values() for k in entry["keywords"]})
    taxonomy["types"]["门禁故障"] = {"keywords": keywords, "patterns": []}  # the analyst merges and renames them
    mine = tmp_path / "my_taxonomy.yaml"
    mine.write_text(yaml.safe_dump(taxonomy, allow_unicode=True, sort_keys=False), encoding="utf-8")

    second = run_week(source, tmp_path / "second", "-p", "taxonomy", str(mine))
    after = json.loads((second / "metrics.json").read_text(encoding="utf-8"))
    before_cov, after_cov = metrics["text"]["coverage"], after["text"]["coverage"]
    assert after_cov["total"] == before_cov["total"]
    assert after_cov["classified"] == before_cov["classified"] + len(NEW_COMPLAINTS)  # the six planted complaints, nothing else
    assert after_cov["share"] > before_cov["share"]
    assert [p["count"] for p in after["problems"] if p["type"] == "门禁故障"] == [len(NEW_COMPLAINTS)]
    assert not [t for t in after["themes"] if "门禁卡" in t["keywords"]]
