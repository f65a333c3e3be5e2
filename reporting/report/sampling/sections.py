"""The sampling plan as HTML, its metrics.json and what it hands to the exporter (call_list.xlsx)."""

from __future__ import annotations

from typing import Any

from IPython.display import HTML

from reporting.report.html.fragments import render_fragment, table_context
from reporting.report.html.values import round_value
from reporting.report.params import SamplingParams
from reporting.report.publish import publish_outputs, workbook_payload
from reporting.report.sampling.model import PERSONAL_FIELDS, SamplingModel, call_sheet
from reporting.vocab import headers, sheet_name

SHOWN_ROWS = 40


def render(model: SamplingModel, part: str = "all", generated_at: str = "") -> HTML:
    """The sampling summary as HTML (one part, ``all``: counts, strata, agent load, the unscheduled list, the first calls, the rules)."""
    if part != "all":
        raise ValueError(f"the sampling plan has one part, 'all', not {part!r}")
    calls = call_sheet(model.schedule, scheduled=True, without=PERSONAL_FIELDS)
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
        unscheduled=table_context(call_sheet(model.schedule, scheduled=False, without=PERSONAL_FIELDS)),
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


def publish(model: SamplingModel, params: SamplingParams) -> None:
    """Publish metrics.json, the rejects ledger and call_list.xlsx (through ``params.handover_dir``) for the exporter."""
    sheets = {
        sheet_name("calls"): call_sheet(model.schedule, scheduled=True),
        sheet_name("unscheduled"): call_sheet(model.schedule, scheduled=False),
        sheet_name("strata"): model.strata.rename(columns=headers("strata")),
        sheet_name("agent_load"): model.load.rename(columns=headers("agent_load")),
    }
    strata = headers("strata")
    workbook = workbook_payload(sheets, params.handover_dir, file="call_list.xlsx", percent=(strata["rate"], strata["target"]))
    publish_outputs(sampling_document(model), model.rejects, workbook, rejects_id="service_id")
