"""Strengths, weaknesses and recommendations derived from the period's numbers."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd

from reporting.vocab import MeasureRule, RecommendationRules

SUB_DIMENSIONS = ("score_speed", "score_professional", "score_clarity", "score_attitude")


@dataclass(frozen=True)
class Finding:
    """A strength or weakness: what it is about and the numbers behind it.

    Attributes:
        kind: ``dimension``, ``service``, ``problem`` or ``agent``.
        subject: the dimension field, service type, problem type or agent id.
        value: the mean score, or the share for a problem.
        n: the number of responses behind ``value``.
        extra: further numbers for the sentence (count, gap …).
    """

    kind: str
    subject: str
    value: float
    n: int
    extra: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Recommendation:
    """A measure aimed at one weakness, with owner, deadline and target.

    Attributes:
        kind: ``dimension``, ``problem`` or ``agent`` (what the target measures).
        subject: the dimension field, problem type or agent id.
        action: what to do.
        owner: who is responsible (a role).
        due: the deadline.
        current: the current value (mean score or share).
        target: the value to reach by ``due``.
        measure_id: the measure it is remembered as in the store ("" when no store keeps measures).
        new: whether it is proposed for the first time (False: its rule's measure is still being worked on).
    """

    kind: str
    subject: str
    action: str
    owner: str
    due: date
    current: float
    target: float
    measure_id: str = ""
    new: bool = True


def rank_dimensions(means: dict[str, tuple[float | None, int]]) -> list[tuple[str, float, int]]:
    """Sub-dimensions with a mean, best first (ties broken by field order)."""
    present = [(f, m, n) for f, (m, n) in means.items() if f in SUB_DIMENSIONS and m is not None and n > 0]
    return sorted(present, key=lambda x: (-x[1], SUB_DIMENSIONS.index(x[0])))


def find_strengths(
    means: dict[str, tuple[float | None, int]], by_service: pd.DataFrame, weaknesses: tuple[Finding, ...] = ()
) -> tuple[Finding, ...]:
    """The two best-rated dimensions (not already named as weaknesses) and the best-rated service type.

    Args:
        means: ``{dimension: (mean, n)}``.
        by_service: ``metrics.breakdown`` by service type.
        weaknesses: findings that must not reappear as strengths.

    Returns:
        Up to three strengths, strongest dimension first.
    """
    weak = {f.subject for f in weaknesses if f.kind == "dimension"}
    ranked = [r for r in rank_dimensions(means) if r[0] not in weak]
    found = [Finding("dimension", f, m, n) for f, m, n in ranked[:2]]
    shown = _shown_segments(by_service)
    if len(shown) >= 2:
        best = shown.iloc[0]
        found.append(Finding("service", str(best["service_type"]), float(best["satisfaction_mean"]), int(best["valid"])))
    return tuple(found)


def find_weaknesses(
    means: dict[str, tuple[float | None, int]],
    problems: pd.DataFrame,
    respondents: int,
    by_agent: pd.DataFrame,
    agent_gap: float,
    importance: dict[str, float] | None = None,
) -> tuple[Finding, ...]:
    """The two weakest dimensions, the most frequent problem and a lagging agent.

    With driver importance, dimensions are ranked by how much they hold satisfaction
    back: importance × gap to the top score (5). Without it, by their mean alone.

    Args:
        means: ``{dimension: (mean, n)}``.
        problems: ``metrics.problem_distribution`` (most frequent first).
        respondents: valid responses (denominator of problem shares).
        by_agent: ``metrics.breakdown`` by visitor.
        agent_gap: how far below the team mean an agent must be to be named.
        importance: ``{dimension: share of explained variance}`` from the driver analysis.

    Returns:
        Up to four weaknesses, weakest dimension first.
    """
    ranked = rank_dimensions(means)
    if importance:
        ranked = sorted(ranked, key=lambda x: (importance.get(x[0], 0.0) * (5 - x[1]), -x[1]))
    extra = (lambda f: (("importance", importance[f]),)) if importance else (lambda f: ())
    found = [Finding("dimension", f, m, n, extra(f)) for f, m, n in reversed(ranked[-2:])] if len(ranked) >= 3 else []
    if not problems.empty:
        top = problems.iloc[0]
        found.append(Finding("problem", str(top["type"]), float(top["share"]), respondents, (("count", float(top["count"])),)))
    lagging = lagging_agent(by_agent, agent_gap)
    if lagging is not None:
        found.append(lagging)
    return tuple(found)


def lagging_agent(by_agent: pd.DataFrame, gap: float) -> Finding | None:
    """The agent whose customers' satisfaction is furthest below the team, if by ``gap`` or more."""
    shown = _shown_segments(by_agent)
    if len(shown) < 3:
        return None
    team_mean = float((shown["satisfaction_mean"] * shown["valid"]).sum() / shown["valid"].sum())
    worst = shown.iloc[-1]
    difference = team_mean - float(worst["satisfaction_mean"])
    if difference < gap:
        return None
    return Finding(
        "agent",
        str(worst["visitor"]),
        float(worst["satisfaction_mean"]),
        int(worst["valid"]),
        (("gap", difference), ("team_mean", team_mean)),
    )


def _shown_segments(breakdown: pd.DataFrame) -> pd.DataFrame:
    """Segments large enough to show, best satisfaction first."""
    if breakdown.empty:
        return breakdown
    shown = breakdown.loc[breakdown["shown"] & breakdown["satisfaction_mean"].notna()]
    key = shown.columns[0]
    return shown.sort_values(["satisfaction_mean", key], ascending=[False, True], kind="stable").reset_index(drop=True)


def recommend(
    weaknesses: tuple[Finding, ...], problems: pd.DataFrame, rules: RecommendationRules, period_end: date
) -> tuple[Recommendation, ...]:
    """Turn weaknesses into measures with owners, deadlines and targets, by the rules.

    A dimension rule fires when the weak dimension's mean is below its ``below``; a
    problem rule fires for every problem whose share reaches its ``share_at_least`` (a
    discovered theme uses the ``themes: emerging`` rule, which names the theme); an
    agent rule fires for a lagging agent. Targets are computed from the current value.

    Args:
        weaknesses: from ``find_weaknesses``.
        problems: problem types and discovered themes (``kind`` ``theme``), most frequent first.
        rules: from ``vocab.load_rules``.
        period_end: deadlines count from this day.

    Returns:
        The recommendations: weak dimensions first, then problems by share, then agents.
    """
    found: list[Recommendation] = []
    for weakness in weaknesses:
        rule = rules.dimensions.get(weakness.subject) if weakness.kind == "dimension" else None
        if rule and weakness.value < rule.below:
            target = min(rule.cap, max(weakness.value + rule.step, rule.floor))
            found.append(_recommendation("dimension", weakness.subject, rule, period_end, weakness.value, round(target, 2)))
    for problem in problems.itertuples(index=False):
        is_theme = getattr(problem, "kind", "type") == "theme"
        rule = rules.emerging_theme if is_theme else rules.problems.get(problem.type)
        if rule and problem.share >= rule.share_at_least:
            rule = replace(rule, action=rule.action.format(theme=problem.type)) if is_theme else rule
            target = problem.share * (1 - rule.reduce_by)
            found.append(_recommendation("problem", problem.type, rule, period_end, problem.share, round(target, 3)))
    agent_rule = rules.lagging_agent
    for weakness in weaknesses:
        if weakness.kind == "agent" and agent_rule:
            team_mean = dict(weakness.extra)["team_mean"]
            rule = replace(agent_rule, action=agent_rule.action.format(agent=weakness.subject))
            found.append(_recommendation("agent", weakness.subject, rule, period_end, weakness.value, round(team_mean, 2)))
    return tuple(found)


def _recommendation(kind: str, subject: str, rule: MeasureRule, period_end: date, current: float, target: float) -> Recommendation:
    return Recommendation(
        kind=kind,
        subject=subject,
        action=rule.action,
        owner=rule.owner,
        due=period_end + timedelta(days=rule.due_in_days),
        current=current,
        target=target,
    )
