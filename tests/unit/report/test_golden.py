"""Golden tests: the weekly report's numbers and section fragments, pinned byte for byte.

A small fixed model (the test demo records, week 2026-11-16..22, bundled vocabularies) is
built in-process; its metrics.json and each section's HTML are compared with the files
in tests/golden/. A changed number or sentence fails here with a diff. After an
intended change, regenerate them with ``REPORTING_UPDATE_GOLDEN=1 pytest tests/unit/report/test_golden*.py``
and review the diff in git. The trend, follow-up and sampling reports have theirs beside this
module (test_golden_trend.py, test_golden_followup.py, test_golden_sampling.py).
"""

from __future__ import annotations

from datetime import date

import pytest

from reporting.alerts.rules import load_alert_rules
from reporting.intake.sources import read_files
from reporting.report import weekly
from reporting.report.weekly import sections
from reporting.report.weekly.compute import build_report_model
from reporting.report.weekly.document import metrics_document
from reporting.vocab import load_rules, load_taxonomy
from tests.conftest import check_golden, golden_json, needs_embedding_model

pytestmark = needs_embedding_model

SECTIONS = {
    "overview": sections.render_overview,
    "text_coverage": sections.render_text_coverage,
    "conclusions": sections.render_conclusions,
    "problems": sections.render_problems,
    "recommendations": sections.render_recommendations,
    "methods": sections.render_methods,
}


@pytest.fixture(scope="module")
def model(small_csv):
    cleaned = read_files([small_csv])
    responses = load_alert_rules().of_kind("response")  # as weekly.build passes them
    return build_report_model(cleaned, date(2026, 11, 16), date(2026, 11, 22), load_taxonomy(), load_rules(), response_rules=responses)


def test_metrics_json_is_pinned(model):
    document = metrics_document(model)
    document["ledger"]["files"] = [{**f, "path": "small_records.csv"} for f in document["ledger"]["files"]]
    check_golden("weekly_metrics.json", golden_json(document))


@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_section_fragment_is_pinned(model, section):
    check_golden(f"weekly_{section}.html", SECTIONS[section](model).data.strip() + "\n")


def test_the_header_carries_the_given_time_not_the_clock(model):
    html = weekly.render(model, "header", "2026-11-23 09:00").data
    assert "客户回访周报" in html and "生成时间：2026-11-23 09:00" in html and "2026-11-16" in html


def test_the_whole_report_is_every_part_in_order_under_its_heading(model):
    html = weekly.render(model, "all", "2026-11-23 09:00").data
    headings = ["回访概况", "核心结论", "问题分析", "改进建议", "口径说明"]
    positions = [html.index(f"<h2>{h}</h2>") for h in headings]
    assert positions == sorted(positions)
    for section in ("overview", "conclusions", "problems", "recommendations", "methods"):
        assert SECTIONS[section](model).data.strip() in html, section
    assert html.count("data:image/png;base64,") >= 4  # the charts part and the problem charts
    with pytest.raises(ValueError, match="no part 'appendix'"):
        weekly.render(model, "appendix")
