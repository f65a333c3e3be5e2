"""Synthetic follow-up records for demos and tests.

The generator draws a latent satisfaction per contact and derives every score from it,
so scores correlate with each other, with NPS and with first-contact resolution. Some
weeks are slow (response-speed scores fall, customers complain about waiting) and one
agent is poor at attitude and clarity, so a report has something real to find.
Comments are composed from phrase banks per problem type and sentiment (``phrases``); the
shares, agents and names come from ``population``. All names and phone numbers are
invented. The output depends only on the arguments.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

import numpy as np
import pandas as pd

from reporting.demo.phrases import (
    AGENT_TITLES,
    CLOSERS_NEG,
    MILD_REMARKS,
    MIXED_OPENERS,
    NEGATIVE_CORES,
    NEUTRAL_CORES,
    OPENERS_NEG,
    PRAISE_CLOSERS,
    PRAISE_CORES,
    PRAISE_OPENERS,
    PRIVATE_TAILS,
    REFUSAL_COMMENTS,
    SUGGESTIONS,
)
from reporting.demo.population import (
    AGENT_COUNT,
    BAD_AGENT,
    CHANNELS,
    CUSTOMER_TYPES,
    DIMENSION_PROBLEM,
    DIMENSIONS,
    GIVEN_CHARS,
    PURPOSES,
    SERVICE_PROBLEMS,
    SERVICE_TYPES,
    STATUSES,
    SURNAMES,
)


@dataclass(frozen=True)
class DemoSpec:
    """What to generate.

    Attributes:
        weeks: number of whole Monday-Sunday weeks.
        rows_per_week: average number of follow-up contacts per week.
        seed: random seed; the same spec gives the same records.
        end: the last day of the data (its week is the last one generated).
    """

    weeks: int = 10
    rows_per_week: int = 300
    seed: int = 7
    end: date = date(2026, 11, 22)


def generate_demo_records(spec: DemoSpec) -> pd.DataFrame:
    """Generate synthetic follow-up records with canonical English column names.

    Args:
        spec: how many weeks and rows, the seed and the end date.

    Returns:
        One row per follow-up contact, sorted by visit time.
    """
    rng = np.random.default_rng(spec.seed)
    week_end = spec.end
    first_monday = week_end - timedelta(days=week_end.weekday()) - timedelta(weeks=spec.weeks - 1)
    slow_weeks = {spec.weeks - 1, max(0, spec.weeks - 5)}
    agents = [f"KF{i:03d}" for i in range(1, AGENT_COUNT + 1)]
    agent_effect = {a: float(rng.normal(0, 0.15)) for a in agents}
    customers = _customer_pool(rng, max(50, int(spec.weeks * spec.rows_per_week * 0.7)))

    rows: list[dict[str, object]] = []
    for week in range(spec.weeks):
        count = int(rng.poisson(spec.rows_per_week))
        monday = first_monday + timedelta(weeks=week)
        for _ in range(count):
            day = monday + timedelta(days=int(rng.integers(0, 7)))
            if day > week_end:
                day = week_end
            rows.append(_draw_contact(rng, day, week in slow_weeks, agents, agent_effect, customers))
    frame = pd.DataFrame(rows).sort_values("visit_at", kind="stable").reset_index(drop=True)
    days = frame["visit_at"].dt.strftime("%Y%m%d")
    frame.insert(0, "record_id", ["HF" + day + f"{i:05d}" for i, day in enumerate(days)])
    for column in ("visit_at", "service_completed_at"):
        frame[column] = frame[column].dt.strftime("%Y-%m-%d %H:%M")
    return _add_export_flaws(rng, frame)


def _add_export_flaws(rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    """Make the export as imperfect as real ones: unanswered questions, typos, repeats.

    About 3 % of completed contacts stop before the satisfaction questions, about
    0.3 % of rows carry an impossible score, and a few rows are exported twice.
    """
    flawed = frame.astype(object)
    completed = flawed.index[flawed["status"].eq("完成")]
    hung_up = rng.choice(completed, size=int(len(completed) * 0.03), replace=False)
    flawed.loc[hung_up, ["overall_satisfaction", "nps"]] = None
    typo_rows = rng.choice(completed.difference(hung_up), size=max(1, int(len(flawed) * 0.003)), replace=False)
    impossible = (0, 6, 55)
    flawed.loc[typo_rows, "overall_satisfaction"] = [impossible[int(rng.integers(0, len(impossible)))] for _ in typo_rows]
    repeats = flawed.loc[rng.choice(flawed.index, size=max(1, len(flawed) // 500), replace=False)]
    result = pd.concat([flawed, repeats]).sort_values("visit_at", kind="stable").reset_index(drop=True)
    numeric = [*DIMENSIONS, "overall_satisfaction", "nps"]
    result[numeric] = result[numeric].astype("Int64")
    return result


@dataclass(frozen=True)
class _Choices:
    """Options with the cumulative probabilities ``Generator.choice(options, p=...)`` draws from."""

    options: tuple[str, ...]
    cdf: tuple[float, ...]


def _choices(options: Sequence[str], p: Sequence[float] | np.ndarray) -> _Choices:
    """Precompute a weighted draw exactly as ``Generator.choice`` does (cumsum, normalised by its last value)."""
    cdf = np.asarray(p, dtype=np.float64).cumsum()
    cdf /= cdf[-1]
    return _Choices(tuple(options), tuple(cdf.tolist()))


@cache
def _weighted(name: str) -> _Choices:
    """The weighted draw of one of the module's share tables, normalised by their sum first."""
    weights = {
        "service": {k: v[0] for k, v in SERVICE_TYPES.items()},
        "status": STATUSES,
        "channel": CHANNELS,
    }[name]
    return _choices(list(weights), np.array(list(weights.values())) / sum(weights.values()))


def _draw(rng: np.random.Generator, choices: _Choices) -> str:
    """``str(rng.choice(options, p=p))``, drawing the same single uniform from the same stream, without its overhead."""
    return choices.options[bisect_right(choices.cdf, rng.random())]


def _one_of(rng: np.random.Generator, options: Sequence[str]) -> str:
    """``str(rng.choice(options))``: the same single integer draw from the same stream, without its overhead."""
    return options[int(rng.integers(0, len(options)))]


_CUSTOMER_TYPE_CHOICES = _choices(list(CUSTOMER_TYPES), list(CUSTOMER_TYPES.values()))
_PHONE_SECOND_DIGITS = "3456789"


def _customer_pool(rng: np.random.Generator, size: int) -> list[dict[str, str]]:
    """Invent customers: id, name, phone and type."""
    pool = []
    for i in range(size):
        surname = SURNAMES[int(rng.integers(0, len(SURNAMES)))]
        given = "".join(GIVEN_CHARS[j] for j in rng.integers(0, len(GIVEN_CHARS), size=int(rng.integers(1, 3))))
        phone = f"1{_one_of(rng, _PHONE_SECOND_DIGITS)}{int(rng.integers(0, 10**9)):09d}"
        pool.append(
            {
                "customer_id": f"CS2026{i + 1:05d}",
                "customer_name": surname + given,
                "phone": phone,
                "customer_type": _draw(rng, _CUSTOMER_TYPE_CHOICES),
            }
        )
    return pool


def _draw_contact(
    rng: np.random.Generator,
    day: date,
    slow_week: bool,
    agents: list[str],
    agent_effect: dict[str, float],
    customers: list[dict[str, str]],
) -> dict[str, object]:
    """One follow-up contact with consistent scores, status and comment."""
    customer = customers[int(rng.integers(0, len(customers)))]
    service = _draw(rng, _weighted("service"))
    agent = agents[int(rng.integers(0, len(agents)))]
    visit_at = datetime(day.year, day.month, day.day, int(rng.integers(9, 20)), int(rng.integers(0, 60)))
    if service == "投诉处理":  # complaints are called back soon after they are resolved, mostly within 2 h
        lag_hours = float(rng.uniform(0.3, 1.9)) if rng.random() > 0.15 else float(rng.uniform(2.5, 8))
    else:
        lag_hours = float(rng.uniform(20, 75)) if rng.random() > 0.08 else float(rng.uniform(76, 150))
    status = _draw(rng, _weighted("status"))
    channel = _draw(rng, _weighted("channel"))
    record: dict[str, object] = {
        **customer,
        "service_type": service,
        "service_completed_at": visit_at - timedelta(hours=lag_hours),
        "visit_at": visit_at,
        "visitor": agent,
        "channel": channel,
        "purpose": _one_of(rng, PURPOSES[service]),
        "status": status,
    }
    empty = dict.fromkeys(
        (*DIMENSIONS, "first_contact_resolved", "solution_accepted", "overall_satisfaction", "nps", "comment", "suggestion", "emotion"),
        None,
    )
    if status != "完成":
        record.update(empty)
        if status == "拒访" and rng.random() < 0.5:
            record["comment"] = _one_of(rng, REFUSAL_COMMENTS)
        return record
    record.update(_draw_answers(rng, service, agent, slow_week, agent_effect[agent], customer))
    return record


def _draw_answers(
    rng: np.random.Generator, service: str, agent: str, slow_week: bool, agent_effect: float, customer: dict[str, str]
) -> dict[str, object]:
    """A completed contact's scores, NPS, answers, comment and emotion, consistent with one latent satisfaction."""
    latent = float(rng.normal(0, 1)) + SERVICE_TYPES[service][1] + agent_effect
    effects = {d: 0.0 for d in DIMENSIONS}
    if slow_week:
        effects["score_speed"] -= 1.3
    if agent == BAD_AGENT:
        latent -= 0.3
        effects["score_attitude"] -= 1.6
        effects["score_clarity"] -= 1.0
    if service == "售后维修":
        effects["score_professional"] -= 0.3
    # plain min/max and sum/len give the same numbers as np.clip / np.mean, without their per-call overhead
    scores = {d: _clip(round(3.95 + 0.75 * latent + effects[d] + rng.normal(0, 0.55)), 1, 5) for d in DIMENSIONS}
    overall = _clip(round(sum(scores.values()) / len(scores) + 0.25 * latent + rng.normal(0, 0.35)), 1, 5)
    nps = _clip(round(2.3 * overall - 1.4 + rng.normal(0, 1.1)), 0, 10)
    fcr_yes = {1: 0.1, 2: 0.25, 3: 0.5, 4: 0.78, 5: 0.92}[overall]
    return {
        **scores,
        "overall_satisfaction": overall,
        "nps": nps,
        "first_contact_resolved": _yes_no_unsure(rng, fcr_yes),
        "solution_accepted": _yes_no_unsure(rng, min(0.97, fcr_yes + 0.08)),
        "comment": _compose_comment(rng, overall, scores, service, customer),
        "suggestion": _one_of(rng, SUGGESTIONS) if rng.random() < 0.22 else None,
        "emotion": _emotion(rng, overall),
    }


def _clip(value: int, low: int, high: int) -> int:
    return min(high, max(low, value))


def _yes_no_unsure(rng: np.random.Generator, p_yes: float) -> str:
    draw = rng.random()
    if draw < 0.05:
        return "不确定"
    return "是" if draw < 0.05 + p_yes * 0.95 else "否"


_EMOTIONS_LOW = _choices(["激动", "焦急", "不满", "平和"], [0.35, 0.25, 0.3, 0.1])
_EMOTIONS_MIXED = _choices(["平和", "焦急"], [0.8, 0.2])
_EMOTIONS_HIGH = _choices(["平和", "愉快"], [0.6, 0.4])


def _emotion(rng: np.random.Generator, overall: int) -> str:
    if overall <= 2:
        return _draw(rng, _EMOTIONS_LOW)
    if overall == 3:
        return _draw(rng, _EMOTIONS_MIXED)
    return _draw(rng, _EMOTIONS_HIGH)


def _fill(rng: np.random.Generator, template: str) -> str:
    return template.format(
        n=int(rng.integers(2, 6)),
        k=int(rng.integers(3, 7)),
        m=int(rng.integers(25, 60)),
        agent_title=_one_of(rng, AGENT_TITLES),
    )


def _problem_for(rng: np.random.Generator, scores: dict[str, int], service: str) -> str:
    """The problem a dissatisfied customer talks about: their worst dimension, or a service-typical one."""
    worst = min(scores, key=lambda d: (scores[d], rng.random()))
    if scores[worst] <= 3 and rng.random() < 0.7:
        return DIMENSION_PROBLEM[worst]
    return _one_of(rng, SERVICE_PROBLEMS[service])


def _compose_comment(
    rng: np.random.Generator,
    overall: int,
    scores: dict[str, int],
    service: str,
    customer: dict[str, str],
) -> str | None:
    """Compose a customer comment whose sentiment matches the overall score."""
    if rng.random() < 0.1:
        return None
    if overall <= 2:
        problem = _problem_for(rng, scores, service)
        text = (_one_of(rng, OPENERS_NEG) + _fill(rng, _one_of(rng, NEGATIVE_CORES[problem])) + "，" + _one_of(rng, CLOSERS_NEG)).rstrip(
            "，"
        )
        if rng.random() < 0.3:
            second = _problem_for(rng, scores, service)
            if second != problem:
                text = text.rstrip("。") + "。另外" + _fill(rng, _one_of(rng, NEGATIVE_CORES[second])) + "。"
    elif overall == 3:
        problem = _problem_for(rng, scores, service)
        text = _one_of(rng, MIXED_OPENERS) + _fill(rng, _one_of(rng, NEGATIVE_CORES[problem])) + "。"
    elif overall == 4 and rng.random() < 0.35:
        text = _one_of(rng, PRAISE_OPENERS) + _fill(rng, _one_of(rng, PRAISE_CORES)) + "，" + _one_of(rng, MILD_REMARKS) + "。"
    elif rng.random() < 0.15:
        text = _one_of(rng, NEUTRAL_CORES) + "。"
    else:
        first, second = rng.choice(len(PRAISE_CORES), size=2, replace=False)
        text = _one_of(rng, PRAISE_OPENERS) + _fill(rng, PRAISE_CORES[int(first)])
        if rng.random() < 0.35:
            text += "，" + _fill(rng, PRAISE_CORES[int(second)])
        text = (text + "，" + _one_of(rng, PRAISE_CLOSERS)).rstrip("，")
    if overall <= 3 and rng.random() < 0.06:
        tail = _one_of(rng, PRIVATE_TAILS).format(phone=customer["phone"], name=customer["customer_name"])
        text = text.rstrip("。") + "，" + tail + "。"
    return text
