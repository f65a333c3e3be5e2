"""How the plan is going and who carries it: the plan's KPIs, the second follow-up round, workloads, owners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from reporting.analysis.metrics import Rate
from reporting.followup.plan import PROBLEM_KINDS, load_followup_rules
from reporting.intake.pairs import parse_pairs


@dataclass(frozen=True)
class FollowupKpis:
    """How the follow-up plan is going, judged at ``as_of``.

    Attributes:
        due: items due in the window by ``as_of`` (the denominator of the rates).
        closure: of those, done (已完成).
        on_time: of those, done no later than planned.
        problem_resolution: problem and complaint items due, done.
        demand_conversion: need items due, done (the customer's need was answered).
        overdue: open items, from any period, past their due time.
        open: items not done, from any period.
        results_recorded: items whose status staff have changed (0: no results imported yet).
    """

    due: int
    closure: Rate
    on_time: Rate
    problem_resolution: Rate
    demand_conversion: Rate
    overdue: int
    open: int
    results_recorded: int


def followup_kpis(items: pd.DataFrame, window_start: datetime, window_end: datetime, as_of: datetime) -> FollowupKpis:
    """The plan's KPIs for items due from ``window_start`` to ``window_end``, judged at ``as_of``.

    Args:
        items: plan items (``PLAN_COLUMNS``), including open items from earlier periods.
        window_start: first moment of the window, inclusive.
        window_end: end of the window, exclusive.
        as_of: only items due by then count; results entered later do not.

    Returns:
        The KPIs with numerators and denominators.
    """
    done_status = load_followup_rules().done_status
    as_of_ts = pd.Timestamp(as_of)
    due_at = items["due_at"]
    done = items["status"].eq(done_status) & items["done_at"].le(as_of_ts)
    due = due_at.ge(pd.Timestamp(window_start)) & due_at.lt(pd.Timestamp(window_end)) & due_at.le(as_of_ts)
    problem = items["kind"].isin(PROBLEM_KINDS)
    need = items["kind"].eq("需求")
    still_open = ~done
    return FollowupKpis(
        due=int(due.sum()),
        closure=Rate(int((due & done).sum()), int(due.sum())),
        on_time=Rate(int((due & done & items["done_at"].le(due_at)).sum()), int(due.sum())),
        problem_resolution=Rate(int((due & done & problem).sum()), int((due & problem).sum())),
        demand_conversion=Rate(int((due & done & need).sum()), int((due & need).sum())),
        overdue=int((still_open & due_at.lt(as_of_ts)).sum()),
        open=int(still_open.sum()),
        results_recorded=int(items["status"].ne(load_followup_rules().new_status).sum()),
    )


def second_round(items: pd.DataFrame, changes: dict[str, str]) -> pd.DataFrame:
    """二次回访清单: dissatisfied customers and those who made suggestions, with the change that answers them.

    Args:
        items: plan items (``PLAN_COLUMNS``) of the window.
        changes: problem type or demand topic → the change made (from the params).

    Returns:
        One row per customer and record: 客户编号, 记录编号, 回访时间, 相关问题, 原跟进事项,
        已做改进 (empty when no recorded change answers them), 回访话术.
    """
    columns = ["customer_id", "record_id", "visit_at", "subject", "original_items", "changes_made", "script"]
    chosen = items.loc[items["kind"].isin([*PROBLEM_KINDS, "需求"])]
    rows = []
    for (customer, record), group in chosen.groupby(["customer_id", "record_id"], sort=True, dropna=False):
        subjects = [s for s in str(group["subject"].dropna().iloc[0] if group["subject"].notna().any() else "").split("、") if s]
        answered = [f"{s}：{changes[s]}" for s in subjects if s in changes]
        script = (
            "告知客户针对其反馈已做的改进：" + "；".join(answered) + "，并请客户评价改进效果"
            if answered
            else "告知客户其反馈已记录并在处理中，说明预计答复时间"
        )
        rows.append(
            {
                "customer_id": customer,
                "record_id": record,
                "visit_at": group["visit_at"].min(),
                "subject": "、".join(subjects),
                "original_items": "；".join(group["item"]),
                "changes_made": "；".join(answered),
                "script": script,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def workload(items: pd.DataFrame, as_of: datetime, horizon_days: int = 7) -> pd.DataFrame:
    """Open items per owner: how many, how many overdue, how many due in the next ``horizon_days``.

    Returns:
        Columns owner, open, overdue, due_soon (headers ``columns_workload``), most overdue first.
    """
    done_status = load_followup_rules().done_status
    open_items = items.loc[~items["status"].eq(done_status)]
    as_of_ts = pd.Timestamp(as_of)
    table = pd.DataFrame(
        {
            "owner": open_items["owner"].fillna("未指定"),
            "open": 1,
            "overdue": open_items["due_at"].lt(as_of_ts).astype(int),
            "due_soon": open_items["due_at"].between(as_of_ts, as_of_ts + pd.Timedelta(days=horizon_days)).astype(int),
        }
    )
    summary = table.groupby("owner", as_index=False).sum()
    return summary.sort_values(["overdue", "open", "owner"], ascending=[False, False, True], kind="stable").reset_index(drop=True)


def assign_owners(plan: pd.DataFrame, groups: dict[str, list[str]]) -> pd.DataFrame:
    """Give items owned by a role to the people of its group, round robin by due time.

    Args:
        plan: plan items; 负责人 is a role (客服主管 …) or already a person.
        groups: role → staff codes, e.g. ``{"客服主管": ["ZG01", "ZG02"]}``.

    Returns:
        The plan with roles replaced by people; items of roles without a group keep the role.
    """
    assigned = plan.copy()
    for role, people in groups.items():
        rows = assigned.index[assigned["owner"].eq(role)]
        if people and len(rows):
            assigned.loc[rows, "owner"] = [people[i % len(people)] for i in range(len(rows))]
    return assigned


def parse_owner_groups(text: str) -> dict[str, list[str]]:
    """Owner groups from ``角色:工号,工号；角色:工号`` (the ``owner_groups`` parameter)."""
    pairs = parse_pairs(text, "owner_groups", "客服主管:ZG01,ZG02")
    return {role: [p.strip() for p in people.replace("，", ",").split(",") if p.strip()] for role, people in pairs.items()}
