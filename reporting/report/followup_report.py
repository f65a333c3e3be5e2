"""The follow-up plan report (followup_plan.ipynb): KPIs, escalations, workload, second follow-ups.

It reads the plan items kept in the store, adds items for responses that have none yet,
gives role-owned items to people (kept in the store, so assignments stay put), and
publishes the summary and the workbook the supervisors work from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from IPython.display import HTML

from reporting.analysis.metrics import Rate
from reporting.config import resolve_path
from reporting.followup.plan import (
    FollowupKpis,
    assign_owners,
    build_plan,
    escalation_list,
    followup_kpis,
    load_followup_rules,
    parse_owner_groups,
    response_subjects,
    second_round,
    workload,
)
from reporting.followup.tracking import load_items, save_plan, set_owners
from reporting.intake.clean import CleanResult
from reporting.intake.pairs import parse_pairs
from reporting.intake.store import default_store_url
from reporting.report.document import rate_entry
from reporting.report.fragments import render_fragment, table_context
from reporting.report.pipeline import load_source
from reporting.report.publishing import masked_plan, publish_outputs, workbook_payload
from reporting.text.classify import feedback_text, tag_problems
from reporting.text.demand import tag_customers
from reporting.text.sentiment import classify_feedback
from reporting.vocab import label, load_taxonomy

SHOWN_ROWS = 30


@dataclass(frozen=True)
class FollowupModel:
    """Everything the follow-up report shows.

    Attributes:
        as_of: the moment the plan is judged at.
        window_start: responses and due items from here on are this plan's window.
        lookback_days: the window's length.
        plan: open items of any period plus the window's items, with their owners.
        kpis: the KPIs of items due in the window.
        coverage: responses needing follow-up that had a plan item before this run.
        added: items this run added for responses that had none.
        assigned: role-owned items this run gave to people.
        escalations: overdue items (升级清单).
        second_round: 二次回访清单.
        workload: open items per owner.
        changes: problem type or demand topic → the change made.
        rejects: the source's rejects ledger.
        ledger_line: the source's row accounting, for the data-quality note.
    """

    as_of: datetime
    window_start: datetime
    lookback_days: int
    plan: pd.DataFrame
    kpis: FollowupKpis
    coverage: Rate
    added: int
    assigned: int
    escalations: pd.DataFrame
    second_round: pd.DataFrame
    workload: pd.DataFrame
    changes: dict[str, str] = field(default_factory=dict)
    rejects: pd.DataFrame = field(default_factory=pd.DataFrame)
    ledger_line: str = ""


def plan_for_responses(valid: pd.DataFrame, taxonomy_path: str = "") -> pd.DataFrame:
    """The plan items the rules call for, for valid responses (the weekly report's classification).

    Args:
        valid: valid responses.
        taxonomy_path: an analyst's own taxonomy YAML, or "" for the bundled one.
    """
    texts = feedback_text(valid)
    problems = tag_problems(texts, load_taxonomy(resolve_path(taxonomy_path) if taxonomy_path else None))
    feedback = classify_feedback(texts, valid["overall_satisfaction"], problems.any(axis=1))
    customer_tags = tag_customers(valid, texts, feedback["feedback_type"], problems)
    has_need = customer_tags.get("改进建议积极客户", pd.Series(False, index=valid.index))
    return build_plan(valid, feedback["feedback_type"], has_need, response_subjects(problems, texts))


def build_followup_model(
    *,
    as_of: str,
    source: str = "",
    followup_store: str = "",
    lookback_days: int = 7,
    owner_groups: str = "",
    changes: str = "",
    taxonomy: str = "",
) -> FollowupModel:
    """Bring the plan up to date in the store and compute the follow-up report.

    Args:
        as_of: ``YYYY-MM-DD HH:MM``, the moment the plan is judged at.
        source: records whose responses need plan items (store URL or files), or "" to
            work from the stored plan only.
        followup_store: the store the plan lives in ("" for the default store).
        lookback_days: the window: responses and due items of the last this many days.
        owner_groups: ``角色:工号,工号；…`` — who takes items of each role.
        changes: ``问题类型或需求主题:改进说明；…`` — changes made, for the second follow-up.
        taxonomy: an analyst's own taxonomy YAML, or "" for the bundled one.
    """
    moment = datetime.fromisoformat(as_of)
    window_start = moment - timedelta(days=lookback_days)
    url = followup_store.strip() or default_store_url()
    groups = parse_owner_groups(owner_groups)
    made = parse_pairs(changes, "changes", "响应速度:晚间增加 2 名客服")
    cleaned, coverage, added = _add_missing_items(source, url, window_start, moment, taxonomy)
    items = load_items(url, since=window_start)
    items = items.loc[items["回访时间"].lt(pd.Timestamp(moment)) | items["回访时间"].isna()]
    done = load_followup_rules()["done_status"]
    current = items.loc[items["当前状态"].ne(done) | items["回访时间"].ge(pd.Timestamp(window_start))].reset_index(drop=True)
    assigned = assign_owners(current, groups)
    moved = assigned["负责人"].ne(current["负责人"])
    set_owners(url, dict(zip(assigned.loc[moved, "跟进编号"], assigned.loc[moved, "负责人"], strict=True)))
    window_items = assigned.loc[assigned["回访时间"].ge(pd.Timestamp(window_start))]
    return FollowupModel(
        as_of=moment,
        window_start=window_start,
        lookback_days=lookback_days,
        plan=assigned,
        kpis=followup_kpis(items, window_start, moment, moment),
        coverage=coverage,
        added=added,
        assigned=int(moved.sum()),
        escalations=escalation_list(assigned, moment),
        second_round=second_round(window_items, made),
        workload=workload(assigned, moment),
        changes=made,
        rejects=cleaned.rejects if cleaned is not None else pd.DataFrame(),
        ledger_line=_ledger_line(cleaned),
    )


def _add_missing_items(
    source: str, url: str, window_start: datetime, as_of: datetime, taxonomy: str
) -> tuple[CleanResult | None, Rate, int]:
    """Plan items for the window's responses that have none yet: (the source, coverage before, items added)."""
    if not source:
        return None, Rate(0, 0), 0
    cleaned = load_source(source, window_start.date(), as_of.date(), trend_periods=1)
    records = cleaned.records
    in_window = records["visit_at"].ge(pd.Timestamp(window_start)) & records["visit_at"].lt(pd.Timestamp(as_of))
    valid = records.loc[in_window & records["valid"]].reset_index(drop=True)
    required = plan_for_responses(valid, taxonomy)
    stored = set(load_items(url, ids=required["跟进编号"].tolist())["跟进编号"]) if len(required) else set()
    covered = required["跟进编号"].isin(stored)
    added = save_plan(url, required.loc[~covered], as_of)  # the clock is the as_of parameter
    return cleaned, Rate(int(covered.sum()), len(required)), added


def _ledger_line(cleaned: CleanResult | None) -> str:
    if cleaned is None:
        return ""
    return label("followup_ledger", read=cleaned.read, rejected=len(cleaned.rejects), duplicates=cleaned.duplicates)


def render_followup(model: FollowupModel, generated_at: str = "") -> HTML:
    """The whole follow-up summary: KPIs, escalations, workload, second follow-ups, methods."""
    escalations = model.escalations[["跟进编号", "客户编号", "跟进事项", "计划跟进时间", "逾期小时", "负责人", "当前状态"]]
    second = model.second_round[["客户编号", "记录编号", "相关问题", "已做改进"]]
    return render_fragment(
        "followup.html.j2",
        m=model,
        generated_at=generated_at,
        escalations=table_context(escalations),
        workload=table_context(model.workload),
        second_round=table_context(second),
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
    }


def publish_followup(model: FollowupModel) -> None:
    """Publish metrics.json, the rejects ledger and workbook.xlsx for the exporter."""
    sheets = {
        "客户跟进计划表": masked_plan(model.plan),
        "升级清单": masked_plan(model.escalations),
        "二次回访清单": model.second_round,
        "负责人工作量": model.workload,
    }
    publish_outputs(followup_document(model), model.rejects, workbook_payload(sheets, as_of=model.as_of))
