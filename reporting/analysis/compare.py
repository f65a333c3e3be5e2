"""Period-over-period comparisons with the test behind each one.

- NPS: two-sample z on the respondent scores (+1 promoter, 0 passive, −1 detractor):
  z = (NPS₁ − NPS₂) / √(SE₁² + SE₂²), SE = √((pP + pD − (pP − pD)²) / n).
- Rates (CSAT, participation, FCR …): two-proportion z with the pooled proportion.
- Means (satisfaction, score dimensions): Welch's t with Welch–Satterthwaite df.

A change is called a rise or a fall only when p < ``ALPHA``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from reporting.domain import VISIT_COMPLETED, YES

ALPHA = 0.05


@dataclass(frozen=True)
class Change:
    """A KPI now against the previous period, with its test.

    Attributes:
        current: the value in the report period.
        previous: the value in the previous period of equal length.
        delta: ``current − previous`` (points for NPS, fractions for rates).
        test: ``two-sample z``, ``two-proportion z`` or ``Welch t``.
        statistic: the z or t value.
        p: the two-sided p-value.
        n_current: the sample behind ``current``.
        n_previous: the sample behind ``previous``.
    """

    current: float
    previous: float
    delta: float
    test: str
    statistic: float | None
    p: float | None
    n_current: int
    n_previous: int

    @property
    def significant(self) -> bool:
        """Whether the difference is unlikely to be noise (p < 0.05)."""
        return self.p is not None and self.p < ALPHA


def _two_sided_normal_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


def compare_nps(current: pd.Series, previous: pd.Series) -> Change | None:
    """Compare the NPS of two independent periods (0-10 answers); None if either is empty."""
    now, before = current.dropna(), previous.dropna()
    if now.empty or before.empty:
        return None

    def parts(answers: pd.Series) -> tuple[float, float]:
        promoters = float((answers >= 9).mean())
        detractors = float((answers <= 6).mean())
        variance = promoters + detractors - (promoters - detractors) ** 2
        return 100 * (promoters - detractors), 100 * math.sqrt(variance / len(answers))

    (value_now, se_now), (value_before, se_before) = parts(now), parts(before)
    spread = math.hypot(se_now, se_before)
    z = (value_now - value_before) / spread if spread else None
    return Change(
        value_now,
        value_before,
        value_now - value_before,
        "two-sample z",
        z,
        _two_sided_normal_p(z) if z is not None else None,
        len(now),
        len(before),
    )


def compare_proportions(successes_now: int, n_now: int, successes_before: int, n_before: int) -> Change | None:
    """Two-proportion z test (pooled); None if either period has no observations."""
    if n_now == 0 or n_before == 0:
        return None
    p_now, p_before = successes_now / n_now, successes_before / n_before
    pooled = (successes_now + successes_before) / (n_now + n_before)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n_now + 1 / n_before))
    z = (p_now - p_before) / spread if spread else None
    return Change(
        p_now, p_before, p_now - p_before, "two-proportion z", z, _two_sided_normal_p(z) if z is not None else None, n_now, n_before
    )


def compare_means(current: pd.Series, previous: pd.Series) -> Change | None:
    """Welch's t test of two means; None if either period has fewer than two values."""
    now, before = current.dropna().astype(float), previous.dropna().astype(float)
    if len(now) < 2 or len(before) < 2:
        return None
    from scipy import stats  # imported here: only Welch tests need it, and it is slow to import

    result = stats.ttest_ind(now, before, equal_var=False)
    statistic = None if math.isnan(result.statistic) else float(result.statistic)
    p = None if math.isnan(result.pvalue) else float(result.pvalue)
    return Change(
        float(now.mean()), float(before.mean()), float(now.mean() - before.mean()), "Welch t", statistic, p, len(now), len(before)
    )


def _yes_counts(answers: pd.Series) -> tuple[int, int]:
    answered = answers.dropna()
    return int(answered.eq(YES).sum()), int(answered.size)


def _top_two(scores: pd.Series) -> tuple[int, int]:
    answered = scores.dropna()
    return int((answered >= 4).sum()), int(answered.size)


def period_changes(now: pd.DataFrame, before: pd.DataFrame, dimensions: tuple[str, ...]) -> dict[str, Change | None]:
    """Every headline KPI of this period against the previous one, each with its test.

    Args:
        now: the report period's records (all statuses, with ``valid``).
        before: the previous period's records.
        dimensions: the score fields to compare (means).

    Returns:
        ``{kpi: Change or None}`` for satisfaction, CSAT, NPS, participation, valid
        response, first-contact resolution and each score dimension.
    """
    valid_now, valid_before = now.loc[now["valid"]], before.loc[before["valid"]]

    def completed(frame: pd.DataFrame) -> tuple[int, int]:
        return int(frame["status"].eq(VISIT_COMPLETED).sum()), len(frame)

    def valid_of_completed(frame: pd.DataFrame) -> tuple[int, int]:
        return int(frame["valid"].sum()), int(frame["status"].eq(VISIT_COMPLETED).sum())

    changes: dict[str, Change | None] = {
        "nps": compare_nps(valid_now["nps"], valid_before["nps"]),
        "csat": compare_proportions(*_top_two(valid_now["overall_satisfaction"]), *_top_two(valid_before["overall_satisfaction"])),
        "participation": compare_proportions(*completed(now), *completed(before)),
        "valid_response": compare_proportions(*valid_of_completed(now), *valid_of_completed(before)),
    }
    if "first_contact_resolved" in now:
        changes["first_contact_resolution"] = compare_proportions(
            *_yes_counts(valid_now["first_contact_resolved"]), *_yes_counts(valid_before["first_contact_resolved"])
        )
    for field in dimensions:
        if field in now:
            changes[field] = compare_means(valid_now[field], valid_before[field])
    return changes
