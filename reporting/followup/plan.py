"""The follow-up plan: what to do next for each customer, by editable rules, and how it went.

Plan items carry a stable 跟进编号 (from the record and the rule), so the staff's results
typed into the workbook can be matched back (``validate_results``) and the plan's KPIs
computed from the items kept in the store (``followup_kpis``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import pandas as pd

from reporting.config import VOCAB_DIR
from reporting.domain import COMPLAINT
from reporting.text.classify import score_band
from reporting.vocab import read_yaml

PLAN_COLUMNS = [
    "item_id", "customer_id", "record_id", "visit_at", "kind", "subject", "item", "status",
    "due_at", "done_at", "result", "next_step", "owner",
]  # fmt: skip
EDITABLE_COLUMNS = ("status", "done_at", "result")
PROBLEM_KINDS = ("问题", "投诉")
AGENT_ROLE = "回访人"


@dataclass(frozen=True)
class FollowupRule:
    """What to do next for one kind of response: the item, its kind, how soon, whose, and the step after."""

    item: str
    kind: str
    within_hours: float
    owner: str
    next: str


@dataclass(frozen=True)
class FollowupRules:
    """The follow-up rules (``vocab/followup.yaml``).

    Attributes:
        by_band: satisfaction band (不满意 / 一般 / 非常满意) → its rule.
        complaint: the rule for a complaint.
        need: the rule for a stated need or suggestion.
        statuses: the statuses staff pick from; the first is a new item's.
        done_status: the status of a finished item.
        escalate_to: who overdue items go to.
    """

    by_band: dict[str, FollowupRule]
    complaint: FollowupRule
    need: FollowupRule
    statuses: tuple[str, ...]
    done_status: str
    escalate_to: str

    @property
    def new_status(self) -> str:
        """A new item's status (待跟进)."""
        return self.statuses[0]


@cache
def load_followup_rules() -> FollowupRules:
    """The bundled follow-up rules (``vocab/followup.yaml``), read once per process."""
    doc = read_yaml(VOCAB_DIR / "followup.yaml")

    def rule(spec: dict[str, Any]) -> FollowupRule:
        return FollowupRule(str(spec["item"]), str(spec["kind"]), float(spec["within_hours"]), str(spec["owner"]), str(spec["next"]))

    return FollowupRules(
        by_band={str(band): rule(spec) for band, spec in doc["by_band"].items()},
        complaint=rule(doc["complaint"]),
        need=rule(doc["need"]),
        statuses=tuple(str(s) for s in doc["statuses"]),
        done_status=str(doc["done_status"]),
        escalate_to=str(doc["escalate_to"]),
    )


def item_id(record_id: object, customer_id: object, rule_key: str) -> str:
    """A plan item's stable 跟进编号: the same record and rule always give the same id."""
    digest = hashlib.sha1(f"{record_id}|{customer_id}|{rule_key}".encode()).hexdigest()[:10].upper()
    return f"GJ{digest}"


def _rules_for(band: object, complaint: bool, need: bool, rules: FollowupRules) -> list[tuple[str, FollowupRule]]:
    """The rules that apply to one response: its band's, and the complaint and need rules when they fit."""
    chosen = [(str(band), rules.by_band.get(str(band)))]
    if complaint:
        chosen.append(("complaint", rules.complaint))
    if need:
        chosen.append(("need", rules.need))
    return [(key, rule) for key, rule in chosen if rule]


def _plan_item(
    rule: FollowupRule, key: str, record: object, customer: object, visitor: object, visit_at: pd.Timestamp, subject: object, status: str
) -> dict[str, object]:
    """One plan row; an item owned by the 回访人 role goes to the agent who made the call, when known."""
    owner = visitor if rule.owner == AGENT_ROLE and isinstance(visitor, str) and visitor else rule.owner
    return {
        "item_id": item_id(record, customer, key),
        "customer_id": customer,
        "record_id": record,
        "visit_at": visit_at,
        "kind": rule.kind,
        "subject": subject or None,
        "item": rule.item,
        "status": status,
        "due_at": visit_at + pd.Timedelta(hours=rule.within_hours),
        "done_at": pd.NaT,
        "result": None,
        "next_step": rule.next,
        "owner": owner,
    }


def build_plan(
    valid: pd.DataFrame,
    feedback_types: pd.Series,
    has_need: pd.Series,
    subjects: pd.Series | None = None,
    rules: FollowupRules | None = None,
) -> pd.DataFrame:
    """One plan item per response by its satisfaction band, plus one per complaint and per need.

    不满意 (1-2) → a supervisor within 24 h; 一般 (3-4) → a second call within a week;
    非常满意 (5) → routine follow-up in three months; complaints → confirmed within 2 h;
    needs and suggestions → an owner answers them. All per ``vocab/followup.yaml``.
    An item owned by the 回访人 role goes to the agent who made the call, when known.

    Args:
        valid: valid responses (``record_id``, ``customer_id``, ``visit_at``, ``overall_satisfaction``,
            optionally ``visitor``).
        feedback_types: 投诉/建议/咨询/表扬 per response.
        has_need: whether the customer stated a need or suggestion.
        subjects: what each response is about (problem types or demand topics), shown
            as 相关问题 and used to match changes made in the second follow-up.
        rules: the rules (default: the bundled file).

    Returns:
        ``PLAN_COLUMNS``, status 待跟进, ordered by due time then record.
    """
    rules = rules or load_followup_rules()
    bands = score_band(valid["overall_satisfaction"]).to_numpy(dtype=object)
    complaints = feedback_types.reindex(valid.index).eq(COMPLAINT).to_numpy()
    needs = has_need.reindex(valid.index).fillna(False).astype(bool).to_numpy()
    about = subjects.reindex(valid.index).to_numpy(dtype=object) if subjects is not None else [None] * len(valid)
    missing = [None] * len(valid)
    columns = zip(
        valid["record_id"].to_numpy(dtype=object),
        valid["customer_id"].to_numpy(dtype=object) if "customer_id" in valid else missing,
        valid["visitor"].to_numpy(dtype=object) if "visitor" in valid else missing,
        valid["visit_at"],
        bands,
        complaints,
        needs,
        about,
        strict=True,
    )
    items = [
        _plan_item(rule, key, record, customer, visitor, visit_at, subject, rules.new_status)
        for record, customer, visitor, visit_at, band, complaint, need, subject in columns
        for key, rule in _rules_for(band, complaint, need, rules)
    ]
    plan = pd.DataFrame(items, columns=PLAN_COLUMNS)
    for column in ("visit_at", "due_at", "done_at"):
        plan[column] = pd.to_datetime(plan[column]).astype("datetime64[ns]")
    return plan.sort_values(["due_at", "record_id"], kind="stable").reset_index(drop=True)


def overdue(plan: pd.DataFrame, as_of: datetime) -> pd.Series:
    """Items past their due time and not done (they go to the escalation list)."""
    done = load_followup_rules().done_status
    return plan["due_at"].lt(pd.Timestamp(as_of)) & ~plan["status"].isin([done])


def escalation_list(plan: pd.DataFrame, as_of: datetime) -> pd.DataFrame:
    """升级清单: overdue items, with how late they are and whom they go to.

    Args:
        plan: plan items (``PLAN_COLUMNS``).
        as_of: the moment lateness is judged at.

    Returns:
        The overdue items plus 逾期小时, 升级原因 and 升级对象, most overdue first.
    """
    late = plan.loc[overdue(plan, as_of)].copy()
    late["hours_overdue"] = ((pd.Timestamp(as_of) - late["due_at"]) / pd.Timedelta(hours=1)).round(1)
    late["escalation_reason"] = "已超过计划跟进时间仍未完成"
    late["escalate_to"] = load_followup_rules().escalate_to
    return late.sort_values(["due_at", "item_id"], kind="stable").reset_index(drop=True)


def response_subjects(problems: pd.DataFrame, texts: pd.Series, demand_rules: dict[str, Any] | None = None) -> pd.Series:
    """What each response is about: its problem types, then the topics of the needs it states.

    Args:
        problems: boolean problem tags per response.
        texts: the responses' words.
        demand_rules: the demand rules (default ``vocab/demands.yaml``).

    Returns:
        Labels joined with 、 per response ("" when none).
    """
    from reporting.text.demand import OTHER_DEMAND, demand_statements

    rules = demand_rules or read_yaml(VOCAB_DIR / "demands.yaml")
    names = problems.columns.to_numpy(dtype=object)
    topics_of: dict[str, list[str]] = {}  # exports repeat texts: find each text's topics once
    subjects = []
    for flags, text in zip(problems.to_numpy(dtype=bool), texts.reindex(problems.index), strict=True):
        found = list(names[flags])
        text = text if isinstance(text, str) else ""
        if text not in topics_of:
            topics = []
            for statement in demand_statements(text, rules["markers"]):
                matched = [t for t, words in rules["topics"].items() if any(w in statement for w in words)] or [OTHER_DEMAND]
                topics += [t for t in matched if t not in topics]
            topics_of[text] = topics
        found += [t for t in topics_of[text] if t not in found]
        subjects.append("、".join(found))
    return pd.Series(subjects, index=problems.index, dtype="object")
