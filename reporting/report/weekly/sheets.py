"""The weekly workbook's sheets for follow-up staff: all masked, every header from ``labels/``."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from reporting.followup.plan import escalation_list
from reporting.followup.results import PLAN_SHEET
from reporting.followup.sheets import ESCALATION_SHEET, plan_sheet
from reporting.report.weekly.model import ReportModel
from reporting.text.reading import theme_label


def workbook_tables(model: ReportModel, as_of: datetime) -> dict[str, pd.DataFrame]:
    """The weekly workbook's sheets (all masked, Chinese headers), the plan's 升级清单 judged at ``as_of``."""
    advice = {r.subject: r.action for r in model.recommendations if r.kind == "problem"}
    rows = [(p.type, p.count, p.share, p.quotes) for p in model.problems] + [
        (theme_label(t.name), t.count, t.share, t.quotes) for t in model.themes
    ]
    feedback_table = pd.DataFrame(
        [
            {
                "反馈类型": name,
                "数量": count,
                "占比": round(share, 4),
                "典型案例描述": quotes[0].text if quotes else "",
                "改进建议": advice.get(name, ""),
            }
            for name, count, share, quotes in rows
        ],
        columns=["反馈类型", "数量", "占比", "典型案例描述", "改进建议"],
    )
    verification = model.verification.rename(
        columns={
            "record_id": "记录编号",
            "customer_id": "客户编号",
            "customer_name": "客户姓名",
            "service_type": "服务类型",
            "visitor": "回访人",
            "overall_satisfaction": "整体满意度",
            "text_negative": "文字负面概率",
            "reason": "核实原因",
        }
    )
    return {
        "客户回访记录表": model.record_sheet,
        PLAN_SHEET: plan_sheet(model.plan),
        "客户反馈分类统计表": feedback_table,
        "二次核实清单": verification,
        ESCALATION_SHEET: plan_sheet(escalation_list(model.plan, as_of)),
    }
