"""Metrics with explicit numerators, denominators and intervals.

Formulas (see ../shared/TOOLING.md and the methods note in the report):
- NPS = 100·(P − D)/n; its 95 % interval is the adjusted Wald interval
  (n' = n + 3, pP' = (P + ¾)/n', pD' = (D + ¾)/n').
- CSAT = share of 4-5 on the 1-5 overall satisfaction scale; Wilson 95 % interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from reporting.domain import VISIT_COMPLETED, VISIT_REFUSED, VISIT_RESCHEDULED, VISIT_UNREACHABLE, YES
from reporting.text.classify import SCORE_BANDS, score_band

Z95 = 1.959963984540054
DIMENSION_FIELDS = ("overall_satisfaction", "score_speed", "score_professional", "score_clarity", "score_attitude")

INDICATIVE_BELOW = 30  # a KPI on fewer valid responses is marked as indicative only


@dataclass(frozen=True)
class Rate:
    """A proportion with its parts: ``value = numerator / denominator`` (None when n = 0)."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True)
class Interval:
    """A point estimate with its 95 % interval and sample size."""

    value: float | None
    low: float | None
    high: float | None
    n: int


@dataclass(frozen=True)
class NpsResult:
    """NPS with its composition and 95 % interval (points, −100..100)."""

    value: float | None
    low: float | None
    high: float | None
    n: int
    promoters: int
    passives: int
    detractors: int


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval for a proportion.

    Args:
        successes: count of successes.
        n: number of trials.
        z: the normal quantile (1.96 for 95 %).

    Returns:
        ``(low, high)`` as fractions, or None when ``n`` is 0.
    """
    if n == 0:
        return None
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def compute_nps(answers: pd.Series) -> NpsResult:
    """Net Promoter Score of 0-10 answers, with the adjusted-Wald 95 % interval.

    Args:
        answers: likelihood-to-recommend answers; missing values are ignored.

    Returns:
        The NPS in points, its interval clipped to −100..100, n and the group counts.
    """
    valid = answers.dropna()
    n = int(valid.size)
    promoters = int((valid >= 9).sum())
    detractors = int((valid <= 6).sum())
    if n == 0:
        return NpsResult(None, None, None, 0, 0, 0, 0)
    adjusted_n = n + 3
    p_pro = (promoters + 0.75) / adjusted_n
    p_det = (detractors + 0.75) / adjusted_n
    centre = p_pro - p_det
    se = math.sqrt((p_pro + p_det - centre**2) / adjusted_n)
    return NpsResult(
        value=100 * (promoters - detractors) / n,
        low=max(-100.0, 100 * (centre - Z95 * se)),
        high=min(100.0, 100 * (centre + Z95 * se)),
        n=n,
        promoters=promoters,
        passives=n - promoters - detractors,
        detractors=detractors,
    )


def compute_csat(scores: pd.Series) -> Interval:
    """CSAT: the share of 4-5 ratings on a 1-5 scale, with a Wilson 95 % interval."""
    valid = scores.dropna()
    n = int(valid.size)
    satisfied = int((valid >= 4).sum())
    bounds = wilson_interval(satisfied, n)
    if bounds is None:
        return Interval(None, None, None, 0)
    return Interval(satisfied / n, bounds[0], bounds[1], n)


def compute_mean(scores: pd.Series) -> Interval:
    """Mean of a score with a normal-approximation 95 % interval (None below n = 2)."""
    valid = scores.dropna()
    n = int(valid.size)
    if n == 0:
        return Interval(None, None, None, 0)
    mean = float(valid.mean())
    if n < 2:
        return Interval(mean, None, None, n)
    half = Z95 * float(valid.std(ddof=1)) / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, n)


def count_sample(records: pd.DataFrame) -> dict[str, int]:
    """Attempted, completed, refused, unreachable and valid counts of a period's records."""
    status = records["status"]
    return {
        "attempted": int(len(records)),
        "completed": int(status.eq(VISIT_COMPLETED).sum()),
        "refused": int(status.eq(VISIT_REFUSED).sum()),
        "unreachable": int(status.eq(VISIT_UNREACHABLE).sum()),
        "rescheduled": int(status.eq(VISIT_RESCHEDULED).sum()),
        "valid": int(records["valid"].sum()),
    }


def band_shares(scores: pd.Series) -> dict[str, float]:
    """Share of each score band (不满意 1-2 / 一般 3-4 / 非常满意 5) among answered scores."""
    bands = score_band(scores.dropna())
    n = len(bands)
    return {band: (float((bands == band).sum()) / n if n else 0.0) for band in SCORE_BANDS}


def score_distribution(valid: pd.DataFrame, fields: tuple[str, ...]) -> pd.DataFrame:
    """Share of each score 1-5 per dimension (rows: dimensions, columns: 1..5)."""
    rows = {}
    for field in fields:
        answered = valid[field].dropna()
        counts = answered.value_counts().reindex([1.0, 2.0, 3.0, 4.0, 5.0], fill_value=0)
        rows[field] = (counts / max(1, len(answered))).to_numpy()
    return pd.DataFrame.from_dict(rows, orient="index", columns=[1, 2, 3, 4, 5])


def yes_rate(answers: pd.Series) -> Rate:
    """Share of 是 among the answered 是/否/不确定 values."""
    answered = answers.dropna()
    return Rate(int(answered.eq(YES).sum()), int(answered.size))


def breakdown(records: pd.DataFrame, by: str, min_n: int) -> pd.DataFrame:
    """Sample counts, rates, satisfaction and NPS per segment.

    Args:
        records: the period's records (all statuses).
        by: the segment field (service_type, visitor, channel …).
        min_n: segments with fewer valid responses get ``shown = False``.

    Returns:
        One row per segment, ordered by attempted contacts (descending) then name.
    """
    rows = []
    for segment, group in records.groupby(by, dropna=False, sort=True):
        sample = count_sample(group)
        valid = group.loc[group["valid"]]
        nps = compute_nps(valid["nps"])
        rows.append(
            {
                by: "（未填写）" if pd.isna(segment) else segment,
                **{k: sample[k] for k in ("attempted", "completed", "valid")},
                "participation_rate": Rate(sample["completed"], sample["attempted"]).value,
                "satisfaction_mean": compute_mean(valid["overall_satisfaction"]).value,
                "csat": compute_csat(valid["overall_satisfaction"]).value,
                "nps": nps.value,
                "shown": sample["valid"] >= min_n,
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return frame.sort_values(["attempted", by], ascending=[False, True], kind="stable").reset_index(drop=True)


COMPLAINT_SERVICE = "投诉处理"
LATE_COLUMNS = ["record_id", "service_type", "visitor", "hours", "reason"]


def check_timeliness(
    records: pd.DataFrame, earliest_h: float = 24, latest_h: float = 72, complaint_h: float = 2
) -> tuple[Rate, pd.DataFrame]:
    """Whether each follow-up came on time after its service.

    A follow-up is on time 24-72 h after the service was completed; a complaint's
    follow-up within 2 h of its resolution. Records without both times are not judged.

    Args:
        records: the period's records (all statuses: an attempt counts).
        earliest_h: too early before this many hours.
        latest_h: too late after this many hours.
        complaint_h: complaints are late after this many hours.

    Returns:
        The on-time rate, and the follow-ups that were not on time (``LATE_COLUMNS``,
        latest first).
    """
    if "service_completed_at" not in records:
        return Rate(0, 0), pd.DataFrame(columns=LATE_COLUMNS)
    judged = records.dropna(subset=["service_completed_at", "visit_at"])
    hours = (judged["visit_at"] - judged["service_completed_at"]).dt.total_seconds() / 3600
    complaint = judged["service_type"].eq(COMPLAINT_SERVICE)
    reason = pd.Series(None, index=judged.index, dtype="object")
    reason[complaint & (hours > complaint_h)] = f"投诉超过 {complaint_h:g} 小时才回访"
    reason[~complaint & (hours < earliest_h)] = f"服务后不足 {earliest_h:g} 小时"
    reason[~complaint & (hours > latest_h)] = f"服务后超过 {latest_h:g} 小时"
    late = judged.loc[reason.notna()].assign(hours=hours.round(1), reason=reason)
    late = (
        late.reindex(columns=LATE_COLUMNS)
        .sort_values(["hours", "record_id"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    return Rate(len(judged) - len(late), len(judged)), late
