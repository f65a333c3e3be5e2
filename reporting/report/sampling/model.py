"""The next-round sampling report's model and run: the population, the stratified draw, the call schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from reporting.config import resolve_path
from reporting.domain import COMPLAINT, KEY_CUSTOMER
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
from reporting.report.params import SamplingParams
from reporting.vocab import headers

PERSONAL_FIELDS = ("customer_name", "phone", "service_id")  # the summary page names customers by id; the call list has the rest


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
        "complaints": int(sample["reason"].eq(COMPLAINT).sum()),
        "key_customers": int(sample["reason"].eq(KEY_CUSTOMER).sum()),
    }


def build(params: SamplingParams) -> SamplingModel:
    """Read the services export, draw the sample and schedule the calls.

    Args:
        params: the run's parameters (``SamplingParams``): the moment calls start from
            and the window ends at (``as_of``, else the run's clock), the services export,
            the window (``lookback_days``), the rates, key customer types, agents, work
            hours, the slot and the draw's seed.
    """
    p = params
    rules = parse_rules(p.sample_rate, p.stratum_rates, p.key_customer_types, p.agents, p.work_hours, p.slot_minutes, p.seed)
    moment, lookback_days = params.moment, params.lookback_days
    window_start = moment - timedelta(days=lookback_days)
    export = read_services(resolve_path(params.services))
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


def call_sheet(schedule: pd.DataFrame, scheduled: bool, without: tuple[str, ...] = ()) -> pd.DataFrame:
    """The call list (or the unscheduled list) with Chinese headers, names and phones masked.

    Args:
        schedule: the schedule (English keys).
        scheduled: the calls placed (True) or the customers left unscheduled (False).
        without: fields left out (English keys, e.g. ``PERSONAL_FIELDS``), dropped before any
            header is applied, so renaming a label cannot bring them back.
    """
    rows = schedule.loc[schedule["call_at"].notna() == scheduled]
    rows = rows.sort_values(["call_at", "agent", "customer_id"] if scheduled else ["deadline", "customer_id"], kind="stable")
    names = headers("calls")
    unknown = set(without) - set(names)
    if unknown:
        raise ValueError(f"call_sheet cannot leave out unknown fields {sorted(unknown)}")
    columns = [
        c
        for c in names
        if c in rows and c not in without and (scheduled or c not in ("call_at", "agent")) and (not scheduled or c != "unscheduled_reason")
    ]
    sheet = rows[columns].copy()
    if "customer_name" in sheet:
        sheet["customer_name"] = sheet["customer_name"].map(mask_name)
    if "phone" in sheet:
        sheet["phone"] = sheet["phone"].map(mask_phone)
    return sheet.rename(columns=names).reset_index(drop=True)
