"""Coverage per service type and for key customers, against targets."""

from datetime import date

import pandas as pd
import pytest

from reporting.analysis.coverage import coverage_table
from reporting.errors import ParameterError
from reporting.intake.pairs import parse_rates


def test_coverage_counts_completed_follow_ups_against_services_in_the_period():
    records = pd.DataFrame(
        {
            "status": ["完成", "完成", "拒访", "完成", "完成"],
            "service_type": ["售后维修", "售后维修", "售后维修", "投诉处理", "投诉处理"],
            "customer_type": ["VIP客户", "老客户", "老客户", "老客户", "VIP客户"],
        }
    )
    services = pd.DataFrame(
        {
            "service_type": ["售后维修"] * 10 + ["投诉处理"] * 3 + ["售后维修"],
            "customer_type": ["VIP客户"] * 2 + ["老客户"] * 12,
            "key_customer": [False] * 12 + [True, False],
            "completed_at": pd.to_datetime(["2026-11-17 10:00"] * 13 + ["2026-11-23 10:00"]),  # the last is after the period
        }
    )
    table = coverage_table(records, services, date(2026, 11, 16), date(2026, 11, 22), {"投诉处理": 1.0}, 0.1, ("VIP客户",))
    assert table.values.tolist() == [
        ["售后维修", 10, 2, 0.2, 0.1, True],
        ["投诉处理", 3, 2, 2 / 3, 1.0, False],
        ["重点客户", 3, 2, 2 / 3, 1.0, False],
    ]


def test_rates_parse_and_refuse_values_outside_zero_to_one():
    assert parse_rates("投诉处理:1.0, 售后维修：0.2", "coverage_targets", "x:1") == {"投诉处理": 1.0, "售后维修": 0.2}
    with pytest.raises(ParameterError, match="coverage_targets 中 投诉处理 的比例 '2'"):
        parse_rates("投诉处理:2", "coverage_targets", "x:1")


def test_coverage_below_target_becomes_a_weakness_line():
    from types import SimpleNamespace

    from reporting.report.weekly.narrative import coverage_gaps

    table = pd.DataFrame(
        [["投诉处理", 116, 24, 24 / 116, 1.0, False], ["售后维修", 10, 2, 0.2, 0.1, True], ["其他", 0, 0, None, 0.1, None]],
        columns=["subject", "served", "followed_up", "rate", "target", "met"],
    )
    assert coverage_gaps(SimpleNamespace(coverage=table)) == ["投诉处理回访覆盖率 20.7%（24/116），低于目标 100.0%"]
    assert coverage_gaps(SimpleNamespace(coverage=None)) == []
