"""Checking the staff's filled-in plan sheet before anything is written."""

from datetime import datetime

import pandas as pd

from reporting.followup.results import check_results

NOW = datetime(2026, 11, 24, 12, 0)


def _stored() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "item_id": ["GJ1", "GJ2", "GJ3"],
            "visit_at": pd.to_datetime(["2026-11-17 10:00"] * 3),
            "status": ["待跟进", "待跟进", "已完成"],
            "done_at": pd.to_datetime([None, None, "2026-11-18 09:00"]),
            "result": [None, None, "已解决"],
        }
    )


def _sheet(rows: list[list[object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["item_id", "status", "done_at", "result"], index=range(2, len(rows) + 2), dtype="object")


def test_changes_and_unchanged_rows_are_told_apart():
    sheet = _sheet(
        [
            ["GJ1", "已完成", datetime(2026, 11, 18, 9, 30, 12), "已上门处理"],
            ["GJ2", "跟进中", None, None],
            ["GJ3", "已完成", "2026-11-18 09:00", "已解决"],
        ]
    )
    check = check_results(sheet, _stored(), NOW)
    assert check.errors == ()
    assert check.unchanged == 1
    assert [(u["item_id"], u["status"], u["done_at"]) for u in check.updates] == [
        ("GJ1", "已完成", pd.Timestamp("2026-11-18 09:30")),
        ("GJ2", "跟进中", None),
    ]


def test_every_bad_row_gets_one_line():
    sheet = _sheet(
        [
            [None, "已完成", None, None],
            ["GJ9", "已完成", "2026-11-18", "好"],
            ["GJ1", "完成了", None, None],
            ["GJ2", "跟进中", "昨天下午", None],
            ["GJ3", "已完成", "2026-11-30 10:00", "已解决"],
            ["GJ1", "已完成", None, None],
        ]
    )
    check = check_results(sheet, _stored(), NOW)
    assert check.updates == ()
    assert check.errors == (
        "客户跟进计划表 第 2 行：缺少跟进编号：请保留导出时的跟进编号，不要清空",
        "客户跟进计划表 第 3 行（跟进编号 GJ9）：数据库中没有这个跟进编号：请确认工作簿来自同一记录库，且未改动跟进编号",
        "客户跟进计划表 第 4 行（跟进编号 GJ1）：当前状态 '完成了' 不是可选状态（待跟进/跟进中/已完成/已升级）：请从下拉框选择",
        "客户跟进计划表 第 5 行（跟进编号 GJ2）：实际跟进时间 '昨天下午' 不是有效时间：请写成 2026-11-24 10:30 或使用日期单元格",
        "客户跟进计划表 第 6 行（跟进编号 GJ3）：实际跟进时间 2026-11-30 10:00 晚于现在：请填写已经发生的跟进时间",
        "客户跟进计划表 第 7 行（跟进编号 GJ1）：与第 4 行的跟进编号重复：请删除重复的行",
    )


def test_done_needs_time_and_result_and_time_after_the_call():
    sheet = _sheet([["GJ1", "已完成", "2026-11-18 10:00", None], ["GJ2", "跟进中", "2026-11-16 10:00", None]])
    check = check_results(sheet, _stored(), NOW)
    assert check.errors == (
        "客户跟进计划表 第 2 行（跟进编号 GJ1）：状态为已完成时须填写实际跟进时间和跟进结果简述：请补全或把状态改为跟进中",
        "客户跟进计划表 第 3 行（跟进编号 GJ2）：实际跟进时间 2026-11-16 10:00 早于回访时间 2026-11-17 10:00：请改正时间",
    )


def test_copies_of_the_workbook_never_erase_recorded_results():
    stored = _stored()
    stored.loc[1, ["status", "done_at", "result"]] = ["跟进中", pd.Timestamp("2026-11-18 11:00"), "已约上门"]
    sheet = _sheet(
        [
            ["GJ1", "待跟进", None, None],  # untouched
            ["GJ2", "已完成", None, None],  # time and result already stored
            ["GJ3", "待跟进", None, None],  # an old copy: must not reopen a done item
        ]
    )
    check = check_results(sheet, stored, NOW)
    assert check.errors == () and check.unchanged == 2
    assert check.updates == ({"item_id": "GJ2", "status": "已完成", "done_at": pd.Timestamp("2026-11-18 11:00"), "result": "已约上门"},)


def test_a_result_needs_a_status_past_waiting():
    check = check_results(_sheet([["GJ1", "待跟进", "2026-11-18 10:00", "已回电"]]), _stored(), NOW)
    assert check.errors == (
        "客户跟进计划表 第 2 行（跟进编号 GJ1）：已填写实际跟进时间或结果，但当前状态仍为待跟进：请把状态改为跟进中或已完成",
    )
