"""Metrics pinned to hand-computed values."""

import math

import pandas as pd
import pytest

from reporting.analysis.metrics import (
    Rate,
    band_shares,
    breakdown,
    compute_csat,
    compute_mean,
    compute_nps,
    count_sample,
    wilson_interval,
    yes_rate,
)


def test_nps_balanced_frame_by_hand():
    # promoters 10, 9, 9, 10 (4); passives 8, 7 (2); detractors 6, 5, 0, 3 (4); n = 10
    result = compute_nps(pd.Series([10, 9, 9, 8, 7, 6, 5, 0, 10, 3]))
    assert (result.n, result.promoters, result.passives, result.detractors) == (10, 4, 2, 4)
    assert result.value == 0.0
    # adjusted Wald: n' = 13, pP' = pD' = 4.75/13, SE = sqrt(9.5/13/13) = 0.23709
    assert result.low == pytest.approx(-46.4693, abs=1e-4)
    assert result.high == pytest.approx(46.4693, abs=1e-4)


def test_nps_skewed_frame_by_hand():
    result = compute_nps(pd.Series([10, 10, 10, 9, 8, 2, None]))
    assert result.n == 6
    assert result.value == pytest.approx(50.0)
    # n' = 9, pP' = 4.75/9, pD' = 1.75/9, centre 33.33, SE = sqrt((6.5/9 - (3/9)^2)/9)
    assert result.low == pytest.approx(-17.7391, abs=1e-4)
    assert result.high == pytest.approx(84.4058, abs=1e-4)


def test_nps_interval_is_clipped_and_empty_is_none():
    all_promoters = compute_nps(pd.Series([10] * 5))
    assert all_promoters.value == 100.0
    # adjusted Wald pulls the centre inward: n' = 8, pP' = 5.75/8, pD' = 0.75/8
    # centre 62.5, SE = sqrt((6.5/8 - 0.625^2)/8): the upper bound 107.5 is clipped to 100
    assert all_promoters.high == 100.0
    assert all_promoters.low == pytest.approx(17.4915, abs=1e-4)
    empty = compute_nps(pd.Series([], dtype=float))
    assert (empty.value, empty.low, empty.high, empty.n) == (None, None, None, 0)


def test_wilson_interval_eight_of_ten():
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.490162, abs=1e-6)
    assert high == pytest.approx(0.943318, abs=1e-6)
    assert wilson_interval(0, 0) is None


def test_csat_is_top_two_box():
    result = compute_csat(pd.Series([5, 4, 4, 3, 2, 1, 5, 5, 4, 3, None]))
    assert result.n == 10
    assert result.value == pytest.approx(0.6)
    assert (result.low, result.high) == pytest.approx(wilson_interval(6, 10))


def test_mean_interval_by_hand():
    result = compute_mean(pd.Series([2.0, 4.0, 4.0, 5.0]))
    sd = math.sqrt(((2 - 3.75) ** 2 + 2 * (4 - 3.75) ** 2 + (5 - 3.75) ** 2) / 3)
    assert result.value == 3.75
    assert result.low == pytest.approx(3.75 - 1.959963984540054 * sd / 2)
    assert compute_mean(pd.Series([3.0])).low is None


def test_score_bands_follow_domain_cut_points():
    shares = band_shares(pd.Series([1, 2, 3, 4, 5, 5, None]))
    assert shares == {"不满意": pytest.approx(2 / 6), "一般": pytest.approx(2 / 6), "非常满意": pytest.approx(2 / 6)}


def test_rates_and_sample_counts():
    records = pd.DataFrame(
        {
            "status": ["完成", "完成", "完成", "拒访", "未接通", "改约"],
            "valid": [True, True, False, False, False, False],
        }
    )
    assert count_sample(records) == {"attempted": 6, "completed": 3, "refused": 1, "unreachable": 1, "rescheduled": 1, "valid": 2}
    assert Rate(3, 6).value == 0.5
    assert Rate(0, 0).value is None
    assert yes_rate(pd.Series(["是", "否", "不确定", "是", None])) == Rate(2, 4)


def test_breakdown_flags_small_segments():
    records = pd.DataFrame(
        {
            "service_type": ["A"] * 3 + ["B"],
            "status": ["完成", "完成", "拒访", "完成"],
            "valid": [True, True, False, True],
            "overall_satisfaction": [5.0, 3.0, None, 1.0],
            "nps": [10.0, 6.0, None, 0.0],
        }
    )
    table = breakdown(records, "service_type", min_n=2)
    assert list(table["service_type"]) == ["A", "B"]
    assert list(table["shown"]) == [True, False]
    assert table.loc[0, "participation_rate"] == pytest.approx(2 / 3)
    assert table.loc[0, "satisfaction_mean"] == 4.0
    assert table.loc[0, "nps"] == 0.0
