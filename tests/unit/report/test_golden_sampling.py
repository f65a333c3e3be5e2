"""Golden tests: the sampling plan's metrics.json and its HTML, pinned byte for byte.

A generated services export (fixed seed) of the four days before 2026-11-23 09:00, one
stratum with its own rate and two agents too few for every call, so the plan has a draw, a
call list and an unscheduled list. Regenerate after an intended change with ``REPORTING_UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from reporting.demo.services import generate_demo_services
from reporting.export.files import write_csv
from reporting.report import sampling
from reporting.report.params import SamplingParams
from reporting.report.sampling.sections import sampling_document
from tests.conftest import check_golden, golden_json

GENERATED_AT = "2026-11-23 09:00"


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    services = tmp_path_factory.mktemp("golden_sampling") / "services.csv"
    write_csv(generate_demo_services(datetime(2026, 11, 23, 9, 0), days=4, per_day=60, seed=4), services)
    values = {"as_of": "2026-11-23 09:00", "services": str(services), "stratum_rates": "售后维修:0.3", "agents": "KF001:12,KF002:8"}
    return sampling.build(SamplingParams.from_values(values))


def test_metrics_json_is_pinned(model):
    check_golden("sampling_metrics.json", golden_json(sampling_document(model)))


def test_the_report_html_is_pinned(model):
    check_golden("sampling_all.html", sampling.render(model, "all", GENERATED_AT).data.strip() + "\n")


def test_the_golden_model_accounts_for_every_service_and_call(model):
    document = sampling_document(model)
    a = document["accounting"]
    assert a["read"] == a["rejected"] + a["outside_window"] + a["do_not_call"] + a["same_customer"] + a["customers"]
    assert a["rejected"] == 3  # the generator's three flaws: a missing customer, an unreadable time, a repeated number
    assert a["selected"] == a["scheduled"] + a["unscheduled"] == sum(s["selected"] for s in document["strata"])
    assert a["customers"] == sum(s["customers"] for s in document["strata"])
    assert a["scheduled"] == sum(agent["calls"] for agent in document["agents"].values())
    assert a["unscheduled"] > 0 and any(s["drawn"] for s in document["strata"])  # the golden plan shows both lists and a draw
