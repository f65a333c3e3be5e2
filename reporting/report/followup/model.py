"""The follow-up plan report's model and run: the stored plan, new items for responses without one, owners, workloads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd

from reporting.analysis.measures import ACTIVE, Measure
from reporting.analysis.metrics import Rate
from reporting.config import resolve_path
from reporting.domain import SUGGESTING_CUSTOMER
from reporting.followup.measures import load_measures
from reporting.followup.plan import PLAN_COLUMNS, build_plan, escalation_list, load_followup_rules, response_subjects
from reporting.followup.progress import FollowupKpis, assign_owners, followup_kpis, parse_owner_groups, second_round, workload
from reporting.followup.tracking import load_items, save_plan, set_owners
from reporting.intake.clean import CleanResult
from reporting.intake.pairs import parse_pairs
from reporting.intake.store_schema import store_url
from reporting.report.loading import load_source
from reporting.report.params import FollowupParams
from reporting.text.classify import feedback_text, tag_problems
from reporting.text.demand import tag_customers
from reporting.text.sentiment import classify_feedback
from reporting.vocab import label, load_taxonomy

WORKLOAD_DAYS = 7  # the workload table's horizon: items due in the next this many days


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
        added: items this run adds for responses that had none (``new_items``).
        assigned: role-owned items this run gives to people (``owner_changes``).
        escalations: overdue items (升级清单).
        second_round: 二次回访清单.
        workload: open items per owner.
        changes: problem type or demand topic → the change made.
        rejects: the source's rejects ledger.
        ledger_line: the source's row accounting, for the data-quality note.
        new_items: the items ``sync_plan`` stores.
        owner_changes: 跟进编号 → the person ``sync_plan`` records as owner.
        measures: the improvement measures still being worked on (进行中, 逾期未达成), every slice.
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
    new_items: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    owner_changes: dict[str, str] = field(default_factory=dict)
    measures: tuple[Measure, ...] = ()


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
    has_need = customer_tags.get(SUGGESTING_CUSTOMER, pd.Series(False, index=valid.index))
    return build_plan(valid, feedback["feedback_type"], has_need, response_subjects(problems, texts))


def build(params: FollowupParams) -> FollowupModel:
    """Compute the follow-up report from the stored plan and the window's responses; nothing is written.

    Args:
        params: the run's parameters (``FollowupParams``): the moment the plan is judged at
            (``as_of``, else the run's clock), the records whose responses need plan items
            (``source``, "" for the stored plan only), the store, the window
            (``lookback_days``), who takes items of each role (``owner_groups``), the
            changes made for the second follow-up (``changes``) and the taxonomy.
    """
    moment, lookback_days = params.moment, params.lookback_days
    window_start = moment - timedelta(days=lookback_days)
    url = store_url(params.followup_store)
    groups = parse_owner_groups(params.owner_groups)
    made = parse_pairs(params.changes, "changes", "响应速度:晚间增加 2 名客服")
    cleaned, coverage, new_items = _missing_items(params.source, url, window_start, moment, params.taxonomy)
    items = _with_new(load_items(url, since=window_start), new_items)
    items = items.loc[items["visit_at"].lt(pd.Timestamp(moment)) | items["visit_at"].isna()]
    done = load_followup_rules().done_status
    current = items.loc[items["status"].ne(done) | items["visit_at"].ge(pd.Timestamp(window_start))].reset_index(drop=True)
    assigned = assign_owners(current, groups)
    moved = assigned["owner"].ne(current["owner"])
    window_items = assigned.loc[assigned["visit_at"].ge(pd.Timestamp(window_start))]
    return FollowupModel(
        as_of=moment,
        window_start=window_start,
        lookback_days=lookback_days,
        plan=assigned,
        kpis=followup_kpis(items, window_start, moment, moment),
        coverage=coverage,
        added=len(new_items),
        assigned=int(moved.sum()),
        escalations=escalation_list(assigned, moment),
        second_round=second_round(window_items, made),
        workload=workload(assigned, moment, WORKLOAD_DAYS),
        changes=made,
        rejects=cleaned.rejects if cleaned is not None else pd.DataFrame(),
        ledger_line=_ledger_line(cleaned),
        new_items=new_items,
        owner_changes=dict(zip(assigned.loc[moved, "item_id"], assigned.loc[moved, "owner"], strict=True)),
        measures=tuple(m for m in load_measures(url) if m.status in ACTIVE),
    )


def sync_plan(model: FollowupModel, params: FollowupParams) -> FollowupModel:
    """Store the items ``build`` added and the owners it assigned: the one step of the follow-up run that writes.

    The items' creation time is the model's ``as_of`` (the clock is a parameter).

    Raises:
        StoreError: the store cannot be written.
    """
    url = store_url(params.followup_store)
    save_plan(url, model.new_items, model.as_of)
    set_owners(url, model.owner_changes)
    return model


def _with_new(stored: pd.DataFrame, new_items: pd.DataFrame) -> pd.DataFrame:
    """The stored items plus those ``sync_plan`` will add, ordered as the store returns them."""
    if new_items.empty:
        return stored
    both = pd.concat([stored, new_items[stored.columns]], ignore_index=True) if len(stored) else new_items[stored.columns].copy()
    return both.sort_values(["due_at", "item_id"], kind="stable").reset_index(drop=True)


def _missing_items(
    source: str, url: str, window_start: datetime, as_of: datetime, taxonomy: str
) -> tuple[CleanResult | None, Rate, pd.DataFrame]:
    """Plan items for the window's responses that have none yet: (the source, coverage before, the missing items)."""
    if not source:
        return None, Rate(0, 0), pd.DataFrame(columns=PLAN_COLUMNS)
    cleaned = load_source(source, window_start.date(), as_of.date(), trend_periods=1)
    records = cleaned.records
    in_window = records["visit_at"].ge(pd.Timestamp(window_start)) & records["visit_at"].lt(pd.Timestamp(as_of))
    valid = records.loc[in_window & records["valid"]].reset_index(drop=True)
    required = plan_for_responses(valid, taxonomy)
    stored = set(load_items(url, ids=required["item_id"].tolist())["item_id"]) if len(required) else set()
    covered = required["item_id"].isin(stored)
    return cleaned, Rate(int(covered.sum()), len(required)), required.loc[~covered].reset_index(drop=True)


def _ledger_line(cleaned: CleanResult | None) -> str:
    if cleaned is None:
        return ""
    return label("followup_ledger", read=cleaned.read, rejected=len(cleaned.rejects), duplicates=cleaned.duplicates)
