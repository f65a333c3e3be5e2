"""The follow-up plan report as HTML, its metrics.json and what it hands to the exporter."""

from __future__ import annotations

from typing import Any

from IPython.display import HTML

from reporting.followup.measure_sheet import by_owner, measure_sheet, with_measure_marks
from reporting.followup.sheets import plan_marks, plan_sheet
from reporting.report.followup.model import WORKLOAD_DAYS, FollowupModel
from reporting.report.html.fragments import render_fragment, table_context
from reporting.report.html.values import rate_entry
from reporting.report.params import FollowupParams
from reporting.report.publish import publish_outputs, workbook_payload
from reporting.vocab import headers, sheet_name

SHOWN_ROWS = 30


def render(model: FollowupModel, part: str = "all", generated_at: str = "") -> HTML:
    """The follow-up summary as HTML (one part: ``all`` — KPIs, escalations, workload, second follow-ups, methods)."""
    if part != "all":
        raise ValueError(f"the follow-up report has one part, 'all', not {part!r}")
    escalations = model.escalations[["item_id", "customer_id", "item", "due_at", "hours_overdue", "owner", "status"]]
    second = model.second_round[["customer_id", "record_id", "subject", "changes_made"]]
    return render_fragment(
        "followup.html.j2",
        m=model,
        generated_at=generated_at,
        escalations=table_context(escalations.rename(columns=headers("plan"))),
        workload=table_context(model.workload.rename(columns=headers("workload", days=WORKLOAD_DAYS))),
        second_round=table_context(second.rename(columns=headers("second_round"))),
        measures=table_context(by_owner(list(model.measures), model.as_of.date())),
        shown=SHOWN_ROWS,
    )


def followup_document(model: FollowupModel) -> dict[str, Any]:
    """The follow-up report's metrics.json: KPIs with numerators and denominators, and counts."""
    kpis = model.kpis
    return {
        "as_of": model.as_of.strftime("%Y-%m-%d %H:%M"),
        "window_start": model.window_start.strftime("%Y-%m-%d %H:%M"),
        "coverage": rate_entry(model.coverage),
        "closure": rate_entry(kpis.closure),
        "on_time": rate_entry(kpis.on_time),
        "problem_resolution": rate_entry(kpis.problem_resolution),
        "demand_conversion": rate_entry(kpis.demand_conversion),
        "due": kpis.due,
        "overdue": kpis.overdue,
        "open": kpis.open,
        "results_recorded": kpis.results_recorded,
        "items": len(model.plan),
        "added": model.added,
        "assigned": model.assigned,
        "escalations": len(model.escalations),
        "second_round": len(model.second_round),
        "workload": model.workload.to_dict("records"),
        "measures": [
            {
                "id": m.id,
                "owner": m.owner,
                "slice": m.slice_label,
                "deadline": m.deadline.isoformat(),
                "days_over": m.days_over(model.as_of.date()),
                "status": m.status,
            }
            for m in model.measures
        ],
    }


def publish(model: FollowupModel, params: FollowupParams) -> None:
    """Hand metrics.json, the rejects ledger and workbook.xlsx (through ``params.handover_dir``) to the exporter."""
    sheets = {
        sheet_name("plan"): plan_sheet(model.plan),
        sheet_name("escalation"): plan_sheet(model.escalations),
        sheet_name("second_round"): model.second_round.rename(columns=headers("second_round")),
        sheet_name("workload"): model.workload.rename(columns=headers("workload", days=WORKLOAD_DAYS)),
        **({sheet_name("measures"): measure_sheet(list(model.measures))} if model.measures else {}),
    }
    workbook = workbook_payload(sheets, params.handover_dir, **with_measure_marks(plan_marks(model.plan, model.as_of), sheets))
    publish_outputs(followup_document(model), model.rejects, workbook)
