"""Next-round sampling and scheduling (DOMAIN.md 样本与排期, seed 001).

Customers served in the window are the population, one unit per customer (stratum = the
service type of their latest service). Complaints and key customers are always called;
the rest of each stratum is drawn at random (seeded) up to at least the stratum's rate.
Each call goes 24-72 h after the service, inside working hours, never on Monday morning
or Friday afternoon, to the agent with the lowest load for their capacity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import numpy as np
import pandas as pd

from reporting.domain import COMPLAINT, KEY_CUSTOMER
from reporting.errors import ParameterError
from reporting.intake.pairs import parse_pairs, parse_rates

EARLIEST_HOURS = 24
LATEST_HOURS = 72
NOON = time(12, 0)


@dataclass(frozen=True)
class Rules:
    """The sampling and scheduling rules (from the params).

    Attributes:
        rate: the share of each stratum's customers to call at least.
        stratum_rates: per service type rates that replace ``rate``.
        key_types: customer types that count as key customers (always called).
        agents: agent → calls per day.
        work_start: first call time of a day.
        work_end: calls end before this time.
        slot_minutes: the length of one call slot.
        seed: the random seed of the draw.
    """

    rate: float
    stratum_rates: dict[str, float]
    key_types: tuple[str, ...]
    agents: dict[str, int]
    work_start: time
    work_end: time
    slot_minutes: int
    seed: int


def parse_rules(rate: float, stratum_rates: str, key_types: str, agents: str, work_hours: str, slot_minutes: int, seed: int) -> Rules:
    """Read the sampling parameters, naming the parameter of any mistake.

    Raises:
        ParameterError: a rate outside 0-1, an agent without a positive capacity,
            unreadable working hours, or a slot of under a minute.
    """
    if not 0 < rate <= 1:
        raise ParameterError(f"参数 sample_rate 的值 {rate} 须大于 0 且不超过 1，例如 0.1 表示 10%")
    per_type = parse_rates(stratum_rates, "stratum_rates", "投诉处理:1.0")
    capacity = {}
    for name, value in parse_pairs(agents.replace(",", "；").replace("，", "；"), "agents", "KF001:30").items():
        if not value.isdigit() or int(value) < 1:
            raise ParameterError(f"参数 agents 中 {name} 的日容量 {value!r} 须为正整数（每天可打的回访电话数）")
        capacity[name] = int(value)
    if not capacity:
        raise ParameterError("参数 agents 为空：请列出回访人员及其日容量，例如 KF001:30,KF002:25")
    try:
        start_text, end_text = work_hours.split("-")
        start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
    except ValueError:
        raise ParameterError(f"参数 work_hours 的值 {work_hours!r} 无效：请写成 09:00-18:00") from None
    if end <= start:
        raise ParameterError(f"参数 work_hours 的值 {work_hours!r} 结束早于开始：请写成 09:00-18:00")
    if slot_minutes < 1:
        raise ParameterError(f"参数 slot_minutes 的值 {slot_minutes} 须为正整数")
    keys = tuple(t.strip() for t in key_types.replace("，", ",").split(",") if t.strip())
    return Rules(rate, per_type, keys, capacity, start, end, slot_minutes, seed)


def customers_of(services: pd.DataFrame) -> pd.DataFrame:
    """One row per customer: their latest service in the window, and whether any was a complaint.

    Args:
        services: the window's services (``customer_id``, ``service_type``, ``completed_at``,
            ``complaint``, and the rest of the export).

    Returns:
        The latest service per customer with ``complaint`` true when any of their services
        was one, and ``services`` counting them; ordered by customer.
    """
    ordered = services.sort_values(["customer_id", "completed_at", "service_id"], kind="stable")
    latest = ordered.groupby("customer_id", sort=True).tail(1).set_index("customer_id")
    grouped = ordered.groupby("customer_id", sort=True)
    latest["complaint"] = grouped["complaint"].any()
    latest["services"] = grouped.size()
    return latest.reset_index()


def draw_sample(customers: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Choose whom to call: every complaint and key customer, plus a seeded draw per stratum.

    A stratum's draw tops its mandatory calls up to ``ceil(rate × customers)``, so the
    achieved rate is never below the target. The draw depends only on the seed and the
    customers (they are ordered by id first), not on the file's row order.

    Args:
        customers: one row per customer (``customers_of``).
        rules: the rules.

    Returns:
        The customers with ``reason`` (投诉 / 重点客户 / 分层抽样) and ``selected``.
    """
    rng = np.random.default_rng(rules.seed)
    frame = customers.sort_values("customer_id", kind="stable").reset_index(drop=True)
    key = frame["customer_type"].isin(rules.key_types) | frame.get("key_customer", pd.Series(False, index=frame.index)).fillna(
        False
    ).astype(bool)
    reason = pd.Series(None, index=frame.index, dtype="object")
    reason[key] = KEY_CUSTOMER
    reason[frame["complaint"].astype(bool)] = COMPLAINT
    for stratum in sorted(frame["service_type"].unique()):
        members = frame.index[frame["service_type"].eq(stratum)]
        target = math.ceil(rules.stratum_rates.get(stratum, rules.rate) * len(members) - 1e-9)
        optional = [i for i in members if pd.isna(reason[i])]
        extra = max(0, target - (len(members) - len(optional)))
        if extra and optional:
            drawn = rng.choice(np.array(optional), size=min(extra, len(optional)), replace=False)
            reason[drawn] = "分层抽样"
    return frame.assign(reason=reason, selected=reason.notna())


def achieved_rates(sample: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Per stratum: customers served, mandatory calls, drawn calls, the achieved and the target rate (headers ``columns_strata``)."""
    rows = []
    for stratum, group in sample.groupby("service_type", sort=True):
        mandatory = int(group["reason"].isin([COMPLAINT, KEY_CUSTOMER]).sum())
        drawn = int(group["reason"].eq("分层抽样").sum())
        rows.append(
            {
                "service_type": stratum,
                "customers": len(group),
                "mandatory": mandatory,
                "drawn": drawn,
                "selected": mandatory + drawn,
                "rate": round((mandatory + drawn) / len(group), 4),
                "target": rules.stratum_rates.get(stratum, rules.rate),
            }
        )
    return pd.DataFrame(rows, columns=["service_type", "customers", "mandatory", "drawn", "selected", "rate", "target"])


def allowed(moment: datetime, rules: Rules) -> bool:
    """Whether a call may start at ``moment``: working hours, not Monday morning, not Friday afternoon."""
    clock = moment.time()
    if not rules.work_start <= clock or not (moment + timedelta(minutes=rules.slot_minutes)).time() <= rules.work_end:
        return False
    if moment.weekday() == 0 and clock < NOON:
        return False
    return not (moment.weekday() == 4 and clock >= NOON)


def schedule_calls(selected: pd.DataFrame, rules: Rules, as_of: datetime) -> pd.DataFrame:
    """Give each chosen customer an agent and a call slot, earliest deadline first.

    Agents are tried in order of the share of their capacity used so far (ties: agent
    code), so calls spread in proportion to capacity; the first agent with a free allowed
    slot from ``max(service + 24 h, as_of)`` to service + 72 h, on a day where they have
    capacity left, takes the call at their earliest such slot.

    Args:
        selected: chosen customers (``completed_at``, ``reason``, ``customer_id``).
        rules: the rules.
        as_of: no call before this moment.

    Returns:
        The customers with ``call_at`` and ``agent`` (both empty when no slot could be
        found) and ``unscheduled_reason``.
    """
    order = selected.assign(_deadline=selected["completed_at"] + pd.Timedelta(hours=LATEST_HOURS))
    order["_priority"] = order["reason"].map({COMPLAINT: 0, KEY_CUSTOMER: 1}).fillna(2)
    order = order.sort_values(["_deadline", "_priority", "customer_id"], kind="stable")
    used: dict[str, set[datetime]] = {agent: set() for agent in rules.agents}
    per_day: dict[tuple[str, object], int] = {}
    step = timedelta(minutes=rules.slot_minutes)
    calls, agents, reasons = {}, {}, {}
    for index, row in order.iterrows():
        start = max(row["completed_at"].to_pydatetime() + timedelta(hours=EARLIEST_HOURS), as_of)
        end = row["_deadline"].to_pydatetime()
        first = _first_slot(start, rules)
        found = None
        if first is not None and first <= end:
            for agent in sorted(rules.agents, key=lambda a: (len(used[a]) / rules.agents[a], a)):
                slot = first
                while slot is not None and slot <= end:
                    if slot not in used[agent] and per_day.get((agent, slot.date()), 0) < rules.agents[agent]:
                        found = (slot, agent)
                        break
                    slot = _first_slot(slot + step, rules)
                if found:
                    break
        if found:
            slot, agent = found
            used[agent].add(slot)
            per_day[(agent, slot.date())] = per_day.get((agent, slot.date()), 0) + 1
            calls[index], agents[index], reasons[index] = pd.Timestamp(slot), agent, None
        else:
            calls[index], agents[index] = pd.NaT, None
            no_time = first is None or first > end
            reasons[index] = (
                "24-72 小时时限内没有可安排的时段（已过时限，或只剩周一上午/周五下午/非工作时间）" if no_time else "时限内回访人员容量已满"
            )
    result = selected.copy()
    result["call_at"] = pd.Series(calls, dtype="datetime64[ns]").reindex(result.index)
    result["agent"] = pd.Series(agents, dtype="object").reindex(result.index)
    result["unscheduled_reason"] = pd.Series(reasons, dtype="object").reindex(result.index)
    return result


def _first_slot(moment: datetime, rules: Rules) -> datetime | None:
    """The first allowed slot start at or after ``moment`` (slots align to the working day's start), within two weeks."""
    day_start = datetime.combine(moment.date(), rules.work_start)
    step = timedelta(minutes=rules.slot_minutes)
    slot = day_start if moment <= day_start else day_start + step * math.ceil((moment - day_start) / step)
    limit = moment + timedelta(days=14)
    while slot <= limit:
        if allowed(slot, rules):
            return slot
        slot += step
        if slot.time() >= rules.work_end or slot.time() < rules.work_start:
            slot = datetime.combine(slot.date() + timedelta(days=1 if slot.time() >= rules.work_end else 0), rules.work_start)
    return None


def agent_load(schedule: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Calls per agent and day (one column per day), with each agent's capacity and total (headers ``columns_agent_load``)."""
    scheduled = schedule.dropna(subset=["call_at"])
    days = scheduled["call_at"].map(lambda t: f"{t:%m-%d} 周{'一二三四五六日'[t.weekday()]}")
    table = pd.crosstab(scheduled["agent"], days) if len(scheduled) else pd.DataFrame()
    table = table.reindex(list(rules.agents), fill_value=0)
    table.insert(0, "capacity", [rules.agents[a] for a in table.index])
    table["calls"] = table.drop(columns="capacity").sum(axis=1)
    return table.reset_index(names="agent")
