"""Golden tests: the trend review's metrics.json and each part's HTML, pinned byte for byte.

Four weeks of the test demo records (2026-10-26..11-22) with one event and one improvement
measure (started 11-16, in a store of its own), built in-process;
the charts' PNG bytes are left out (``without_chart_pixels``), their place and caption kept.
Regenerate after an intended change with ``REPORTING_UPDATE_GOLDEN=1`` (see test_golden.py).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from reporting.analysis.insights import Recommendation
from reporting.analysis.measures import Reading
from reporting.followup.measures import sync_measures
from reporting.report import trend
from reporting.report.params import TrendParams
from reporting.report.trend.build import trend_document
from reporting.report.trend.sections import PARTS
from tests.conftest import check_golden, golden_json, without_chart_pixels

GENERATED_AT = "2026-11-23 09:00"


@pytest.fixture(scope="module")
def model(small_csv, tmp_path_factory):
    store = f"sqlite:///{tmp_path_factory.mktemp('trend') / 'store.db'}"  # its own store: one measure, started on 11-16
    speed = Recommendation("problem", "响应速度", "调整排班", "运营主管", date(2026, 12, 20), 0.2, 0.14)
    week = (date(2026, 11, 16), date(2026, 11, 22))
    sync_measures(store, (speed,), {"problem:响应速度": Reading(0.2, 100)}, 100, ("", ""), week, datetime(2026, 11, 23, 9))
    values = {
        "source": str(small_csv),
        "period_start": "2026-10-26",
        "period_end": "2026-11-22",
        "events": "2026-11-09:新政策",
        "followup_store": store,
    }
    return trend.build(TrendParams.from_values(values))


def test_metrics_json_is_pinned(model):
    check_golden("trend_metrics.json", golden_json(trend_document(model)))


@pytest.mark.parametrize("part", ["header", *PARTS])
def test_part_fragment_is_pinned(model, part):
    check_golden(f"trend_{part}.html", without_chart_pixels(trend.render(model, part, GENERATED_AT).data).strip() + "\n")


def test_the_golden_model_holds_four_full_weeks_and_three_charts(model):
    document = trend_document(model)
    assert [(w["start"], w["end"]) for w in document["weeks"]] == [
        ("2026-10-26", "2026-11-01"),
        ("2026-11-02", "2026-11-08"),
        ("2026-11-09", "2026-11-15"),
        ("2026-11-16", "2026-11-22"),
    ]
    assert document["sample"]["attempted"] == sum(w["attempted"] for w in document["weeks"])
    assert document["events"] == [{"date": "2026-11-09", "event": "新政策"}]
    html = trend.render(model, "all", GENERATED_AT).data
    assert html.count("data:image/png;base64,") == 3  # satisfaction, NPS, problem shares
    for part in PARTS:  # "all" is the header, then every part (under its heading)
        assert without_chart_pixels(trend.render(model, part).data) in without_chart_pixels(html), part
