"""Key-driver analysis: which score dimensions move overall satisfaction.

Johnson's relative weights (2000): the predictors are replaced by their closest
orthogonal counterparts, the outcome is regressed on those, and the explained variance
(R²) is split back onto the original predictors. Unlike standardised betas, the weights
stay sensible when the dimensions are correlated (they always are in surveys), are
never negative and add up to R². 95 % intervals come from a seeded bootstrap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_RESPONSES = 30
BOOTSTRAP_SAMPLES = 200
BOOTSTRAP_SEED = 20261116


@dataclass(frozen=True)
class Driver:
    """One dimension's importance for the outcome.

    Attributes:
        field: the score dimension.
        weight: its raw relative weight (part of R²).
        share: ``weight / R²``, the share of the explained variance.
        low: 2.5th bootstrap percentile of ``share``.
        high: 97.5th bootstrap percentile of ``share``.
    """

    field: str
    weight: float
    share: float
    low: float
    high: float


@dataclass(frozen=True)
class DriverAnalysis:
    """Relative importance of every dimension, strongest first."""

    drivers: tuple[Driver, ...]
    r_squared: float
    n: int


def relative_weights(predictors: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """Johnson's raw relative weights (they sum to the R² of the full regression).

    Args:
        predictors: n × p values.
        outcome: n values.

    Returns:
        p weights.
    """
    data = np.column_stack([predictors, outcome])
    correlations = np.corrcoef(data, rowvar=False)
    r_xx, r_xy = correlations[:-1, :-1], correlations[:-1, -1]
    eigenvalues, eigenvectors = np.linalg.eigh(r_xx)
    root = eigenvectors @ np.diag(np.sqrt(np.clip(eigenvalues, 0, None))) @ eigenvectors.T
    betas = np.linalg.pinv(root) @ r_xy
    return (root**2) @ (betas**2)


def analyse_drivers(valid: pd.DataFrame, dimensions: tuple[str, ...], outcome: str = "overall_satisfaction") -> DriverAnalysis | None:
    """Relative importance of the score dimensions for overall satisfaction.

    Args:
        valid: valid responses.
        dimensions: the candidate drivers (score fields).
        outcome: the field they should explain.

    Returns:
        The analysis, or None with fewer than ``MIN_RESPONSES`` complete responses or
        when a dimension does not vary.
    """
    present = [d for d in dimensions if d in valid]
    complete = valid[[*present, outcome]].dropna().astype(float)
    if len(complete) < MIN_RESPONSES or len(present) < 2 or (complete.std() == 0).any():
        return None
    x, y = complete[present].to_numpy(), complete[outcome].to_numpy()
    weights = relative_weights(x, y)
    r_squared = float(weights.sum())
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    shares = []
    for _ in range(BOOTSTRAP_SAMPLES):
        rows = rng.integers(0, len(complete), len(complete))
        sample_x, sample_y = x[rows], y[rows]
        if (sample_x.std(axis=0) == 0).any() or sample_y.std() == 0:
            continue
        sample = relative_weights(sample_x, sample_y)
        shares.append(sample / sample.sum())
    bounds = np.percentile(np.array(shares), [2.5, 97.5], axis=0)
    drivers = [
        Driver(field, float(weights[i]), float(weights[i] / r_squared), float(bounds[0, i]), float(bounds[1, i]))
        for i, field in enumerate(present)
    ]
    drivers.sort(key=lambda d: (-d.share, present.index(d.field)))
    return DriverAnalysis(tuple(drivers), r_squared, len(complete))
