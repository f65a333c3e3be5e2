"""Multiplicity control in numbers: on stationary data the corrected report rarely calls a change; an uncorrected 0.05 rule often does."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from reporting.analysis.compare import period_changes
from reporting.analysis.metrics import DIMENSION_FIELDS
from tests.conftest import PROJ_ROOT

WEEKS = 300  # simulated pairs of weeks, every one stationary (both weeks drawn from the same population)


def stationary_week(rng: np.random.Generator, n: int = 250) -> pd.DataFrame:
    """A week of follow-ups from one fixed population: the same score and answer distributions every week."""
    scores = {field: rng.choice([1, 2, 3, 4, 5], size=n, p=[0.05, 0.1, 0.2, 0.35, 0.3]) for field in DIMENSION_FIELDS}
    return pd.DataFrame(
        {
            "status": rng.choice(["完成", "未接通", "拒访"], size=n, p=[0.8, 0.15, 0.05]),
            "nps": rng.choice(np.arange(11), size=n),
            "first_contact_resolved": rng.choice(["是", "否"], size=n, p=[0.7, 0.3]),
            **scores,
        }
    ).assign(valid=lambda f: f["status"].eq("完成"))


def test_corrected_changes_stay_near_q_while_uncorrected_ones_cry_wolf():
    rng = np.random.default_rng(20261203)
    corrected_alarms = uncorrected_alarms = 0
    for _ in range(WEEKS):
        changes = [c for c in period_changes(stationary_week(rng), stationary_week(rng), DIMENSION_FIELDS).values() if c is not None]
        corrected_alarms += any(c.significant for c in changes)
        uncorrected_alarms += any(c.p is not None and c.p < 0.05 for c in changes)
    # under the global null the false discovery rate is the chance of any false call: at most q = 0.10
    assert corrected_alarms / WEEKS <= 0.13
    assert uncorrected_alarms / WEEKS >= 2 * corrected_alarms / WEEKS and uncorrected_alarms / WEEKS >= 0.2


def test_a_real_change_is_still_found():
    rng = np.random.default_rng(7)
    before = stationary_week(rng, 300)
    now = stationary_week(rng, 300)
    now["score_speed"] = np.clip(now["score_speed"] - 1, 1, 5)  # response speed collapses by a point
    assert period_changes(now, before, DIMENSION_FIELDS)["score_speed"].significant


def test_every_p_in_the_weekly_metrics_has_its_q():
    metrics = json.loads((PROJ_ROOT / "tests" / "golden" / "weekly_metrics.json").read_text(encoding="utf-8"))
    found = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "p" in node:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(metrics)
    assert len(found) >= 12 and all("q" in entry for entry in found)
