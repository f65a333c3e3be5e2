"""Recommendation rules files: every mistake an analyst can make gets one line naming the file, rule and field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reporting.config import VOCAB_DIR
from reporting.errors import UserInputError
from reporting.vocab import load_rules

BUNDLED = (VOCAB_DIR / "recommendations.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: "", "是空的或不是映射"),
        (lambda t: t.replace("score_speed:", "score_sped:"), "dimensions 下有未知的名称 score_sped：可用的有 overall_satisfaction、"),
        (lambda t: t.replace("due_in_days: 28", "due_in_days: -5", 1), "dimensions.score_speed 的 due_in_days 值 -5 须为不小于 0 的整数"),
        (lambda t: t.replace("below: 4.2", "below: abc", 1), "dimensions.score_speed 的 below 值 'abc' 不是数字"),
        (lambda t: t.replace("    owner: 客服主管\n", "", 1), "缺少 owner"),
        (lambda t: t.replace("  emerging:", "  emergent:"), "themes 下有未知的名称 emergent：可用的有 emerging"),
    ],
    ids=["empty", "misspelt dimension", "negative deadline", "not a number", "missing owner", "misspelt theme rule"],
)
def test_a_broken_rules_file_is_refused_naming_what(tmp_path: Path, change, message):
    path = tmp_path / "rules.yaml"
    path.write_text(change(BUNDLED), encoding="utf-8")
    with pytest.raises(UserInputError, match=message):
        load_rules(path)


def test_the_bundled_rules_are_typed_and_an_edit_is_read_again(tmp_path: Path):
    rules = load_rules()
    assert rules.dimensions["score_speed"].below == 4.2 and rules.dimensions["score_speed"].due_in_days == 28
    assert rules.emerging_theme is not None and rules.lagging_agent is not None
    path = tmp_path / "rules.yaml"
    path.write_text(BUNDLED, encoding="utf-8")
    assert load_rules(path).dimensions["score_speed"].below == 4.2
    path.write_text(BUNDLED.replace("below: 4.2", "below: 4.5", 1), encoding="utf-8")
    import os

    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert load_rules(path).dimensions["score_speed"].below == 4.5  # the analyst's edit shows on the next run


def test_an_own_rules_file_names_problem_types_of_the_taxonomy(tmp_path: Path, small_csv: Path):
    from reporting.report import weekly
    from reporting.report.params import WeeklyParams

    week = {"period_start": date(2026, 11, 16), "period_end": date(2026, 11, 22)}

    path = tmp_path / "rules.yaml"
    path.write_text(BUNDLED.replace("  响应速度:", "  响应速率:", 1), encoding="utf-8")
    with pytest.raises(UserInputError, match="problems 下有问题分类中没有的类型 响应速率"):
        weekly.build(WeeklyParams(source=str(small_csv), **week, rules=str(path)))
