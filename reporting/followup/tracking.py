"""Follow-up plan items kept in the store, so open items carry forward and results come back.

A report run saves its plan items (an item already stored keeps its status and result);
``reporting import-followups`` writes the staff's results back in one transaction; the
next plan and report read the items back with those results.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from reporting.errors import StoreError
from reporting.followup.plan import PLAN_COLUMNS, load_followup_rules
from reporting.followup.progress import FollowupKpis, followup_kpis
from reporting.intake.hygiene import plain_value
from reporting.intake.store import insert_new
from reporting.intake.store_schema import failure_reason, followups_table, masked_url, open_store


def save_plan(url: str, plan: pd.DataFrame, now: datetime) -> int:
    """Store plan items not stored yet; items already stored keep their status and results.

    Args:
        url: the store.
        plan: plan items (``PLAN_COLUMNS``).
        now: recorded as the items' creation time.

    Returns:
        How many items were new.

    Raises:
        StoreError: the store cannot be written (nothing is saved then).
    """
    if plan.empty:
        return 0
    items = plan[PLAN_COLUMNS].assign(created_at=pd.Timestamp(now))
    try:
        with open_store(url).begin() as connection:
            before = _count(connection)
            insert_new(connection, followups_table, items, "item_id")
            return _count(connection) - before
    except SQLAlchemyError as error:
        raise StoreError(f"保存跟进计划到数据库 {masked_url(url)} 失败（{failure_reason(error)}）：请检查数据库后重试") from None


def load_items(url: str, since: datetime | None = None, ids: list[str] | None = None) -> pd.DataFrame:
    """Plan items from the store, as plan columns.

    Args:
        url: the store.
        since: keep items still open, and items visited or due from this moment on
            (None: all items).
        ids: only these 跟进编号 (None: no restriction).

    Returns:
        The items ordered by due time and id.
    """
    table = followups_table
    query = select(*(table.c[name] for name in PLAN_COLUMNS))  # plan columns are the store's
    if since is not None:
        done = load_followup_rules().done_status
        query = query.where(or_(table.c.status != done, table.c.due_at >= since, table.c.visit_at >= since))
    if ids is not None:
        query = query.where(table.c.item_id.in_(ids))
    try:
        with open_store(url).connect() as connection:
            items = pd.read_sql(query.order_by(table.c.due_at, table.c.item_id), connection)
    except SQLAlchemyError as error:
        raise StoreError(f"从数据库 {masked_url(url)} 读取跟进计划失败（{failure_reason(error)}）：请检查数据库") from None
    for column in ("visit_at", "due_at", "done_at"):
        items[column] = pd.to_datetime(items[column]).astype("datetime64[ns]")
    return items[PLAN_COLUMNS]


def apply_results(url: str, updates: list[dict[str, object]], now: datetime) -> None:
    """Write the staff's results (status, actual time, result) in one transaction.

    Args:
        url: the store.
        updates: ``{"item_id", "status", "done_at", "result"}`` per changed item.
        now: recorded as the items' update time.

    Raises:
        StoreError: the store cannot be written; no item is changed then.
    """
    try:
        with open_store(url).begin() as connection:
            write_results(connection, updates, now)
    except SQLAlchemyError as error:
        raise StoreError(
            f"写入数据库 {masked_url(url)} 失败（{failure_reason(error)}），跟进结果一条也未写入：请检查数据库后重试"
        ) from None


def write_results(connection, updates: list[dict[str, object]], now: datetime) -> None:  # noqa: ANN001 - a SQLAlchemy Connection
    """``apply_results``' writes, inside a transaction the caller holds."""
    table = followups_table
    for change in updates:
        values = {
            "status": change["status"],
            "done_at": plain_value(change["done_at"]),
            "result": plain_value(change["result"]),
            "updated_at": now,
        }
        connection.execute(update(table).where(table.c.item_id == change["item_id"]).values(**values))


def count_items(url: str) -> int:
    """How many plan items the store holds (0 for a store no report has written a plan to)."""
    try:
        with open_store(url).connect() as connection:
            return _count(connection)
    except SQLAlchemyError as error:
        raise StoreError(f"从数据库 {masked_url(url)} 读取跟进计划失败（{failure_reason(error)}）：请检查数据库") from None


def _count(connection) -> int:  # noqa: ANN001 - a SQLAlchemy Connection
    return int(connection.execute(select(func.count()).select_from(followups_table)).scalar_one())


def plan_with_history(url: str, plan: pd.DataFrame, start: datetime, end: datetime, now: datetime) -> tuple[pd.DataFrame, FollowupKpis]:
    """Save a period's plan, then read back the plan to work from and the KPIs of the period.

    The plan to work from holds the period's items with any results already recorded,
    plus items of earlier periods still open (carried forward). The KPIs cover items due
    in the period and are judged at its end, so the same store gives the same figures.

    Args:
        url: the store.
        plan: the period's plan items, as built from its responses.
        start: the period's first moment.
        end: the moment after the period.
        now: recorded as new items' creation time.

    Returns:
        The plan (ordered by due time) and the KPIs.
    """
    save_plan(url, plan, now)
    items = load_items(url, since=start)
    done = load_followup_rules().done_status
    carried = items["visit_at"].lt(pd.Timestamp(start)) & items["status"].ne(done)
    current = items.loc[items["item_id"].isin(plan["item_id"]) | carried]
    ordered = current.sort_values(["due_at", "item_id"], kind="stable").reset_index(drop=True)
    return ordered, followup_kpis(items, start, end, end)


def set_owners(url: str, owners: dict[str, str]) -> None:
    """Record who took each item (跟进编号 → staff code), in one transaction."""
    if not owners:
        return
    table = followups_table
    try:
        with open_store(url).begin() as connection:
            for item, owner in owners.items():
                connection.execute(update(table).where(table.c.item_id == item).values(owner=owner))
    except SQLAlchemyError as error:
        raise StoreError(f"写入数据库 {masked_url(url)} 失败（{failure_reason(error)}）：请检查数据库后重试") from None
