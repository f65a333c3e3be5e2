"""Cleaning: parsing, validation and the rejects ledger."""

from datetime import date

import pandas as pd

from reporting.clean import clean_records, parse_datetimes, parse_numbers, select_period


def raw_frame(**columns):
    base = {
        "record_id": ["R1", "R2", "R3", "R4", "R5", "R2", "R7"],
        "visit_at": [
            "2026-11-17 09:05",
            "2026/11/17 9:05",
            "2026年11月18日 14:30",
            "not a date",
            "2026-11-19 10:00",
            "2026-11-20 10:00",
            "2026-11-21 10:00",
        ],
        "status": ["完成", "已完成", "拒访", "完成", "完成", "完成", "挂了"],
        "service_type": ["售后维修"] * 7,
        "overall_satisfaction": ["5", "４", None, "5", "6", "3", "3"],
        "nps": ["10", "8", None, "9", "9", "7", "7"],
    }
    base.update(columns)
    return pd.DataFrame(base)


def test_parse_datetimes_three_formats_to_the_minute():
    parsed = parse_datetimes(pd.Series(["2026-11-17 09:05", "2026/11/17 9:05", "2026年11月17日 09:05", "2026-13-40", None]))
    assert parsed[:3].tolist() == [pd.Timestamp("2026-11-17 09:05")] * 3
    assert parsed[3:].isna().all()


def test_parse_numbers_accepts_full_width_digits():
    assert parse_numbers(pd.Series(["５", "3", "x", None])).tolist()[:2] == [5.0, 3.0]


def test_every_row_is_analysed_or_rejected_with_a_reason():
    result = clean_records(raw_frame(), "export.csv")
    assert result.read == 7
    assert len(result.records) + len(result.rejects) == result.read
    assert result.records["record_id"].tolist() == ["R1", "R2", "R3"]
    reasons = result.rejects.set_index("row")[["field", "value", "reason"]].to_dict("index")
    assert reasons == {
        5: {"field": "visit_at", "value": "not a date", "reason": "回访时间缺失或无法解析"},
        6: {"field": "overall_satisfaction", "value": "6", "reason": "取值超出 1-5 范围或不是数字"},
        7: {"field": "record_id", "value": "R2", "reason": "重复记录（同一记录编号已出现）"},
        8: {"field": "status", "value": "挂了", "reason": "回访状态无法识别"},
    }
    assert set(result.rejects["source"]) == {"export.csv"}


def test_refused_contacts_are_kept_without_scores_and_validity_is_computed():
    records = clean_records(raw_frame(), "x.csv").records.set_index("record_id")
    assert records.loc["R2", "status"] == "完成" and records.loc["R2", "overall_satisfaction"] == 4.0
    assert records.loc["R3", "status"] == "拒访" and pd.isna(records.loc["R3", "overall_satisfaction"])
    assert records["valid"].tolist() == [True, True, False]


def test_missing_record_ids_are_generated_from_the_row():
    frame = raw_frame().drop(columns="record_id")
    records = clean_records(frame, "x.csv").records
    assert records["record_id"].tolist()[:2] == ["x.csv#2", "x.csv#3"]


def test_select_period_is_inclusive_on_both_days():
    records = clean_records(raw_frame(), "x.csv").records
    assert select_period(records, date(2026, 11, 17), date(2026, 11, 17))["record_id"].tolist() == ["R1", "R2"]
    assert select_period(records, date(2026, 11, 18), date(2026, 11, 30))["record_id"].tolist() == ["R3"]
