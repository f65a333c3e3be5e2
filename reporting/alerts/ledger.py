"""Who was already told: the sent alerts kept in the store, so no alert is sent twice and none cries wolf.

Terms, exactly:

- **The same alert** is the same ``key`` on the same channel. The key names rule, report,
  slice and period (and a record for a response alert), so a rerun, a retry or a second
  scheduler makes the same key; a key recorded on a channel is never planned for it again.
  Another channel keeps its own rows: one that failed is retried while the others are not
  told twice.
- **A condition** is what an alert is about, whatever the period: its key without the
  period (``满意度过低|weekly|全部``; a response alert keeps its record, so each customer
  is a condition of their own). It is **ongoing** on a channel from the first alert about
  it sent there until a 已恢复 line about it is recorded there.
- **The cooldown** of a rule (``cooldown_days``): while a condition is ongoing on a channel
  and its last alert there was sent less than the cooldown ago, a new alert about it (a
  later period's) is not sent there. A cleared condition that fires again is news and is
  sent at once. 0 (or a rule not named) means no cooldown: every new period is sent.
  Within one call, the latest period of a condition wins.
- **A recovery**: a condition that is ongoing (on some channel) for an earlier period than
  the one evaluated, in a slice that was evaluated, and that does not fire now, gets one
  alert of kind ``recovered`` (severity info, message 已恢复：…). It is sent only to the
  channels where the condition is ongoing; recording it there clears the condition, so
  the next run makes none. Response alerts are events, not conditions: they never recover.

A run does: ``fired`` = every alert its rules raised (before any filtering);
``recoveries(...)`` added to them; per channel ``to_send`` → ``record_sent`` (which
returns the alerts this caller claimed: two schedulers racing claim each key once) →
deliver those → ``forget_sent`` for the ones whose delivery failed, so a later run retries them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from reporting.alerts.model import Alert
from reporting.errors import StoreError
from reporting.intake.store_schema import alerts_sent_table, failure_reason, masked_url, open_store
from reporting.vocab import label

RECOVERED = "recovered"
RECOVERED_PREFIX = "recovered|"
NEVER_RECOVER = ("response", RECOVERED)  # one customer's response is an event, not a condition that clears


def condition_of(alert: Alert) -> str:
    """The condition an alert is about: its key without the period (and without ``recovered|``).

    Raises:
        ValueError: the key does not name the alert's period.
    """
    before, after = _around_period(_key_of_condition(alert), alert.period)
    return before + after


def to_send(url: str, alerts: Sequence[Alert], channel: str, now: datetime, cooldowns: Mapping[str, timedelta]) -> list[Alert]:
    """The alerts a channel has not been told yet and whose rule's cooldown lets through.

    Args:
        url: the store.
        alerts: the alerts of a run (fired ones and recoveries).
        channel: the channel's name (one per configured robot, webhook or mailbox).
        now: the run's moment (naive local wall clock, as ``Params.now()``; a zone is dropped).
        cooldowns: each rule's cooldown; a rule not named has none.

    Returns:
        The alerts to send on this channel, in the order given, each key once.

    Raises:
        StoreError: the store cannot be read.
    """
    if not alerts:
        return []
    table = alerts_sent_table
    conditions = sorted({condition_of(alert) for alert in alerts})
    try:
        with open_store(url).connect() as connection:
            sent = set(
                connection.execute(
                    select(table.c.key).where(table.c.channel == channel, table.c.key.in_(sorted({a.key for a in alerts})))
                ).scalars()
            )
            ongoing = _ongoing(connection, channel, conditions)
    except SQLAlchemyError as error:
        raise StoreError(f"从数据库 {masked_url(url)} 读取已发送的预警失败（{failure_reason(error)}）：请检查数据库") from None
    return plan_sends(alerts, sent, ongoing, _naive(now), cooldowns)


def plan_sends(
    alerts: Sequence[Alert],
    sent: Collection[str],
    ongoing: Mapping[str, Sequence[tuple[str, datetime]]],
    now: datetime,
    cooldowns: Mapping[str, timedelta],
) -> list[Alert]:
    """``to_send``'s decision, without the store.

    Args:
        alerts: the alerts of a run.
        sent: the keys already recorded on the channel.
        ongoing: condition → (period, sent_at) of each alert about it recorded on the channel and not cleared.
        now: the run's moment.
        cooldowns: each rule's cooldown.

    Returns:
        The alerts to send, in the order given, each key once.
    """
    keep: set[str] = set()
    announced: set[str] = set()  # conditions with a cooldown already sent in this call
    for alert in sorted(alerts, key=lambda a: a.period, reverse=True):
        if alert.key in sent or alert.key in keep:
            continue
        condition = condition_of(alert)
        earlier = ongoing.get(condition, ())
        if alert.kind == RECOVERED:
            if any(period < alert.period for period, _ in earlier):
                keep.add(alert.key)
            continue
        cooldown = cooldowns.get(alert.rule, timedelta(0))
        if cooldown > timedelta(0):
            last = max((sent_at for _, sent_at in earlier), default=None)
            if condition in announced or (last is not None and now - last < cooldown):
                continue
            announced.add(condition)
        keep.add(alert.key)
    chosen = []
    for alert in alerts:
        if alert.key in keep:
            chosen.append(alert)
            keep.discard(alert.key)
    return chosen


def recoveries(url: str, fired: Sequence[Alert], report: str, period: str, slices: Collection[str]) -> list[Alert]:
    """One 已恢复 alert for each ongoing condition of a report that no longer fires.

    Args:
        url: the store.
        fired: every alert the rules raised in this run (before ``to_send``: a condition
            held back by its cooldown still fires).
        report: the report evaluated (``weekly``).
        period: the period evaluated; only conditions sent for earlier periods can recover.
        slices: the slice labels evaluated ("" for the overall report): a slice this run
            did not look at recovers nothing.

    Returns:
        The recovered alerts, ordered by condition.

    Raises:
        StoreError: the store cannot be read.
    """
    if not slices:
        return []
    table = alerts_sent_table
    firing = {condition_of(alert) for alert in fired if alert.report == report}
    query = (
        select(table.c.key, table.c.condition, table.c.rule, table.c.slice, table.c.period, table.c.metric)
        .where(
            table.c.report == report,
            table.c.cleared_at.is_(None),
            table.c.kind.not_in(NEVER_RECOVER),
            table.c.period < period,
            table.c.slice.in_(sorted(set(slices))),
        )
        .order_by(table.c.condition, table.c.period, table.c.sent_at)
    )
    try:
        with open_store(url).connect() as connection:
            rows = connection.execute(query).all()
    except SQLAlchemyError as error:
        raise StoreError(f"从数据库 {masked_url(url)} 读取已发送的预警失败（{failure_reason(error)}）：请检查数据库") from None
    since: dict[str, str] = {}
    latest: dict[str, Any] = {}
    for row in rows:
        if row.condition not in firing:
            since.setdefault(row.condition, row.period)
            latest[row.condition] = row
    return [_recovered(latest[condition], report, period, since[condition]) for condition in sorted(latest)]


def record_sent(url: str, alerts: Sequence[Alert], channel: str, now: datetime) -> list[Alert]:
    """Record alerts as sent on a channel; a recovery clears its condition there.

    A key already recorded on the channel is left as it is: a second scheduler recording
    the same keys at the same time stores nothing twice and fails on nothing.

    Args:
        url: the store.
        alerts: the alerts sent (or about to be sent: see ``forget_sent``).
        channel: the channel's name.
        now: recorded as the moment sent (naive local wall clock; a zone is dropped).

    Returns:
        The alerts this call recorded (those another call had recorded left out), in the order given.

    Raises:
        StoreError: the store cannot be written; nothing is recorded then.
    """
    unique = list({alert.key: alert for alert in reversed(alerts)}.values())[::-1]
    if not unique:
        return []
    moment = _naive(now)
    engine = open_store(url)
    dialect = {"sqlite": sqlite, "postgresql": postgresql}.get(engine.dialect.name)
    try:
        with engine.begin() as connection:
            recorded = set()
            for alert in sorted(unique, key=lambda a: a.key):  # one order for every caller: racing writers do not deadlock
                if _insert_if_absent(connection, dialect, _row(alert, channel, moment)):
                    recorded.add(alert.key)
                    if alert.kind == RECOVERED:
                        _clear(connection, alert, channel, moment)
    except SQLAlchemyError as error:
        raise StoreError(
            f"记录已发送的预警到数据库 {masked_url(url)} 失败（{failure_reason(error)}），一条也未记录：请检查数据库后重试"
        ) from None
    return [alert for alert in unique if alert.key in recorded]


def forget_sent(url: str, alerts: Sequence[Alert], channel: str) -> None:
    """Undo ``record_sent`` for alerts whose delivery failed on a channel, so a later run sends them there.

    A forgotten recovery makes its condition ongoing again on the channel.

    Raises:
        StoreError: the store cannot be written; nothing is changed then.
    """
    keys = sorted({alert.key for alert in alerts})
    if not keys:
        return
    table = alerts_sent_table
    try:
        with open_store(url).begin() as connection:
            connection.execute(
                update(table).where(table.c.channel == channel, table.c.cleared_by.in_(keys)).values(cleared_at=None, cleared_by=None)
            )
            connection.execute(delete(table).where(table.c.channel == channel, table.c.key.in_(keys)))
    except SQLAlchemyError as error:
        raise StoreError(f"撤销数据库 {masked_url(url)} 中的预警发送记录失败（{failure_reason(error)}）：请检查数据库后重试") from None


def _key_of_condition(alert: Alert) -> str:
    """The key in the shape of a fired alert's (a recovery's without its ``recovered|``)."""
    return alert.key.removeprefix(RECOVERED_PREFIX) if alert.kind == RECOVERED else alert.key


def _around_period(key: str, period: str) -> tuple[str, str]:
    """What a key holds before its ``|period`` and after it (``|record`` or "")."""
    marker = f"|{period}"
    at = key.find(marker)
    end = at + len(marker)
    if at < 0 or key[end : end + 1] not in ("", "|"):
        raise ValueError(f"alert key {key!r} does not name its period {period!r}")
    return key[:at], key[end:]


def _ongoing(connection: Connection, channel: str, conditions: list[str]) -> dict[str, list[tuple[str, datetime]]]:
    """Condition → (period, sent_at) of the alerts about it recorded on a channel and not cleared."""
    table = alerts_sent_table
    query = select(table.c.condition, table.c.period, table.c.sent_at).where(
        table.c.channel == channel,
        table.c.condition.in_(conditions),
        table.c.kind != RECOVERED,
        table.c.cleared_at.is_(None),
    )
    ongoing: dict[str, list[tuple[str, datetime]]] = {}
    for condition, period, sent_at in connection.execute(query):
        ongoing.setdefault(condition, []).append((period, sent_at))
    return ongoing


def _recovered(latest: Any, report: str, period: str, since: str) -> Alert:
    """The 已恢复 alert of a condition, from the latest alert sent about it."""
    before, after = _around_period(latest.key, latest.period)
    where = f"【{latest.slice}】" if latest.slice else ""
    message = where + label("alert_recovered", rule=latest.rule, since=_shown(since), period=_shown(period))
    return Alert(
        key=f"{RECOVERED_PREFIX}{before}|{period}{after}",
        kind=RECOVERED,
        rule=latest.rule,
        report=report,
        slice=latest.slice,
        period=period,
        metric=latest.metric or "",
        value=None,
        baseline=None,
        n=None,
        p=None,
        q=None,
        severity="info",
        message=message,
        link="",
    )


def _row(alert: Alert, channel: str, now: datetime) -> dict[str, object]:
    return {
        "key": alert.key,
        "channel": channel,
        "condition": condition_of(alert),
        "rule": alert.rule,
        "report": alert.report,
        "slice": alert.slice,
        "period": alert.period,
        "kind": alert.kind,
        "metric": alert.metric,
        "sent_at": now,
    }


def _insert_if_absent(connection: Connection, dialect: Any, row: dict[str, object]) -> bool:
    """Insert one row unless its key × channel is stored; whether it was inserted."""
    table = alerts_sent_table
    if dialect is not None:
        statement = dialect.insert(table).values(row).on_conflict_do_nothing(index_elements=["key", "channel"])
        if connection.dialect.insert_returning:  # psycopg reports no rowcount here; SQLite older than 3.35 has no RETURNING
            return connection.execute(statement.returning(table.c.key)).first() is not None
        return connection.execute(statement).rowcount == 1
    stored = select(table.c.key).where(table.c.key == row["key"], table.c.channel == row["channel"])
    if connection.execute(stored).first() is not None:
        return False
    connection.execute(table.insert().values(row))
    return True


def _clear(connection: Connection, recovery: Alert, channel: str, now: datetime) -> None:
    """Mark a recovered condition's earlier alerts on a channel as cleared by this recovery."""
    table = alerts_sent_table
    connection.execute(
        update(table)
        .where(
            table.c.channel == channel,
            table.c.condition == condition_of(recovery),
            table.c.kind != RECOVERED,
            table.c.period < recovery.period,
            table.c.cleared_at.is_(None),
        )
        .values(cleared_at=now, cleared_by=recovery.key)
    )


def _naive(moment: datetime) -> datetime:
    """The wall clock of a moment: the store keeps naive local times, as the rest of the workbook does."""
    return moment.replace(tzinfo=None)


def _shown(period: str) -> str:
    """A period folder name as a sentence shows it: ``2026-11-16 至 2026-11-22``."""
    return period.replace("_", " 至 ")
