"""Period-over-period tests pinned to hand-computed values."""

import math

import pandas as pd
import pytest

from reporting.analysis.compare import compare_means, compare_nps, compare_proportions, period_changes, segment_tests, with_q


def test_two_proportion_z_by_hand():
    # 30/50 vs 20/50: pooled 0.5, SE = sqrt(0.25 × (1/50 + 1/50)) = 0.1, z = 0.2 / 0.1 = 2
    change = compare_proportions(30, 50, 20, 50)
    assert (change.current, change.previous, change.delta) == pytest.approx((0.6, 0.4, 0.2))
    assert change.statistic == pytest.approx(2.0)
    assert change.p == pytest.approx(0.0455003, abs=1e-6)
    assert change.q is None and not change.significant  # a change is judged only within its family
    alone = with_q({"csat": change})["csat"]  # a family of one: q = p
    assert alone.q == pytest.approx(change.p) and alone.significant and alone.test == "two-proportion z"
    assert compare_proportions(1, 0, 1, 5) is None


def test_nps_two_sample_z_by_hand():
    # now: 10,10,9,5 → NPS 50, SE = 100·sqrt(0.75/4); before: 10,6,6,6,8 → NPS −40, SE = 100·sqrt(0.64/5)
    change = compare_nps(pd.Series([10, 10, 9, 5]), pd.Series([10, 6, 6, 6, 8, None]))
    assert (change.current, change.previous, change.delta) == pytest.approx((50.0, -40.0, 90.0))
    z = 90 / math.hypot(100 * math.sqrt(0.75 / 4), 100 * math.sqrt(0.64 / 5))
    assert change.statistic == pytest.approx(z) == pytest.approx(1.602296, abs=1e-6)
    assert change.p == pytest.approx(0.109090, abs=1e-6)
    assert not with_q({"nps": change})["nps"].significant
    assert (change.n_current, change.n_previous) == (4, 5)


def test_welch_t_by_hand():
    # means 4 and 2.5, variances 1 and 5/3: t = 1.5 / sqrt(1/3 + 5/12) = 1.7321, df = 4.959
    change = compare_means(pd.Series([3, 4, 5]), pd.Series([1, 2, 3, 4]))
    assert change.statistic == pytest.approx(math.sqrt(3))
    assert change.p == pytest.approx(0.144293, abs=1e-6)
    assert change.delta == pytest.approx(1.5) and change.test == "Welch t"
    assert compare_means(pd.Series([3.0]), pd.Series([1.0, 2.0])) is None


def test_empty_periods_give_no_comparison():
    assert compare_nps(pd.Series([], dtype=float), pd.Series([9, 10])) is None


def test_a_family_of_changes_is_corrected_together():
    # p 0.0455 (z = 2) alone passes q = 0.10; beside two changes with p ≈ 0.3 and 0.9 it has q = 0.1365: exploratory
    changes = with_q(
        {"csat": compare_proportions(30, 50, 20, 50), "a": compare_proportions(26, 50, 21, 50), "b": compare_proportions(25, 50, 25, 50)}
    )
    assert changes["csat"].q == pytest.approx(3 * 0.0455003 / 1, abs=1e-6)
    assert changes["csat"].exploratory and not changes["csat"].significant
    assert changes["b"].decision == "none" and changes["b"].q == pytest.approx(1.0)


def test_period_changes_and_segments_carry_their_q():
    def records(scores, service):
        return pd.DataFrame({"status": "完成", "valid": True, "overall_satisfaction": scores, "nps": 8, "service_type": service})

    now = pd.concat([records([5, 5, 4, 5, 4] * 4, "安装"), records([1, 2, 2, 1, 2] * 4, "维修")], ignore_index=True)
    before = pd.concat([records([4, 3, 4, 5, 4] * 4, "安装"), records([4, 5, 4, 3, 4] * 4, "维修")], ignore_index=True)
    changes = period_changes(now, before, ("overall_satisfaction",))
    tested = [c for c in changes.values() if c is not None and c.p is not None]
    assert tested and all(c.q is not None and c.q >= c.p for c in tested)
    segments = segment_tests(now, ("service_type", "visitor"), min_n=10)
    assert [s.subject for s in segments] == ["service_type=安装", "service_type=维修"]  # no visitor field: not tested
    assert all(s.family == "segment" and s.q is not None and s.decision() == "significant" for s in segments)
    assert segment_tests(now, ("service_type",), min_n=21) == []  # segments too small to be shown are not tested
