"""Improvement measures kept in the store: proposed by a report, judged by the next ones, closed by people.

A weekly run's ``sync_measures`` (inside its one writing step) reads the slice's stored
measures, judges those it tracks against this period's readings, gives every
recommendation of a rule already being worked on that measure's id (``new: false``),
stores the others as new measures (insert-if-absent: a rerun keeps the ids) and records
each judgement. A week run after a later one (a backfill) that proposes a rule whose
measure a later week started takes that measure over: it is re-keyed to the earlier week,
with that week's baseline, so one rule never has two measures at once.
``reporting import-followups`` closes measures and records the staff's notes and owners
(``write_measure_changes``, in the import's one transaction).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

import pandas as pd
from sqlalchemy import or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from reporting.analysis.insights import Recommendation
from reporting.analysis.measures import Measure, Progress, Reading, measure_id, rule_key, track
from reporting.analysis.multiplicity import DEFAULT_Q
from reporting.errors import StoreError
from reporting.intake.hygiene import plain_value
from reporting.intake.store_schema import failure_reason, masked_url, measures_table, open_store


def load_measures(url: str, slice_key: str | None = None, ids: list[str] | None = None) -> list[Measure]:
    """The stored measures, of one slice (``""``: the whole centre; None: every slice), or with these ids.

    Raises:
        StoreError: the store cannot be read.
    """
    table = measures_table
    query = select(table)
    if slice_key is not None:
        query = query.where(table.c.slice == slice_key)
    if ids is not None:
        query = query.where(table.c.measure_id.in_(ids))
    try:
        with open_store(url).connect() as connection:
            rows = connection.execute(query.order_by(table.c.deadline, table.c.measure_id)).mappings().all()
    except SQLAlchemyError as error:
        raise StoreError(f"从数据库 {masked_url(url)} 读取改进措施失败（{failure_reason(error)}）：请检查数据库") from None
    return [_measure(row) for row in rows]


@dataclass(frozen=True)
class MeasureSync:
    """What ``sync_measures`` found and remembered.

    Attributes:
        progress: the measures tracked this period, judged at its end.
        recommendations: the period's recommendations, each with its ``measure_id``; one
            whose rule's measure this period tracks (open, missed, or met in this very
            period) carries that measure's owner, deadline and target and ``new: false``.
        proposed: the measures first proposed in this period (as stored).
    """

    progress: tuple[Progress, ...]
    recommendations: tuple[Recommendation, ...]
    proposed: tuple[Measure, ...]


def sync_measures(
    url: str,
    proposals: tuple[Recommendation, ...],
    readings: dict[str, Reading],
    respondents: int,
    where: tuple[str, str],
    period: tuple[date, date],
    now: datetime,
    q_level: float = DEFAULT_Q,
) -> MeasureSync:
    """Track the slice's measures for a period and remember the period's recommendations as measures.

    Args:
        url: the store.
        proposals: the period's recommendations.
        readings: the period's readings (``period_readings``).
        respondents: the period's valid responses (a problem not mentioned reads 0 of them).
        where: the slice's key (``service_type=售后维修``, "" for the whole centre) and label.
        period: the report period's first and last day.
        now: recorded as new measures' creation time.
        q_level: the report's false discovery rate (the measure family's BH level).

    Returns:
        The tracked measures, the recommendations with their measures, the period's own measures.

    Raises:
        StoreError: the store cannot be read or written (nothing is written then).
    """
    slice_key, slice_label = where
    start, end = period
    stored = load_measures(url, slice_key)
    progress = track(stored, readings, start, end, q_level)
    # a rule whose measure is tracked this period (open, missed, or met just now) refers to it rather than start anew
    active = {p.measure.rule: p.measure for p in progress if p.status != "closed"}
    known = {m.id: m for m in stored}
    tagged, fresh, proposed, rekeyed = [], [], [], []
    for proposal in proposals:
        rule = rule_key(proposal.kind, proposal.subject)
        if rule in active:
            held = active[rule]
            tagged.append(replace(proposal, measure_id=held.id, new=False, owner=held.owner, due=held.deadline, target=held.target))
            continue
        identity = measure_id(rule, slice_key, start)
        tagged.append(replace(proposal, measure_id=identity, new=True))
        if identity in known:
            proposed.append(known[identity])
            continue
        row = _new_row(identity, rule, proposal, readings.get(rule, Reading(proposal.current, respondents)), where, start, now)
        later = [m for m in stored if m.rule == rule and m.first_period > start and m.closed_at is None]
        if later:  # an earlier week run after a later one: the measure was first proposed now, not then
            rekeyed.append((min(later, key=lambda m: m.first_period).id, row))
        else:
            fresh.append(row)
        proposed.append(_measure(row | {"met_period": None, "closed_at": None, "note": None}))
    table = measures_table
    try:
        with open_store(url).begin() as connection:
            if fresh:
                connection.execute(table.insert(), fresh)
            for old_id, row in rekeyed:
                kept = {k: v for k, v in row.items() if k not in ("owner", "created_at")}  # a person's owner stays
                values = kept | {"judged_period": None, "met_period": None, "updated_at": now}
                connection.execute(update(table).where(table.c.measure_id == old_id).values(**values))
            for item in progress:
                _record_judgement(connection, item, start, now)
    except SQLAlchemyError as error:
        raise StoreError(f"保存改进措施到数据库 {masked_url(url)} 失败（{failure_reason(error)}）：请检查数据库后重试") from None
    return MeasureSync(progress, tuple(tagged), tuple(proposed))


def write_measure_changes(connection, changes: list[dict[str, object]], now: datetime) -> None:  # noqa: ANN001 - a SQLAlchemy Connection
    """Close measures and record notes and owners, inside a transaction the caller holds (``round_trip``).

    Args:
        connection: the open transaction.
        changes: ``{"measure_id", "status", "note", "owner"}`` per changed measure;
            ``status`` ``closed`` closes it now, None keeps it.
        now: recorded as the close and update time.
    """
    table = measures_table
    for change in changes:
        values: dict[str, object] = {"note": plain_value(change["note"]), "owner": change["owner"], "updated_at": now}
        if change["status"] == "closed":
            values |= {"status": "closed", "closed_at": now}
        connection.execute(update(table).where(table.c.measure_id == change["measure_id"]).values(**values))


def _record_judgement(connection, item: Progress, start: date, now: datetime) -> None:  # noqa: ANN001 - a SQLAlchemy Connection
    """Remember a judgement: the status as of the latest period judged, and the first period it was met."""
    table, measure = measures_table, item.measure
    if item.status == "met":
        connection.execute(
            update(table)
            .where(table.c.measure_id == measure.id, or_(table.c.met_period.is_(None), table.c.met_period > start))
            .values(met_period=start, updated_at=now)
        )
    if item.status != "closed":
        connection.execute(
            update(table)
            .where(
                table.c.measure_id == measure.id,
                table.c.status != "closed",
                or_(table.c.judged_period.is_(None), table.c.judged_period <= start),
            )
            .values(status=item.status, judged_period=start, updated_at=now)
        )


def _new_row(
    identity: str, rule: str, proposal: Recommendation, baseline: Reading, where: tuple[str, str], start: date, now: datetime
) -> dict[str, object]:
    return {
        "measure_id": identity,
        "rule": rule,
        "slice": where[0],
        "slice_label": where[1],
        "action": proposal.action,
        "owner": proposal.owner,
        "deadline": proposal.due,
        "first_period": start,
        "baseline": float(baseline.value),
        "baseline_n": int(baseline.n),
        "baseline_sd": baseline.sd,
        "target": float(proposal.target),
        "status": "open",
        "created_at": now,
    }


def _measure(row) -> Measure:  # noqa: ANN001 - a SQLAlchemy RowMapping
    closed = row["closed_at"]
    return Measure(
        id=row["measure_id"],
        rule=row["rule"],
        slice=row["slice"],
        slice_label=row["slice_label"],
        action=row["action"],
        owner=row["owner"],
        deadline=_day(row["deadline"]),
        first_period=_day(row["first_period"]),
        baseline=Reading(float(row["baseline"]), int(row["baseline_n"]), row["baseline_sd"]),
        target=float(row["target"]),
        status=row["status"],
        met_period=_day(row["met_period"]) if row["met_period"] is not None else None,
        closed_at=pd.Timestamp(closed) if closed is not None else None,
        note=row["note"] or "",
    )


def _day(value: object) -> date:
    return value.date() if isinstance(value, datetime) else value  # type: ignore[return-value]
