"""Measures judged against their targets: ids, statuses, which are tracked, and the test of each change."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from reporting.analysis.measures import (
    Measure,
    Reading,
    judge,
    measure_id,
    measure_tests,
    period_readings,
    reached,
    track,
    tracked,
    welch_from_summaries,
)

WEEK46, WEEK47, WEEK48 = date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)


def _measure(rule: str = "problem:响应速度", **changes: object) -> Measure:
    values = {
        "id": measure_id(rule, "", WEEK46),
        "rule": rule,
        "slice": "",
        "action": "调整排班",
        "owner": "运营主管",
        "deadline": date(2026, 12, 13),
        "first_period": WEEK46,
        "baseline": Reading(0.2, 200),
        "target": 0.14,
    }
    return Measure(**(values | changes))  # type: ignore[arg-type]


def test_the_id_names_rule_slice_and_first_period():
    assert measure_id("problem:响应速度", "", WEEK46) == "problem:响应速度@全部#2026-11-09"
    assert measure_id("dimension:score_speed", "service_type=售后维修", WEEK47) == "dimension:score_speed@service_type=售后维修#2026-11-16"


def test_a_share_is_reached_downwards_and_a_score_upwards_to_the_rounding_shown():
    assert reached("problem", 0.1404, 0.14) and not reached("problem", 0.1406, 0.14)
    assert reached("dimension", 3.995, 4.0) and not reached("dimension", 3.99, 4.0)
    assert reached("agent", 4.2, 4.1)


@pytest.mark.parametrize(
    ("current", "period", "changes", "status"),
    [
        (Reading(0.18, 200), (WEEK47, date(2026, 11, 22)), {}, "open"),
        (Reading(0.12, 200), (WEEK47, date(2026, 11, 22)), {}, "met"),
        (Reading(0.18, 200), (date(2026, 12, 14), date(2026, 12, 20)), {}, "missed"),  # the deadline (12-13) passed
        (Reading(0.18, 200), (date(2026, 12, 7), date(2026, 12, 13)), {}, "missed"),  # the week holding the deadline: last chance
        (Reading(0.18, 200), (date(2026, 11, 30), date(2026, 12, 6)), {}, "open"),
        (None, (date(2026, 12, 14), date(2026, 12, 20)), {}, "missed"),
        (Reading(0.18, 200), (WEEK47, date(2026, 11, 22)), {"closed_at": pd.Timestamp("2026-11-20 10:00")}, "closed"),
        (Reading(0.18, 200), (WEEK47, date(2026, 11, 22)), {"closed_at": pd.Timestamp("2026-11-25 10:00")}, "open"),
        (Reading(0.30, 200), (WEEK48, date(2026, 11, 29)), {"met_period": WEEK47}, "met"),
    ],
)
def test_the_status_at_a_periods_end(current, period, changes, status):
    assert judge(_measure(**changes), current, *period) == status


def test_a_report_tracks_earlier_measures_until_met_or_closed():
    assert not tracked(_measure(), WEEK46)  # the period that proposed it shows it as a recommendation
    assert tracked(_measure(), WEEK47)
    assert tracked(_measure(met_period=WEEK47), WEEK47)  # the week it was met shows it met
    assert not tracked(_measure(met_period=WEEK47), WEEK48)
    assert not tracked(_measure(closed_at=pd.Timestamp("2026-11-20 10:00")), WEEK48)
    assert tracked(_measure(closed_at=pd.Timestamp("2026-11-20 10:00")), WEEK47)  # closed within the week: shown closed


def test_welch_from_summaries_equals_scipy_on_the_raw_scores():
    rng = np.random.default_rng(3)
    now, before = rng.integers(1, 6, 80).astype(float), rng.integers(1, 6, 120).astype(float)
    change = welch_from_summaries(Reading(now.mean(), len(now), now.std(ddof=1)), Reading(before.mean(), len(before), before.std(ddof=1)))
    expected = stats.ttest_ind(now, before, equal_var=False)
    assert change.statistic == pytest.approx(expected.statistic)
    assert change.p == pytest.approx(expected.pvalue)
    assert change.delta == pytest.approx(now.mean() - before.mean())
    assert welch_from_summaries(Reading(4.0, 1, None), Reading(3.0, 50, 1.0)) is None


def test_tracking_tests_each_change_and_corrects_them_as_one_family():
    problem = _measure()
    score = _measure("dimension:score_speed", baseline=Reading(3.5, 100, 1.0), target=4.0, id="score")
    gone = _measure("problem:支付体验", baseline=Reading(0.05, 200), target=0.03, id="gone")
    theme = _measure("problem:主题「回电·当天」", baseline=Reading(0.02, 200), target=0.01, id="theme")
    readings = {
        "problem:响应速度": Reading(0.1, 200),
        "dimension:score_speed": Reading(3.7, 100, 1.0),
        "problem:支付体验": Reading(0.0, 200),  # a taxonomy type nobody mentioned reads 0 (period_readings)
    }
    progress = {p.measure.id: p for p in track([problem, score, gone, theme], readings, WEEK47, date(2026, 11, 22), 0.1)}
    assert (progress[gone.id].current, progress[gone.id].status) == (Reading(0.0, 200), "met")
    assert (progress[theme.id].current, progress[theme.id].change, progress[theme.id].status) == (None, None, "open")
    two_proportion = progress[problem.id].change
    assert two_proportion.test == "two-proportion z" and two_proportion.delta == pytest.approx(-0.1)
    pooled = 0.15
    z = -0.1 / np.sqrt(pooled * (1 - pooled) * (2 / 200))
    assert two_proportion.statistic == pytest.approx(z)
    p_values = [progress[i].change.p for i in (problem.id, score.id, gone.id)]
    ranked = sorted(p_values)
    assert max(p.change.q for p in progress.values() if p.change) == pytest.approx(ranked[-1])  # BH: the largest p stays
    assert progress[score.id].days_left == (date(2026, 12, 13) - date(2026, 11, 22)).days
    assert {t.family for t in measure_tests(tuple(progress.values()))} == {"measure"}


def test_readings_of_a_period():
    valid = pd.DataFrame({"score_speed": [5, 4, 3, None], "visitor": ["A", "A", "B", "B"], "overall_satisfaction": [5, 3, 4, 2]})
    ranking = pd.DataFrame({"type": ["响应速度"], "count": [1]})
    readings = period_readings(valid, ranking, ("score_speed", "score_attitude"), ("响应速度", "支付体验"))
    assert readings["problem:支付体验"] == Reading(0.0, 4)
    assert readings["dimension:score_speed"] == Reading(4.0, 3, 1.0)
    assert "dimension:score_attitude" not in readings
    assert readings["problem:响应速度"] == Reading(0.25, 4)
    assert readings["agent:A"] == Reading(4.0, 2, pytest.approx(np.sqrt(2)))
