"""Timeliness: 24-72 h after the service, complaints within 2 h."""

import pandas as pd

from reporting.analysis.metrics import Rate, check_timeliness


def test_on_time_rules_and_late_list():
    service = pd.Timestamp("2026-11-16 10:00")
    records = pd.DataFrame(
        {
            "record_id": ["A", "B", "C", "D", "E", "F"],
            "service_type": ["售后维修", "售后维修", "售后维修", "投诉处理", "投诉处理", "业务办理"],
            "visitor": ["KF001"] * 6,
            "service_completed_at": [service, service, service, service, service, None],
            "visit_at": [service + pd.Timedelta(hours=h) for h in (30, 10, 80.5, 1.5, 3, 5)],
        }
    )
    rate, late = check_timeliness(records)
    assert rate == Rate(2, 5)
    assert late.to_dict("records") == [
        {"record_id": "C", "service_type": "售后维修", "visitor": "KF001", "hours": 80.5, "reason": "服务后超过 72 小时"},
        {"record_id": "B", "service_type": "售后维修", "visitor": "KF001", "hours": 10.0, "reason": "服务后不足 24 小时"},
        {"record_id": "E", "service_type": "投诉处理", "visitor": "KF001", "hours": 3.0, "reason": "投诉超过 2 小时才回访"},
    ]
