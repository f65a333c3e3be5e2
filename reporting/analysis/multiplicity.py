"""Multiplicity control: every test a report runs belongs to a declared family, whose p-values are corrected together.

A weekly report runs dozens of tests (KPIs × dimensions × segments, each slice again); at
p < 0.05 several fire by chance every week. Each family's p-values are corrected with
Benjamini–Hochberg (statsmodels ``multipletests(method="fdr_bh")`` — named explicitly:
its default is Holm–Šidák), which keeps the expected share of false discoveries among
the changes called at most q. A change is called a rise or a fall only when its q passes;
``p < 0.05`` without that is exploratory (探索性), said in words, never called a change.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

METHOD = "fdr_bh"
METHOD_NAME = "Benjamini–Hochberg"
DEFAULT_Q = 0.10  # the false discovery rate a report accepts unless its params say otherwise
EXPLORATORY_P = 0.05  # an uncorrected p below this, not passing q, is reported as exploratory


@dataclass(frozen=True)
class HypothesisTest:
    """One statistical test a report ran, in its family.

    Attributes:
        family: the family it is corrected with (``period_change``, ``segment`` …).
        subject: what was tested (``nps``, ``service_type=售后维修`` …).
        test: ``two-sample z``, ``two-proportion z`` or ``Welch t``.
        statistic: the z or t value (None when undefined, e.g. no variance).
        n: the observations behind it (both sides).
        p: the two-sided p-value (None: not tested).
        q: the Benjamini–Hochberg adjusted p-value within the family (None: not tested).
        delta: the difference tested (current − previous, segment − rest).
    """

    family: str
    subject: str
    test: str
    statistic: float | None
    n: int
    p: float | None
    q: float | None = None
    delta: float | None = None

    def decision(self, q_level: float = DEFAULT_Q) -> str:
        """``significant`` (q passes), ``exploratory`` (p < 0.05 only), ``none``, or ``untested``."""
        return decide(self.p, self.q, q_level)


def decide(p: float | None, q: float | None, q_level: float = DEFAULT_Q) -> str:
    """The word for a test's outcome: ``significant`` when ``q ≤ q_level``, ``exploratory`` when only ``p < 0.05``.

    Args:
        p: the test's p-value, None when not tested.
        q: its adjusted p-value within its family.
        q_level: the false discovery rate accepted.
    """
    if p is None or q is None:
        return "untested"
    if q <= q_level:
        return "significant"
    return "exploratory" if p < EXPLORATORY_P else "none"


def adjust_p_values(p_values: Sequence[float | None]) -> list[float | None]:
    """Benjamini–Hochberg q-values for one family, in the order given (None and NaN stay None and count for nothing).

    Args:
        p_values: the family's p-values; m is the number that are not None.

    Returns:
        One q per p.
    """
    tested = [i for i, p in enumerate(p_values) if p is not None and not math.isnan(p)]
    adjusted: list[float | None] = [None] * len(p_values)
    if not tested:
        return adjusted
    from statsmodels.stats.multitest import multipletests  # imported on use: its import is ~0.5 s

    _, q_values, _, _ = multipletests([float(p_values[i]) for i in tested], alpha=DEFAULT_Q, method=METHOD)  # type: ignore[arg-type]
    for i, q in zip(tested, q_values, strict=True):
        adjusted[i] = float(q)
    return adjusted


def correct_families(results: Sequence[HypothesisTest]) -> tuple[HypothesisTest, ...]:
    """Every result with its q, each family corrected on its own, in the order given."""
    families: dict[str, list[int]] = {}
    for index, result in enumerate(results):
        families.setdefault(result.family, []).append(index)
    corrected = list(results)
    for members in families.values():
        for index, q in zip(members, adjust_p_values([results[i].p for i in members]), strict=True):
            corrected[index] = replace(results[index], q=q)
    return tuple(corrected)


def family_sizes(results: Sequence[HypothesisTest]) -> dict[str, int]:
    """m per family: how many tests were actually run (a p-value exists)."""
    sizes: dict[str, int] = {}
    for result in results:
        if result.p is not None:
            sizes[result.family] = sizes.get(result.family, 0) + 1
    return sizes
