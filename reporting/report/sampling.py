"""The next-round sampling plan (sampling_plan.ipynb): who to call, when, by whom.

Same shape as every report: ``build`` (the services export in, frozen model out, nothing
written), ``render`` (the summary as HTML), ``publish`` (metrics.json, the rejects ledger
and call_list.xlsx for the exporter).

Every row of the services export is accounted for: rejected, outside the window, a
customer who asked not to be called, another service of a customer already counted, or
a customer in the population (then drawn or not; if drawn, scheduled or not, with why).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from IPython.display import HTML

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
from reporting.report.document import round_value
from reporting.report.fragments import render_fragment, table_context
from reporting.report.loading import moment_of
from reporting.report.publishing import publish_outputs, workbook_payload
from reporting.vocab import headers

SHOWN_ROWS = 40


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


def render(model: SamplingModel, part: str = "all", generated_at: str = "") -> HTML:
    """The sampling summary as HTML (one part, ``all``: counts, strata, agent load, the unscheduled list, the first calls, the rules)."""
    if part != "all":
        raise ValueError(f"the sampling plan has one part, 'all', not {part!r}")
    hidden = ["客户姓名", "联系电话", "服务单号"]  # the summary names customers by id; the call list has the rest
    calls = call_sheet(model.schedule, scheduled=True).drop(columns=hidden, errors="ignore")
    return render_fragment(
        "sampling.html.j2",
        m=model,
        a=model.accounting,
        generated_at=generated_at,
        strata=table_context(
            model.strata.assign(rate=model.strata["rate"].map(_percent), target=model.strata["target"].map(_percent)).rename(
                columns=headers("strata")
            )
        ),
        load=table_context(model.load.rename(columns=headers("agent_load"))),
        unscheduled=table_context(call_sheet(model.schedule, scheduled=False).drop(columns=hidden, errors="ignore")),
        calls=table_context(calls),
        shown=SHOWN_ROWS,
    )


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def sampling_document(model: SamplingModel) -> dict[str, Any]:
    """metrics.json of the sampling plan: the accounting, per-stratum rates, agent load and the rules."""
    rules = model.rules
    return {
        "as_of": model.as_of.strftime("%Y-%m-%d %H:%M"),
        "window_start": model.window_start.strftime("%Y-%m-%d %H:%M"),
        "accounting": model.accounting,
        "missing_columns": model.missing_columns,
        "strata": [
            {
                "service_type": r["service_type"],
                "customers": int(r["customers"]),
                "mandatory": int(r["mandatory"]),
                "drawn": int(r["drawn"]),
                "selected": int(r["selected"]),
                "rate": round_value(r["rate"]),
                "target": r["target"],
            }
            for r in model.strata.to_dict("records")
        ],
        "agents": {r["agent"]: {"capacity": int(r["capacity"]), "calls": int(r["calls"])} for r in model.load.to_dict("records")},
        "rules": {
            "rate": rules.rate,
            "stratum_rates": rules.stratum_rates,
            "key_customer_types": list(rules.key_types),
            "work_hours": f"{rules.work_start:%H:%M}-{rules.work_end:%H:%M}",
            "slot_minutes": rules.slot_minutes,
            "seed": rules.seed,
        },
    }


def publish(model: SamplingModel) -> None:
    """Publish metrics.json, the rejects ledger and call_list.xlsx for the exporter."""
    sheets = {
        "回访名单": call_sheet(model.schedule, scheduled=True),
        "未能排期": call_sheet(model.schedule, scheduled=False),
        "分层抽样": model.strata.rename(columns=headers("strata")),
        "人员排班": model.load.rename(columns=headers("agent_load")),
    }
    strata = headers("strata")
    workbook = workbook_payload(sheets, file="call_list.xlsx", percent=(strata["rate"], strata["target"]))
    publish_outputs(sampling_document(model), model.rejects, workbook, rejects_id="service_id")
