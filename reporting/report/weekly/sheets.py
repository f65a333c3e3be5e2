"""The weekly workbook's sheets for follow-up staff: personal data masked, every sheet name and header from ``labels/``.

Frames keep their English keys until the last step; personal columns are masked (or
dropped) by those keys before any header is applied, so a renamed label can never let a
name or a phone through.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from reporting.analysis.measures import FAMILY as MEASURE_FAMILY
from reporting.analysis.multiplicity import family_sizes
from reporting.followup.measure_sheet import measure_sheet
from reporting.followup.plan import escalation_list
from reporting.followup.sheets import plan_sheet
from reporting.intake.privacy import mask_name, mask_phone, mask_text
from reporting.report.weekly.model import ReportModel
from reporting.report.weekly.narrative import TEST_LABELS
from reporting.text.reading import theme_label
from reporting.vocab import headers, label, sheet_name

RECORD_FIELDS = (
    "record_id", "customer_id", "customer_name", "phone", "customer_type", "service_type", "service_completed_at",
    "visit_at", "visitor", "channel", "status", "overall_satisfaction", "nps", "comment",
)  # fmt: skip


def workbook_tables(model: ReportModel, as_of: datetime) -> dict[str, pd.DataFrame]:
    """The weekly workbook's sheets (all masked, Chinese headers), the plan's 升级清单 judged at ``as_of``."""
    return {
        sheet_name("records"): model.record_sheet.rename(columns=headers("record")),
        sheet_name("plan"): plan_sheet(model.plan),
        sheet_name("feedback"): feedback_table(model).rename(columns=headers("feedback")),
        sheet_name("verification"): model.verification.rename(columns=headers("verification")),
        sheet_name("escalation"): plan_sheet(escalation_list(model.plan, as_of)),
        sheet_name("tests"): tests_table(model).rename(columns=headers("tests")),
        **({sheet_name("measures"): measures_table(model)} if model.measures or model.proposed else {}),
    }


def measures_table(model: ReportModel) -> pd.DataFrame:
    """改进措施: the measures tracked this period (as judged) and those it proposed, for staff to close or annotate."""
    return measure_sheet([*(p.measure for p in model.measures), *model.proposed], model.measures)


def tests_table(model: ReportModel) -> pd.DataFrame:
    """检验明细: every test the report ran — family (and its m), what, test, difference, statistic, n, p, q, decision."""
    sizes = family_sizes(model.tests)
    rows = [
        {
            "family": label(f"family_{test.family}"),
            "m": sizes.get(test.family, 0),
            "subject": test.subject if test.family == MEASURE_FAMILY else _subject_name(test.subject),
            "test": label(TEST_LABELS[test.test]),
            "delta": _significant_digits(test.delta),
            "statistic": None if test.statistic is None else round(test.statistic, 3),
            "n": test.n,
            "p": _significant_digits(test.p),
            "q": _significant_digits(test.q),
            "decision": label(f"decision_{test.decision(model.fdr_q)}"),
        }
        for test in model.tests
    ]
    return pd.DataFrame(rows, columns=["family", "m", "subject", "test", "delta", "statistic", "n", "p", "q", "decision"])


def _significant_digits(value: float | None, digits: int = 3) -> float | None:
    """A small number kept readable and non-zero: three significant digits (1.23e-05, not 0)."""
    return None if value is None else float(f"{value:.{digits}g}")


def _subject_name(subject: str) -> str:
    """A test's subject as people read it: ``nps`` → NPS, ``service_type=售后维修`` → 服务类型 售后维修."""
    field, _, value = subject.partition("=")
    return f"{label(field)} {value}" if value else label(field)


def feedback_table(model: ReportModel) -> pd.DataFrame:
    """客户反馈分类统计表: every problem type and discovered theme with its count, share, first quote and advice."""
    advice = {r.subject: r.action for r in model.recommendations if r.kind == "problem"}
    rows = [(p.type, p.count, p.share, p.quotes) for p in model.problems] + [
        (theme_label(t.name), t.count, t.share, t.quotes) for t in model.themes
    ]
    return pd.DataFrame(
        [
            {
                "type": name,
                "count": count,
                "share": round(share, 4),
                "example": quotes[0].text if quotes else "",
                "advice": advice.get(name, ""),
            }
            for name, count, share, quotes in rows
        ],
        columns=["type", "count", "share", "example", "advice"],
    )


def record_sheet(
    valid: pd.DataFrame,
    problems: pd.DataFrame,
    feedback: pd.DataFrame,
    tags: pd.DataFrame,
    themes: pd.Series | None = None,
    negative: pd.Series | None = None,
) -> pd.DataFrame:
    """客户回访记录表: the period's valid responses, masked, with the analysis columns (English keys; ``columns_record`` heads them).

    Args:
        valid: valid responses.
        problems: boolean problem tags.
        feedback: ``sentiment`` and ``feedback_type`` per response.
        tags: boolean customer tags.
        themes: the discovered theme of a response the taxonomy left untyped (自动主题).
        negative: the text's probability of being negative (负面概率).

    Returns:
        The sheet's columns; names, phones and personal data in comments masked.
    """
    sheet = valid[[c for c in RECORD_FIELDS if c in valid]].copy()
    if "customer_name" in sheet:
        names = sheet["customer_name"]
        sheet["customer_name"] = names.map(mask_name)
        if "comment" in sheet:
            sheet["comment"] = [mask_text(c, (n,) if isinstance(n, str) else ()) for c, n in zip(valid["comment"], names, strict=True)]
    elif "comment" in sheet:
        sheet["comment"] = sheet["comment"].map(mask_text)
    if "phone" in sheet:
        sheet["phone"] = sheet["phone"].map(mask_phone)
    sheet["problems"] = _joined_labels(problems)
    if themes is not None:
        sheet["theme"] = themes.to_numpy(dtype=object)
    sheet["sentiment"] = feedback["sentiment"].to_numpy()
    if negative is not None:
        sheet["text_negative"] = negative.round(2).to_numpy()
    sheet["feedback_type"] = feedback["feedback_type"].to_numpy()
    sheet["tags"] = _joined_labels(tags)
    return sheet.reset_index(drop=True)


def _joined_labels(flags: pd.DataFrame) -> list[str] | str:
    """Per row, the names of the columns that are true, joined with 、."""
    if not len(flags.columns):
        return ""
    names = flags.columns.to_numpy(dtype=object)
    return ["、".join(names[row]) for row in flags.to_numpy(dtype=bool)]
