"""Relative weights pinned on cases with known answers."""

import numpy as np
import pandas as pd
import pytest

from reporting.analysis.drivers import analyse_drivers, relative_weights


def test_orthogonal_predictors_get_their_squared_correlations():
    x1 = np.array([1, -1, 1, -1] * 3, dtype=float)
    x2 = np.array([1, 1, -1, -1] * 3, dtype=float)
    y = 0.6 * x1 + 0.8 * x2
    assert relative_weights(np.column_stack([x1, x2]), y) == pytest.approx([0.36, 0.64])


def test_weights_sum_to_r_squared_with_correlated_predictors():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(400, 3))
    x[:, 1] += 0.8 * x[:, 0]
    y = x @ np.array([0.5, 0.3, 0.0]) + rng.normal(scale=0.5, size=400)
    weights = relative_weights(x, y)
    fitted = np.column_stack([np.ones(400), x]) @ np.linalg.lstsq(np.column_stack([np.ones(400), x]), y, rcond=None)[0]
    r_squared = 1 - ((y - fitted) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert weights.sum() == pytest.approx(r_squared)
    assert (weights >= 0).all() and weights[2] < 0.01


def test_analysis_ranks_the_real_driver_first_with_a_stable_interval():
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({"speed": rng.integers(1, 6, 300), "attitude": rng.integers(1, 6, 300)}).astype(float)
    frame["overall_satisfaction"] = (0.8 * frame["speed"] + 0.2 * frame["attitude"] + rng.normal(0, 0.3, 300)).round().clip(1, 5)
    first = analyse_drivers(frame, ("speed", "attitude"))
    assert [d.field for d in first.drivers] == ["speed", "attitude"]
    top = first.drivers[0]
    assert top.low <= top.share <= top.high and top.share > 0.8
    assert analyse_drivers(frame, ("speed", "attitude")) == first  # seeded bootstrap
    assert analyse_drivers(frame.head(20), ("speed", "attitude")) is None
