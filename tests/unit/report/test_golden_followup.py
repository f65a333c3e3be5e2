"""Golden tests: the follow-up plan report's metrics.json and its HTML, pinned byte for byte.

The test demo records' last three days before 2026-11-23 09:00, planned into an empty store
(``build`` then ``sync_plan``, the clock fixed by ``as_of``), with one change made for the
second follow-up. The same files hold on SQLite and on PostgreSQL (``store_url``).
Regenerate after an intended change with ``REPORTING_UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import pytest

from reporting.report import followup
from reporting.report.followup.sections import followup_document
from reporting.report.params import FollowupParams
from tests.conftest import check_golden, golden_json

GENERATED_AT = "2026-11-23 09:00"


@pytest.fixture
def model(small_csv, store_url):
    values = {
        "as_of": "2026-11-23 09:00",
        "lookback_days": 3,
        "source": str(small_csv),
        "followup_store": store_url,
        "changes": "响应速度:晚间增加 2 名客服",
    }
    params = FollowupParams.from_values(values)
    return followup.sync_plan(followup.build(params), params)


def test_metrics_json_is_pinned(model):
    check_golden("followup_metrics.json", golden_json(followup_document(model)))


def test_the_report_html_is_pinned(model):
    check_golden("followup_all.html", followup.render(model, "all", GENERATED_AT).data.strip() + "\n")


def test_the_golden_model_plans_every_response_afresh(model):
    document = followup_document(model)
    assert document["coverage"]["numerator"] == 0  # an empty store: nothing was planned before
    assert document["added"] == document["coverage"]["denominator"] == document["items"] == document["open"]
    assert document["escalations"] == document["overdue"]
    assert sum(row["open"] for row in document["workload"]) == document["open"]
    with pytest.raises(ValueError, match="one part, 'all'"):
        followup.render(model, "header")
