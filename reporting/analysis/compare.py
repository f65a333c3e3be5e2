"""Period-over-period comparisons with the test behind each one.

- NPS: two-sample z on the respondent scores (+1 promoter, 0 passive, −1 detractor):
  z = (NPS₁ − NPS₂) / √(SE₁² + SE₂²), SE = √((pP + pD − (pP − pD)²) / n).
- Rates (CSAT, participation, FCR …): two-proportion z with the pooled proportion.
- Means (satisfaction, score dimensions): Welch's t with Welch–Satterthwaite df.

The tests of one report form families corrected together (``multiplicity``): every
period change is one family (``period_change``), every segment against the rest of the
period another (``segment``). A change is called a rise or a fall only when its
Benjamini–Hochberg q passes the report's level (0.10 unless the params say otherwise);
p < 0.05 without that is exploratory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pandas as pd

from reporting.analysis.multiplicity import DEFAULT_Q, HypothesisTest, adjust_p_values, decide
from reporting.domain import VISIT_COMPLETED, YES


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
        q: the Benjamini–Hochberg adjusted p-value within the report's family of period
            changes (None until the family is corrected, or when untested).
        q_level: the false discovery rate the report accepts.
    """

    current: float
    previous: float
    delta: float
    test: str
    statistic: float | None
    p: float | None
    n_current: int
    n_previous: int
    q: float | None = None
    q_level: float = DEFAULT_Q

    @property
    def decision(self) -> str:
        """``significant``, ``exploratory``, ``none`` or ``untested`` (``multiplicity.decide``)."""
        return decide(self.p, self.q, self.q_level)

    @property
    def significant(self) -> bool:
        """Whether the change may be called a rise or a fall: its q passes the report's level."""
        return self.decision == "significant"

    @property
    def exploratory(self) -> bool:
        """p < 0.05 but not after correction: said as such, never called a change."""
        return self.decision == "exploratory"


def two_sided_normal_p(z: float) -> float:
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
        two_sided_normal_p(z) if z is not None else None,
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
        p_now, p_before, p_now - p_before, "two-proportion z", z, two_sided_normal_p(z) if z is not None else None, n_now, n_before
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


def period_changes(
    now: pd.DataFrame, before: pd.DataFrame, dimensions: tuple[str, ...], q_level: float = DEFAULT_Q
) -> dict[str, Change | None]:
    """Every headline KPI of this period against the previous one, each with its test, corrected as one family.

    Args:
        now: the report period's records (all statuses, with ``valid``).
        before: the previous period's records.
        dimensions: the score fields to compare (means).
        q_level: the false discovery rate accepted (Benjamini–Hochberg over all these tests).

    Returns:
        ``{kpi: Change or None}`` for satisfaction, CSAT, NPS, participation, valid
        response, first-contact resolution and each score dimension, each with its q.
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
    return with_q(changes, q_level)


def with_q(changes: dict[str, Change | None], q_level: float = DEFAULT_Q) -> dict[str, Change | None]:
    """The changes of one family with their Benjamini–Hochberg q (m = the changes actually tested)."""
    keys = [key for key, change in changes.items() if change is not None]
    q_values = adjust_p_values([changes[key].p for key in keys])  # type: ignore[union-attr]
    corrected = dict(changes)
    for key, q in zip(keys, q_values, strict=True):
        corrected[key] = replace(changes[key], q=q, q_level=q_level)  # type: ignore[type-var]
    return corrected


def change_tests(changes: dict[str, Change | None], family: str = "period_change") -> list[HypothesisTest]:
    """The changes as the report's list of tests (the ones that could be run)."""
    return [
        HypothesisTest(family, key, c.test, c.statistic, c.n_current + c.n_previous, c.p, c.q, c.delta)
        for key, c in changes.items()
        if c is not None
    ]


def segment_tests(records: pd.DataFrame, fields: tuple[str, ...], min_n: int) -> list[HypothesisTest]:
    """Each segment's satisfaction against the rest of the period (Welch t), corrected as one family ``segment``.

    Only segments a report shows are tested (at least ``min_n`` valid responses, and a
    rest of at least two); the subject is ``field=value``.

    Args:
        records: the period's records (all statuses, with ``valid``).
        fields: the segment fields (``service_type``, ``visitor`` …) present or not.
        min_n: the smallest segment shown.
    """
    valid = records.loc[records["valid"]]
    tests = []
    for field in (f for f in fields if f in valid):
        for value, group in valid.groupby(field, sort=True):
            rest = valid.loc[valid[field].ne(value)]
            if len(group) < min_n or len(rest) < 2:
                continue
            change = compare_means(group["overall_satisfaction"], rest["overall_satisfaction"])
            if change is not None:
                tests.append(
                    HypothesisTest(
                        "segment", f"{field}={value}", change.test, change.statistic, len(group) + len(rest), change.p, None, change.delta
                    )
                )
    q_values = adjust_p_values([test.p for test in tests])
    return [replace(test, q=q) for test, q in zip(tests, q_values, strict=True)]
