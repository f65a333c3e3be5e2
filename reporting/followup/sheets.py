"""The follow-up plan as staff see it in a workbook: results masked, Chinese headers, overdue rows and the status drop-down."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from reporting.followup.plan import load_followup_rules, overdue
from reporting.intake.privacy import mask_text
from reporting.vocab import headers, sheet_name


def plan_sheet(items: pd.DataFrame) -> pd.DataFrame:
    """Plan items as staff see them: free-text results masked, Chinese headers (``columns_plan``)."""
    return masked_plan(items).rename(columns=headers("plan"))


def plan_marks(plan: pd.DataFrame, as_of: datetime) -> dict[str, Any]:
    """``workbook_payload``'s highlight and choices for a 客户跟进计划表: overdue rows at ``as_of``, 当前状态 as a drop-down."""
    return {
        "highlight": {sheet_name("plan"): overdue(plan, as_of).tolist()},
        "choices": {headers("plan")["status"]: list(load_followup_rules().statuses)},
    }


def masked_plan(plan: pd.DataFrame) -> pd.DataFrame:
    """Plan items with staff's free-text results masked (they may quote a phone number)."""
    return plan.assign(result=plan["result"].map(lambda v: mask_text(v) if isinstance(v, str) else v)) if len(plan) else plan
