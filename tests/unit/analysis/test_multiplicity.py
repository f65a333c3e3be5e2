"""Benjamini–Hochberg within each family, and the words a test's outcome earns."""

from __future__ import annotations

import pytest

from reporting.analysis.multiplicity import HypothesisTest, adjust_p_values, correct_families, decide, family_sizes


def test_q_values_match_a_hand_computed_benjamini_hochberg():
    # sorted p 0.01, 0.03, 0.04, 0.2 (m = 4): q = min over later ranks of p·m/rank
    q = adjust_p_values([0.01, 0.04, 0.03, 0.2])
    assert q == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.2])


def test_untested_values_count_for_nothing():
    assert adjust_p_values([None, 0.02, float("nan"), 0.04]) == pytest.approx([None, 0.04, None, 0.04])
    assert adjust_p_values([None, None]) == [None, None]
    assert adjust_p_values([]) == []


def test_each_family_is_corrected_on_its_own():
    results = [
        HypothesisTest("period_change", "nps", "two-sample z", 2.5, 600, 0.01),
        HypothesisTest("segment", "service_type=售后维修", "Welch t", -2.0, 120, 0.04),
        HypothesisTest("period_change", "csat", "two-proportion z", 1.0, 600, 0.30),
        HypothesisTest("period_change", "participation", "two-proportion z", None, 0, None),
    ]
    corrected = correct_families(results)
    assert [r.q for r in corrected] == pytest.approx([0.02, 0.04, 0.30, None])
    assert family_sizes(corrected) == {"period_change": 2, "segment": 1}


@pytest.mark.parametrize(
    ("p", "q", "word"),
    [(0.001, 0.01, "significant"), (0.04, 0.10, "significant"), (0.04, 0.12, "exploratory"), (0.2, 0.4, "none"), (None, None, "untested")],
)
def test_the_decision_names_what_may_be_said(p, q, word):
    assert decide(p, q, 0.10) == word
