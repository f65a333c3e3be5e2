"""追溯: every drillable count of the weekly page equals the number of embedded records under its key."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date

import pytest

from reporting.intake.sources import read_files
from reporting.report.weekly import sections
from reporting.report.weekly.compute import build_report_model
from reporting.report.weekly.document import metrics_document
from reporting.report.weekly.drill import drill_payload, payload_json, record_keys
from reporting.vocab import load_rules, load_taxonomy

DRILL = re.compile(r'data-drill="([^"]+)"[^>]*>([\d,]+)<')


@pytest.fixture(scope="module")
def model(small_csv):
    return build_report_model(read_files([small_csv]), date(2026, 11, 16), date(2026, 11, 22), load_taxonomy(), load_rules())


@pytest.fixture(scope="module")
def counted(model) -> Counter:
    return Counter(key for keys in record_keys(model) for key in keys.strip("\n").split("\n"))


def test_every_count_on_the_page_is_the_number_of_records_under_its_key(model, counted):
    page = "".join(renderer(model).data for renderer in (sections.render_overview, sections.render_conclusions, sections.render_problems))
    shown = DRILL.findall(page)
    kinds = {key.split(":", 1)[0] for key, _ in shown}
    assert {"all", "problem", "service", "channel", "band", "nps", "verify", "sentiment", "feedback", "tag"} <= kinds
    assert ("theme" in kinds) == bool(model.themes)
    for key, number in shown:
        assert counted[key] == int(number.replace(",", "")), key


def test_the_counts_are_metrics_jsons(model, counted):
    metrics = metrics_document(model)
    assert counted["all:"] == metrics["sample"]["valid"]
    assert all(counted[f"problem:{p['type']}"] == p["count"] for p in metrics["problems"])
    assert all(counted[f"theme:{t['name']}"] == t["count"] for t in metrics["themes"])
    assert all(counted[f"service:{s['service_type']}"] == s["valid"] for s in metrics["by_service_type"])
    assert counted["nps:推荐者"] == metrics["nps"]["promoters"] and counted["nps:贬损者"] == metrics["nps"]["detractors"]
    assert counted["verify:"] == metrics["second_verification"]["count"]
    assert all(counted[f"verify:{r}"] == n for r, n in metrics["second_verification"]["by_reason"].items())


def test_the_embedded_records_carry_no_phone_and_no_full_name(model, small_csv):
    payload = drill_payload(model)
    text = json.dumps(payload, ensure_ascii=False)
    assert "phone" not in [c["key"] for c in payload["columns"]]
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)
    names = [r["v"][[c["key"] for c in payload["columns"]].index("customer_name")] for r in payload["records"]]
    assert names and all(name is None or "*" in name for name in names)


def test_the_json_cannot_close_its_script_element():
    text = payload_json({"records": [{"v": ["</script><script>alert(1)</script>", "a & b <!--"]}]})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["records"][0]["v"][0] == "</script><script>alert(1)</script>"
