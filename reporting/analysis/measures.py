"""Improvement measures tracked to their targets (闭环验证): readings, statuses, and the test of each change.

A measure is a recommendation remembered: the rule that proposed it (``dimension:score_speed``,
``problem:响应速度``, ``agent:V03``), the slice, the period it was first proposed in, its
baseline (value and n), target, owner and deadline. Each later report reads the measure's
metric again (``Reading``) and judges it at the period's end:

- ``met`` 已达成 — the target is reached (a problem's share at or below it, a score at or above);
- ``missed`` 逾期未达成 — the period reached the deadline and the target is not reached;
- ``open`` 进行中 — neither yet;
- ``closed`` 已关闭 — a person closed it (in the workbook's 改进措施 sheet).

The change since the baseline is tested like a period change (two-proportion z for a
share, Welch's t from the two summaries for a mean); a report's measure tests form one
family (``measure``), corrected with Benjamini–Hochberg at the report's q.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

from reporting.analysis.compare import Change, compare_proportions, with_q
from reporting.analysis.multiplicity import DEFAULT_Q, HypothesisTest

STATUSES = ("open", "met", "missed", "closed")
ACTIVE = ("open", "missed")  # a measure still being worked on: a recommendation of its rule refers to it
FAMILY = "measure"
GOES_DOWN = ("problem",)  # kinds whose metric should fall (a problem's share); the others should rise


@dataclass(frozen=True)
class Reading:
    """A measure's metric in one period.

    Attributes:
        value: the mean score, or the share of valid responses for a problem.
        n: the responses behind it.
        sd: the standard deviation of the scores (None for a share).
    """

    value: float
    n: int
    sd: float | None = None

    @property
    def count(self) -> int:
        """For a share: how many responses it counts."""
        return round(self.value * self.n)


@dataclass(frozen=True)
class Measure:
    """A measure as the store remembers it.

    Attributes:
        id: ``rule@slice#first period`` — stable across reruns.
        rule: what it measures, ``kind:subject``.
        slice: the slice it belongs to (``service_type=售后维修``), "" for the whole centre.
        first_period: the first day of the period that first proposed it.
        baseline: the metric in that period.
        target: the value to reach by ``deadline``.
        status: the status last judged or set by a person (``STATUSES``).
        met_period: the first period it was judged ``met`` in (None: never).
        closed_at: when a person closed it (None: not closed).
        note: the staff's 备注.
        slice_label: the slice as a reader sees it (服务类型 = 售后维修), "" for the whole centre.
    """

    id: str
    rule: str
    slice: str
    action: str
    owner: str
    deadline: date
    first_period: date
    baseline: Reading
    target: float
    status: str = "open"
    met_period: date | None = None
    closed_at: pd.Timestamp | None = None
    note: str = ""
    slice_label: str = ""

    def days_over(self, day: date) -> int:
        """Days ``day`` is past the deadline (0 until then)."""
        return max(0, (day - self.deadline).days)

    @property
    def kind(self) -> str:
        return self.rule.split(":", 1)[0]

    @property
    def subject(self) -> str:
        return self.rule.split(":", 1)[1]


@dataclass(frozen=True)
class Progress:
    """A measure judged in one report period.

    Attributes:
        current: the metric this period (None: nothing to read, e.g. an agent without responses).
        change: current against baseline with its test and q (None: not testable).
        status: ``open``, ``met``, ``missed`` or ``closed`` at the period's end.
        days_left: days from the period's end to the deadline (negative: past it).
    """

    measure: Measure
    current: Reading | None
    change: Change | None
    status: str
    days_left: int


def rule_key(kind: str, subject: str) -> str:
    """The rule a recommendation comes from: ``problem:响应速度``."""
    return f"{kind}:{subject}"


def measure_id(rule: str, slice_key: str, first_period: date) -> str:
    """A measure's stable id: the rule, the slice (``全部`` for the whole centre) and the first period's start.

    >>> measure_id("problem:响应速度", "", date(2026, 11, 9))
    'problem:响应速度@全部#2026-11-09'
    """
    return f"{rule}@{slice_key or '全部'}#{first_period.isoformat()}"


def reached(kind: str, value: float, target: float) -> bool:
    """Whether a value reaches its target: a problem's share at or below it, a score at or above it (to the rounding shown)."""
    if kind in GOES_DOWN:
        return round(value, 3) <= round(target, 3)
    return round(value, 2) >= round(target, 2)


def judge(measure: Measure, current: Reading | None, period_start: date, period_end: date) -> str:
    """A measure's status at the end of a period.

    Closed by a person before the period ended: ``closed``. Reached in this period, or
    already reached in an earlier one: ``met``. Else ``missed`` once the period's end has
    reached the deadline (the report of the week holding the deadline is its last chance),
    ``open`` until then.
    """
    if measure.closed_at is not None and measure.closed_at.date() <= period_end:
        return "closed"
    if measure.met_period is not None and measure.met_period < period_start:
        return "met"
    if current is not None and reached(measure.kind, current.value, measure.target):
        return "met"
    return "missed" if measure.deadline <= period_end else "open"


def tracked(measure: Measure, period_start: date) -> bool:
    """Whether a report of the period starting ``period_start`` tracks the measure.

    It tracks measures proposed in earlier periods that were neither met in an earlier
    period nor closed by a person before the period began.
    """
    if measure.first_period >= period_start:
        return False
    if measure.met_period is not None and measure.met_period < period_start:
        return False
    return measure.closed_at is None or measure.closed_at.date() >= period_start


def compare_readings(kind: str, current: Reading, baseline: Reading) -> Change | None:
    """The change from baseline to now with its test: two-proportion z for a share, Welch's t for a mean."""
    if kind in GOES_DOWN:
        return compare_proportions(current.count, current.n, baseline.count, baseline.n)
    return welch_from_summaries(current, baseline)


def welch_from_summaries(current: Reading, baseline: Reading) -> Change | None:
    """Welch's t from two means, standard deviations and sizes (None with fewer than two values or no spread)."""
    if current.sd is None or baseline.sd is None or current.n < 2 or baseline.n < 2:
        return None
    from scipy import stats  # imported on use, like compare_means

    result = stats.ttest_ind_from_stats(current.value, current.sd, current.n, baseline.value, baseline.sd, baseline.n, equal_var=False)
    statistic, p = float(result.statistic), float(result.pvalue)
    if math.isnan(p):
        return None
    return Change(current.value, baseline.value, current.value - baseline.value, "Welch t", statistic, p, current.n, baseline.n)


def track(
    measures: list[Measure],
    readings: dict[str, Reading],
    period_start: date,
    period_end: date,
    q_level: float = DEFAULT_Q,
) -> tuple[Progress, ...]:
    """Judge the measures a report tracks, each change tested against its baseline, corrected as one family.

    Args:
        measures: the slice's stored measures.
        readings: ``rule → Reading`` for this period (``period_readings``: every score,
            every problem type of the taxonomy — 0 when nobody mentioned it — and the
            themes found this period). A rule without a reading (a theme not found again,
            a type no longer in the taxonomy, an agent without responses) has no current
            value: it stays open, or becomes missed at its deadline, never met.
        period_start: the report period's first day.
        period_end: its last day.
        q_level: the report's false discovery rate.

    Returns:
        The tracked measures, those past their deadline first, then by deadline and id.
    """
    chosen = sorted((m for m in measures if tracked(m, period_start)), key=lambda m: (m.deadline, m.id))
    currents = {m.id: readings.get(m.rule) for m in chosen}
    changes = with_q({m.id: compare_readings(m.kind, currents[m.id], m.baseline) if currents[m.id] else None for m in chosen}, q_level)
    return tuple(
        Progress(m, currents[m.id], changes[m.id], judge(m, currents[m.id], period_start, period_end), (m.deadline - period_end).days)
        for m in chosen
    )


def measure_tests(progress: tuple[Progress, ...]) -> list[HypothesisTest]:
    """The measures' changes as the report's tests (family ``measure``)."""
    return [
        HypothesisTest(
            FAMILY,
            p.measure.id,
            p.change.test,
            p.change.statistic,
            p.change.n_current + p.change.n_previous,
            p.change.p,
            p.change.q,
            p.change.delta,
        )  # fmt: skip
        for p in progress
        if p.change is not None
    ]


def period_readings(
    valid: pd.DataFrame, ranking: pd.DataFrame, dimensions: tuple[str, ...], types: tuple[str, ...] = ()
) -> dict[str, Reading]:
    """Every metric a measure may track, read from one period's valid responses.

    Args:
        valid: the period's valid responses.
        ranking: problem types and themes with ``type`` and ``count`` (``problem_ranking``).
        dimensions: the score fields.
        types: the taxonomy's problem types: each is read, 0 when nobody mentioned it (a
            discovered theme is read only when found again, under the same name).

    Returns:
        ``dimension:<field>`` (mean, n, sd), ``problem:<type or theme>`` (share of valid
        responses, n) and ``agent:<visitor>`` (mean satisfaction of the agent's customers).
    """
    readings: dict[str, Reading] = {rule_key("problem", name): Reading(0.0, len(valid)) for name in types}
    for field in dimensions:
        if field in valid:
            readings[rule_key("dimension", field)] = _mean_reading(valid[field])
    for row in ranking.itertuples(index=False):
        readings[rule_key("problem", str(row.type))] = Reading(int(row.count) / len(valid) if len(valid) else 0.0, len(valid))
    if "visitor" in valid:
        for agent, scores in valid.groupby("visitor", sort=True)["overall_satisfaction"]:
            readings[rule_key("agent", str(agent))] = _mean_reading(scores)
    return {key: reading for key, reading in readings.items() if reading.n}


def _mean_reading(scores: pd.Series) -> Reading:
    answered = scores.dropna().astype(float)
    if answered.empty:
        return Reading(0.0, 0)
    sd = float(answered.std(ddof=1)) if len(answered) > 1 else None
    return Reading(float(answered.mean()), len(answered), sd)
