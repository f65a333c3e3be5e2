"""The follow-up plan: what to do next for each customer, by editable rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from reporting.classify import score_band
from reporting.config import VOCAB_DIR
from reporting.vocab import read_yaml

PLAN_COLUMNS = ["客户编号", "记录编号", "跟进事项", "当前状态", "计划跟进时间", "实际跟进时间", "跟进结果简述", "下一步计划", "负责人"]


def load_followup_rules() -> dict[str, Any]:
    """The bundled follow-up rules (``vocab/followup.yaml``)."""
    return read_yaml(VOCAB_DIR / "followup.yaml")


def build_plan(valid: pd.DataFrame, feedback_types: pd.Series, has_need: pd.Series, rules: dict[str, Any] | None = None) -> pd.DataFrame:
    """One plan item per response by its satisfaction band, plus one per complaint and per need.

    不满意 (1-2) → a supervisor within 24 h; 一般 (3-4) → a second call within a week;
    非常满意 (5) → routine follow-up in three months; complaints → confirmed within 2 h;
    needs and suggestions → an owner answers them. All per ``vocab/followup.yaml``.

    Args:
        valid: valid responses (``record_id``, ``customer_id``, ``visit_at``, ``overall_satisfaction``).
        feedback_types: 投诉/建议/咨询/表扬 per response.
        has_need: whether the customer stated a need or suggestion.
        rules: the rules (default: the bundled file).

    Returns:
        ``PLAN_COLUMNS``, status 待跟进, ordered by due time then record.
    """
    rules = rules or load_followup_rules()
    bands = score_band(valid["overall_satisfaction"])
    items = []
    for index, row in valid.iterrows():
        chosen = [rules["by_band"].get(bands[index])]
        if feedback_types.get(index) == "投诉":
            chosen.append(rules["complaint"])
        if bool(has_need.get(index)):
            chosen.append(rules["need"])
        for rule in filter(None, chosen):
            items.append(
                {
                    "客户编号": row.get("customer_id"),
                    "记录编号": row["record_id"],
                    "跟进事项": rule["item"],
                    "当前状态": rules["statuses"][0],
                    "计划跟进时间": row["visit_at"] + pd.Timedelta(hours=float(rule["within_hours"])),
                    "实际跟进时间": None,
                    "跟进结果简述": None,
                    "下一步计划": rule["next"],
                    "负责人": rule["owner"],
                }
            )
    plan = pd.DataFrame(items, columns=PLAN_COLUMNS)
    return plan.sort_values(["计划跟进时间", "记录编号"], kind="stable").reset_index(drop=True)


def overdue(plan: pd.DataFrame, as_of: datetime) -> pd.Series:
    """Items past their due time and not done (they go to the escalation list)."""
    return plan["计划跟进时间"].lt(pd.Timestamp(as_of)) & ~plan["当前状态"].isin(["已完成"])


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


def record_sheet(valid: pd.DataFrame, problems: pd.DataFrame, feedback: pd.DataFrame, tags: pd.DataFrame) -> pd.DataFrame:
    """客户回访记录表: the period's valid responses, masked, with the analysis columns.

    Args:
        valid: valid responses.
        problems: boolean problem tags.
        feedback: ``sentiment`` and ``feedback_type`` per response.
        tags: boolean customer tags.

    Returns:
        Chinese-headed columns; names, phones and personal data in comments masked.
    """
    from reporting.privacy import mask_name, mask_phone, mask_text

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
    sheet["问题类型"] = ["、".join(problems.columns[row]) for row in problems.to_numpy()] if len(problems.columns) else ""
    sheet["情感倾向"] = feedback["sentiment"].to_numpy()
    sheet["反馈类型"] = feedback["feedback_type"].to_numpy()
    sheet["客户标签"] = ["、".join(tags.columns[row]) for row in tags.to_numpy()] if len(tags.columns) else ""
    return sheet.reset_index(drop=True)
