"""The next-round sampling report's model and run: the population, the stratified draw, the call schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from reporting.config import resolve_path
from reporting.followup.sampling import (
    LATEST_HOURS,
    Rules,
    achieved_rates,
    agent_load,
    customers_of,
    draw_sample,
    parse_rules,
    schedule_calls,
)
from reporting.intake.privacy import mask_name, mask_phone
from reporting.intake.services import ServicesFile, read_services
from reporting.report.clock import moment_of
from reporting.vocab import headers


@dataclass(frozen=True)
class SamplingModel:
    """Everything the sampling plan shows.

    Attributes:
        as_of: no call before this moment; the window ends here.
        window_start: services completed from here on are the population.
        rules: the sampling and scheduling rules.
        accounting: the export's rows by what became of them (they add up to ``read``).
        strata: achieved against target rate per service type.
        schedule: the drawn customers with slot, agent or the reason there is none.
        load: calls per agent and day.
        rejects: the export's rejects ledger.
        missing_columns: rule columns the export lacks (the rules needing them could not act).
    """

    as_of: datetime
    window_start: datetime
    rules: Rules
    accounting: dict[str, int]
    strata: pd.DataFrame
    schedule: pd.DataFrame
    load: pd.DataFrame
    rejects: pd.DataFrame
    missing_columns: list[str]


def _accounting(
    export: ServicesFile,
    in_window: pd.Series,
    excluded: pd.Series,
    population: int,
    customers: int,
    sample: pd.DataFrame,
    schedule: pd.DataFrame,
) -> dict[str, int]:
    """Where the services went: read, rejected, outside the window, do-not-call, one per customer, drawn, scheduled."""
    return {
        "read": export.read,
        "rejected": len(export.rejects),
        "outside_window": int((~in_window).sum()),
        "do_not_call": int(excluded.sum()),
        "same_customer": population - customers,
        "customers": customers,
        "selected": len(schedule),
        "scheduled": int(schedule["call_at"].notna().sum()),
        "unscheduled": int(schedule["call_at"].isna().sum()),
        "complaints": int(sample["reason"].eq("投诉").sum()),
        "key_customers": int(sample["reason"].eq("重点客户").sum()),
    }


def build(
    *,
    as_of: str,
    source: str,
    lookback_days: int = 3,
    sample_rate: float = 0.1,
    stratum_rates: str = "",
    key_customer_types: str = "",
    agents: str = "",
    work_hours: str = "09:00-18:00",
    slot_minutes: int = 15,
    seed: int = 7,
) -> SamplingModel:
    """Read the services export, draw the sample and schedule the calls.

    Args:
        as_of: ``YYYY-MM-DD HH:MM``; calls start from here and the window ends here ("" means now).
        source: the services-completed export (CSV / XLSX / Parquet).
        lookback_days: services completed in the last this many days are the population.
        sample_rate: the share of each service type's customers to call at least.
        stratum_rates: ``服务类型:比例, …`` replacing ``sample_rate`` for some types.
        key_customer_types: customer types always called (besides the 重点客户 column).
        agents: ``工号:日容量, …``.
        work_hours: ``09:00-18:00``.
        slot_minutes: one call's slot.
        seed: the random seed of the draw.
    """
    rules = parse_rules(sample_rate, stratum_rates, key_customer_types, agents, work_hours, slot_minutes, seed)
    moment = moment_of(as_of)
    window_start = moment - timedelta(days=lookback_days)
    export = read_services(resolve_path(source))
    services = export.services
    in_window = services["completed_at"].ge(pd.Timestamp(window_start)) & services["completed_at"].lt(pd.Timestamp(moment))
    refusing = set(services.loc[services["do_not_call"], "customer_id"])
    excluded = in_window & services["customer_id"].isin(refusing)
    population = services.loc[in_window & ~excluded]
    customers = customers_of(population)
    sample = draw_sample(customers, rules)
    schedule = schedule_calls(sample.loc[sample["selected"]], rules, moment)
    schedule["deadline"] = schedule["completed_at"] + pd.Timedelta(hours=LATEST_HOURS)
    accounting = _accounting(export, in_window, excluded, len(population), len(customers), sample, schedule)
    return SamplingModel(
        moment,
        window_start,
        rules,
        accounting,
        achieved_rates(sample, rules),
        schedule,
        agent_load(schedule, rules),
        export.rejects,
        list(export.missing),
    )


def call_sheet(schedule: pd.DataFrame, scheduled: bool) -> pd.DataFrame:
    """The call list (or the unscheduled list) with Chinese headers, names and phones masked."""
    rows = schedule.loc[schedule["call_at"].notna() == scheduled]
    rows = rows.sort_values(["call_at", "agent", "customer_id"] if scheduled else ["deadline", "customer_id"], kind="stable")
    names = headers("calls")
    columns = [
        c for c in names if c in rows and (scheduled or c not in ("call_at", "agent")) and (not scheduled or c != "unscheduled_reason")
    ]
    sheet = rows[columns].copy()
    if "customer_name" in sheet:
        sheet["customer_name"] = sheet["customer_name"].map(mask_name)
    if "phone" in sheet:
        sheet["phone"] = sheet["phone"].map(mask_phone)
    return sheet.rename(columns=names).reset_index(drop=True)
