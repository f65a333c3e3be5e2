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

from reporting.analysis.metrics import Rate
from reporting.config import VOCAB_DIR
from reporting.intake.pairs import parse_pairs
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
    complaints = feedback_types.reindex(valid.index).eq("投诉").to_numpy()
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


RECORD_COLUMNS = {
    "record_id": "记录编号",
    "customer_id": "客户编号",
    "customer_name": "客户姓名",
    "phone": "联系方式",
    "customer_type": "客户类型",
    "service_type": "服务类型",
    "service_completed_at": "服务完成时间",
    "visit_at": "回访时间",
    "visitor": "回访人",
    "channel": "沟通方式",
    "status": "回访状态",
    "overall_satisfaction": "整体满意度",
    "nps": "推荐意愿",
    "comment": "客户反馈",
}


def record_sheet(
    valid: pd.DataFrame,
    problems: pd.DataFrame,
    feedback: pd.DataFrame,
    tags: pd.DataFrame,
    themes: pd.Series | None = None,
    negative: pd.Series | None = None,
) -> pd.DataFrame:
    """客户回访记录表: the period's valid responses, masked, with the analysis columns.

    Args:
        valid: valid responses.
        problems: boolean problem tags.
        feedback: ``sentiment`` and ``feedback_type`` per response.
        tags: boolean customer tags.
        themes: the discovered theme of a response the taxonomy left untyped (自动主题).
        negative: the text's probability of being negative (负面概率).

    Returns:
        Chinese-headed columns; names, phones and personal data in comments masked.
    """
    from reporting.intake.privacy import mask_name, mask_phone, mask_text

    present = [c for c in RECORD_COLUMNS if c in valid]
    sheet = valid[present].copy()
    if "customer_name" in sheet:
        names = sheet["customer_name"]
        sheet["customer_name"] = names.map(mask_name)
        if "comment" in sheet:
            sheet["comment"] = [mask_text(c, (n,) if isinstance(n, str) else ()) for c, n in zip(valid["comment"], names, strict=True)]
    elif "comment" in sheet:
        sheet["comment"] = sheet["comment"].map(mask_text)
    if "phone" in sheet:
        sheet["phone"] = sheet["phone"].map(mask_phone)
    sheet = sheet.rename(columns=RECORD_COLUMNS)
    sheet["问题类型"] = _joined_labels(problems)
    if themes is not None:
        sheet["自动主题"] = themes.to_numpy(dtype=object)
    sheet["情感倾向"] = feedback["sentiment"].to_numpy()
    if negative is not None:
        sheet["负面概率"] = negative.round(2).to_numpy()
    sheet["反馈类型"] = feedback["feedback_type"].to_numpy()
    sheet["客户标签"] = _joined_labels(tags)
    return sheet.reset_index(drop=True)


def _joined_labels(flags: pd.DataFrame) -> list[str] | str:
    """Per row, the names of the columns that are true, joined with 、."""
    if not len(flags.columns):
        return ""
    names = flags.columns.to_numpy(dtype=object)
    return ["、".join(names[row]) for row in flags.to_numpy(dtype=bool)]


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
