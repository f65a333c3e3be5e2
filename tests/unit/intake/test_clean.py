"""Cleaning: parsing, validation, duplicates and the per-file ledger."""

from datetime import date

import pandas as pd

from reporting.intake.clean import clean_records, select_period
from reporting.intake.combine import combine_cleaned, drop_known
from reporting.intake.parse import normalise_choice, parse_datetimes, parse_numbers

TODAY = date(2026, 11, 23)


def raw_frame(**columns):
    base = {
        "record_id": ["R1", "R2", "R3", "R4", "R5", "R2", "R7", "R8", "R9"],
        "visit_at": ["2026-11-17 09:05", "2026/11/17 9:05", "2026年11月18日 14:30", "not a date", "2026-11-19 10:00",
                     "2026-11-20 10:00", "2026-11-21 10:00", "2031-01-01 10:00", None],
        "status": ["完成", "已完成", "拒访", "完成", "完成", "完成", "挂了", "完成", "完成"],
        "service_type": ["售后维修"] * 9,
        "overall_satisfaction": ["5", "４", None, "5", "6", "3", "3", "4", "4"],
        "nps": ["10", "8", None, "9", "9", "7", "7", "8", "8"],
    }  # fmt: skip
    base.update(columns)
    return pd.DataFrame(base)


def test_parse_datetimes_formats_and_excel_serials_to_the_minute():
    parsed = parse_datetimes(
        pd.Series(
            ["2026-11-17 09:05", "2026/11/17 9:05", "2026年11月17日 09:05", "2026-11-17 09:05:00", "46343.378472", "2026-13-40", None]
        )
    )
    assert parsed[:5].tolist() == [pd.Timestamp("2026-11-17 09:05")] * 5
    assert parsed[5:].isna().all()


def test_parse_numbers_accepts_full_width_digits():
    assert parse_numbers(pd.Series(["５", "3", "x", None])).tolist()[:2] == [5.0, 3.0]


def test_synonyms_normalise_enums():
    assert normalise_choice(pd.Series(["已完成", " 无人接听 ", "ＶＩＰ", "?"]), "status").tolist() == ["完成", "未接通", None, None]
    assert normalise_choice(pd.Series(["贵宾", "新用户", "其他"]), "customer_type", keep_unknown=True).tolist() == [
        "VIP客户",
        "新客户",
        "其他",
    ]


def test_every_row_is_imported_a_duplicate_or_rejected_with_a_reason():
    result = clean_records(raw_frame(), "export.csv", today=TODAY)
    (ledger,) = result.ledgers
    assert (ledger.read, ledger.imported, ledger.duplicates, ledger.rejected) == (9, 3, 1, 5)
    assert ledger.read == ledger.imported + ledger.duplicates + ledger.rejected
    assert result.records["record_id"].tolist() == ["R1", "R2", "R3"]
    reasons = result.rejects.set_index("row")[["field", "value", "reason"]].to_dict("index")
    assert reasons == {
        5: {"field": "visit_at", "value": "not a date", "reason": "回访时间无法解析"},
        6: {"field": "overall_satisfaction", "value": "6", "reason": "整体满意度超出 1-5 范围或不是数字"},
        8: {"field": "status", "value": "挂了", "reason": "回访状态缺失或无法识别"},
        9: {"field": "visit_at", "value": "2031-01-01 10:00", "reason": "回访时间不合理（早于 2000 年或晚于今天）"},
        10: {"field": "visit_at", "value": "", "reason": "回访时间缺失"},
    }
    assert ledger.rejected_by_reason == {
        "回访时间不合理（早于 2000 年或晚于今天）": 1,
        "回访时间无法解析": 1,
        "回访时间缺失": 1,
        "回访状态缺失或无法识别": 1,
        "整体满意度超出 1-5 范围或不是数字": 1,
    }


def test_refused_contacts_are_kept_without_scores_and_validity_is_computed():
    records = clean_records(raw_frame(), "x.csv", today=TODAY).records.set_index("record_id")
    assert records.loc["R2", "status"] == "完成" and records.loc["R2", "overall_satisfaction"] == 4.0
    assert records.loc["R3", "status"] == "拒访" and pd.isna(records.loc["R3", "overall_satisfaction"])
    assert records["valid"].tolist() == [True, True, False]


def test_without_record_ids_duplicates_are_found_by_fingerprint():
    frame = pd.DataFrame(
        {
            "customer_id": ["C1", "C1", "C2"],
            "visit_at": ["2026-11-17 09:05", "2026/11/17 9:05", "2026-11-17 09:05"],
            "status": ["完成"] * 3,
            "service_type": ["售后维修"] * 3,
            "overall_satisfaction": ["5"] * 3,
            "nps": ["9"] * 3,
        }
    )
    result = clean_records(frame, "x.csv", today=TODAY)
    assert result.records["record_id"].tolist() == ["x.csv#2", "x.csv#4"]
    assert result.ledgers[0].duplicates == 1
    assert all(key.startswith("fp:") for key in result.records["record_key"])


def test_duplicates_across_files_and_against_the_store():
    first = clean_records(raw_frame(), "a.csv", today=TODAY)
    second = clean_records(raw_frame(), "b.csv", today=TODAY)
    combined = combine_cleaned([first, second])
    a, b = combined.ledgers
    assert (a.imported, a.duplicates) == (3, 1)
    assert (b.read, b.imported, b.duplicates, b.rejected) == (9, 0, 4, 5)
    again = drop_known(first, {"id:R1"})
    assert (again.ledgers[0].imported, again.ledgers[0].duplicates) == (2, 2)
    assert again.records["record_id"].tolist() == ["R2", "R3"]


def test_select_period_is_inclusive_on_both_days():
    records = clean_records(raw_frame(), "x.csv", today=TODAY).records
    assert select_period(records, date(2026, 11, 17), date(2026, 11, 17))["record_id"].tolist() == ["R1", "R2"]
    assert select_period(records, date(2026, 11, 18), date(2026, 11, 30))["record_id"].tolist() == ["R3"]


def test_a_record_without_an_id_is_named_by_file_and_row_never_by_path():
    from reporting.intake.clean import clean_records

    raw = pd.DataFrame(
        {"visit_at": ["2026-11-17 09:00"], "status": ["完成"], "service_type": ["售后维修"], "overall_satisfaction": ["5"], "nps": ["9"]},
        dtype=object,
    )
    result = clean_records(raw, "/home/analyst/exports/week47.csv", today=date(2026, 11, 24))
    assert result.records["record_id"].tolist() == ["week47.csv#2"]


def test_repeated_text_becomes_one_shared_string_per_value_and_missing_becomes_none():
    from reporting.intake.clean import as_shared_objects

    column = pd.Series(["售后维修", None, "安装", "售后维修", "安装", "售后维修"], dtype="str", name="service_type")
    shared = as_shared_objects(column, sample=6)
    assert shared.dtype == object and shared.name == "service_type"
    assert shared.tolist() == ["售后维修", None, "安装", "售后维修", "安装", "售后维修"]
    assert shared[0] is shared[3] is shared[5] and shared[2] is shared[4]


def test_mostly_distinct_text_stays_in_arrow():
    from reporting.intake.clean import as_shared_objects

    column = pd.Series(["R1", "R2", None, "R4"], dtype="str")
    kept = as_shared_objects(column)
    assert kept.dtype == "str" and kept.tolist()[:2] == ["R1", "R2"] and kept.isna().tolist() == [False, False, True, False]
