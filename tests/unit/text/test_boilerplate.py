"""Boilerplate learned from the comments: frequent terms spread evenly over the content clusters."""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix

from reporting.text.boilerplate import MIN_HELD, boilerplate_terms, frequent_terms, holds_boilerplate, spread_over_clusters


def test_a_term_is_frequent_by_its_share_here_or_in_the_period_and_held_by_enough_comments():
    counts = np.array([20.0, 2.0, 20.0, 14.0])
    period = np.array([0.0, 0.9, 0.0, 0.9])
    # 1000 comments: 20 is 2 % here; the second and fourth reach 90 % of the period but are held by too few here
    assert frequent_terms(counts, 1000).tolist() == [False, False, False, False]
    assert frequent_terms(counts, 1000, period).tolist() == [False, False, False, False]
    assert frequent_terms(np.array([20.0, 20.0]), 1000, np.array([0.06, 0.01])).tolist() == [True, False]
    assert frequent_terms(np.array([float(MIN_HELD)]), 40).tolist() == [True]


def test_spread_counts_the_clusters_where_a_term_keeps_its_overall_rate():
    # four clusters of ten comments; term 0 in every comment, term 1 in cluster 0 only, term 2 in half of each
    clusters = np.repeat([0, 1, 2, 3], 10)
    presence = np.zeros((40, 3))
    presence[:, 0] = 1
    presence[:10, 1] = 1
    presence[::2, 2] = 1
    spread = spread_over_clusters(csr_matrix(presence), clusters)
    # term 1's overall rate 0.25 gives 2.5 expected per cluster: under five, judged nowhere
    assert spread.tolist() == [1.0, 0.0, 1.0]


def test_a_term_concentrated_in_its_clusters_is_not_spread():
    clusters = np.repeat([0, 1, 2, 3], 20)
    presence = np.zeros((80, 1))
    presence[:20, 0] = 1  # all of cluster 0
    presence[20:26, 0] = 1  # six of cluster 1
    presence[40:46, 0] = 1
    presence[60:66, 0] = 1
    # overall 38/80 = 0.475: cluster 0 at 1.0 (over twice), the others at 0.3 (within a factor of two)
    assert spread_over_clusters(csr_matrix(presence), clusters).tolist() == [0.75]
    assert spread_over_clusters(csr_matrix(presence), np.full(80, -1)).tolist() == [0.0]


def test_boilerplate_is_frequent_and_spread_and_taints_every_phrase_holding_it():
    terms = [("谢谢",), ("房间",), ("要求", "处理")]
    found = boilerplate_terms(terms, np.array([True, True, True]), np.array([1.0, 0.5, 0.75]))
    assert found == {("谢谢",), ("要求", "处理")}
    assert holds_boilerplate(("谢谢", "师傅"), found)
    assert holds_boilerplate(("客户", "要求", "处理"), found)
    assert not holds_boilerplate(("要求", "退款"), found)
