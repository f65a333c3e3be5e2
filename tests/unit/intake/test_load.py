"""Reading records files: encodings, header rows, sheets, formats and their errors."""

import datetime

import openpyxl
import pandas as pd
import pytest

from reporting.errors import SourceError
from reporting.intake.load import expand_sources, map_headers, normalise_header, read_records

HEADERS = ["回访时间", "回访状态", "服务类型", "整体满意度", "推荐意愿(0-10)"]
ROW = ["2026-11-17 09:05", "完成", "售后维修", "5", "9"]
EXPECTED = {"visit_at": "2026-11-17 09:05", "status": "完成", "service_type": "售后维修", "overall_satisfaction": "5", "nps": "9"}


def test_normalise_header_drops_suffixes_spaces_and_full_width():
    assert normalise_header(" 推荐意愿(0-10) ") == "推荐意愿"
    assert normalise_header("推荐意愿（0-10分）") == "推荐意愿"
    assert normalise_header("ｎｐｓ") == "nps"


def test_map_headers_chinese_and_english():
    assert map_headers(["回访时间", "回访状态", "整体满意度", "NPS", "备注"]) == {
        "回访时间": "visit_at",
        "回访状态": "status",
        "整体满意度": "overall_satisfaction",
        "NPS": "nps",
    }


def records_of(path):
    return read_records(path).records.drop(columns="source_row").to_dict("records")


def test_read_records_all_three_formats(tmp_path):
    frame = pd.DataFrame([ROW], columns=HEADERS)
    frame.to_csv(tmp_path / "a.csv", index=False, encoding="utf-8-sig")
    frame.to_excel(tmp_path / "a.xlsx", index=False)
    frame.to_parquet(tmp_path / "a.parquet")
    for name in ("a.csv", "a.xlsx", "a.parquet"):
        assert records_of(tmp_path / name) == [EXPECTED], name


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_are_detected(tmp_path, encoding):
    path = tmp_path / "e.csv"
    path.write_bytes(("\n".join([",".join(HEADERS), ",".join(ROW)]) + "\n").encode(encoding))
    result = read_records(path)
    assert result.records.drop(columns="source_row").to_dict("records") == [EXPECTED]
    assert result.encoding == ("utf-8-sig" if encoding.startswith("utf") else "gb18030")


def test_csv_with_a_title_line_keeps_true_line_numbers(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("2026年11月回访记录\n" + ",".join(HEADERS) + "\n" + ",".join(ROW) + "\n,,,,\n" + ",".join(ROW) + "\n", encoding="utf-8")
    result = read_records(path).records
    assert result["source_row"].tolist() == [3, 5]


def test_xlsx_header_below_merged_title_in_the_right_sheet_with_date_cells(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active["A1"] = "本文件由 CRM 导出"
    sheet = book.create_sheet("回访记录")
    sheet.append([])
    sheet.append(["2026年11月客户回访记录表"])
    sheet.merge_cells("A2:E2")
    sheet.append(HEADERS)
    sheet.append([datetime.datetime(2026, 11, 17, 9, 5), "完成", "售后维修", 5, 9])
    sheet.append([None] * 5)
    sheet.append(["2026/11/18 9:05", "完成", "售后维修", "５", 10])
    book.save(tmp_path / "x.xlsx")
    result = read_records(tmp_path / "x.xlsx")
    assert result.sheet == "回访记录"
    assert result.records["source_row"].tolist() == [4, 6]
    assert result.records["visit_at"].tolist() == ["2026-11-17 09:05:00", "2026/11/18 9:05"]
    assert result.records["overall_satisfaction"].tolist() == ["5", "５"]


def test_sheet_without_a_recognisable_header(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["姓名", "金额"])
    book.save(tmp_path / "n.xlsx")
    with pytest.raises(SourceError, match=r"n.xlsx 的工作表中找不到可识别的表头"):
        read_records(tmp_path / "n.xlsx")


def test_missing_required_column_names_it_and_the_headers_found(tmp_path):
    path = tmp_path / "b.csv"
    pd.DataFrame({c: ["x"] for c in HEADERS[:4]}).to_csv(path, index=False)
    with pytest.raises(SourceError, match=r"缺少必需的列：推荐意愿（找到的列：回访时间、回访状态、服务类型、整体满意度）"):
        read_records(path)


def test_missing_unsupported_and_wrong_format_files(tmp_path):
    with pytest.raises(SourceError, match="找不到数据文件"):
        read_records(tmp_path / "nope.csv")
    (tmp_path / "c.txt").write_text("x")
    with pytest.raises(SourceError, match="不支持的数据文件类型"):
        read_records(tmp_path / "c.txt")
    (tmp_path / "fake.xlsx").write_text("not a workbook")
    with pytest.raises(SourceError, match=r"无法读取数据文件 .*fake.xlsx"):
        read_records(tmp_path / "fake.xlsx")
    (tmp_path / "bin.csv").write_bytes(bytes(range(256)) * 4)
    with pytest.raises(SourceError, match="bin.csv"):
        read_records(tmp_path / "bin.csv")


def test_expand_sources_paths_globs_and_errors(tmp_path):
    for name in ("w1.csv", "w2.csv", "other.xlsx"):
        (tmp_path / name).write_text("x")
    assert expand_sources(f"{tmp_path}/w*.csv") == [tmp_path / "w1.csv", tmp_path / "w2.csv"]
    assert expand_sources(f"{tmp_path}/other.xlsx,{tmp_path}/w1.csv") == [tmp_path / "other.xlsx", tmp_path / "w1.csv"]
    with pytest.raises(SourceError, match="没有文件匹配"):
        expand_sources(f"{tmp_path}/*.parquet")
    with pytest.raises(SourceError, match="找不到数据文件"):
        expand_sources(f"{tmp_path}/missing.csv")


def test_our_own_csv_reads_back_the_original_values(tmp_path):
    from reporting.export.files import write_records_csv

    frame = pd.DataFrame(
        [
            ["2026-11-17 09:05", "完成", "售后维修", "5", "9", '=HYPERLINK("http://x")'],
            ["2026-11-17 10:05", "完成", "售后维修", "4", "8", "-不满意"],
        ],
        columns=["visit_at", "status", "service_type", "overall_satisfaction", "nps", "comment"],
    )
    write_records_csv(frame, tmp_path / "ours.csv")
    raw = (tmp_path / "ours.csv").read_text(encoding="utf-8")
    assert "\n=" not in raw and ",=" not in raw and ",\"'=HYPERLINK" in raw and ",'-不满意" in raw
    assert read_records(tmp_path / "ours.csv").records["comment"].tolist() == ['=HYPERLINK("http://x")', "-不满意"]


def test_control_characters_are_removed_from_every_cell_and_counted(tmp_path):
    frame = pd.DataFrame([ROW[:3] + ["\x085", "9"]], columns=["回访\x00时间", *HEADERS[1:]])
    frame.to_parquet(tmp_path / "dirty.parquet")
    read = read_records(tmp_path / "dirty.parquet")
    assert read.records.drop(columns="source_row").to_dict("records") == [EXPECTED]
    assert read.controls_removed == 2


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_a_window_reads_only_its_rows_keeping_row_numbers_and_the_undated(tmp_path, suffix):
    import datetime as dt

    visits = ["2026-11-01 09:00", "2026-11-17 09:05", "2026/11/18 10:00", None, "2026-11-22 23:59", "2026-11-23 00:00"]
    frame = pd.DataFrame(
        {
            "回访时间": visits,
            "回访状态": "完成",
            "服务类型": "售后维修",
            "整体满意度": "5",
            "推荐意愿": "9",
            "客户反馈": [f"第{i}条" for i in range(6)],
        }
    )
    path = tmp_path / f"w{suffix}"
    frame.to_parquet(path) if suffix == ".parquet" else frame.to_csv(path, index=False)
    read = read_records(path, window=(dt.date(2026, 11, 16), dt.date(2026, 11, 22)))
    # in the window, written otherwise (cleaning judges it), missing (the ledger rejects it), last minute of the window
    assert read.records["comment"].tolist() == ["第1条", "第2条", "第3条", "第4条"]
    first_row = 1 if suffix == ".parquet" else 2
    assert read.records["source_row"].tolist() == [first_row + i for i in (1, 2, 3, 4)]
    assert read.outside_window == 2


def test_xlsx_cells_read_as_the_text_people_see_rows_keeping_their_excel_numbers(tmp_path):
    from reporting.intake.tables import read_sheets

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["整数", "小数", "时间", "日期", "钟点", "文本"])
    sheet.append([5, 4.5, datetime.datetime(2026, 11, 16, 9, 30), datetime.date(2026, 11, 17), datetime.time(8, 15), "NA"])
    sheet.append([])
    sheet.append([None, None, None, None, None, "null"])
    sheet.append([True, 1, None, None, None, 1.0])  # a boolean and the number 1 are different texts
    book.save(tmp_path / "cells.xlsx")
    (grid,) = read_sheets(tmp_path / "cells.xlsx", "回访记录").grids.values()
    assert grid.values.tolist() == [
        ["整数", "小数", "时间", "日期", "钟点", "文本"],
        ["5", "4.5", "2026-11-16 09:30:00", "2026-11-17 00:00:00", "08:15:00", "NA"],
        ["", "", "", "", "", ""],
        ["", "", "", "", "", "null"],
        ["True", "1", "", "", "", "1"],
    ]


def test_a_lone_carriage_return_in_an_unquoted_field_is_a_line_break_within_it(tmp_path):
    # found by the hostile-export property test: Python's csv reader refuses a bare CR outside quotes
    from reporting.intake.tables import read_sheets

    path = tmp_path / "cr.csv"
    path.write_bytes('记录编号,客户反馈\nA1,第一行\r第二行\nA2,"引号\r内"\nA3,\ue000私用区\n'.encode())
    grid = read_sheets(path, "数据文件").grids[""]
    assert grid.values.tolist() == [["记录编号", "客户反馈"], ["A1", "第一行\n第二行"], ["A2", "引号\n内"], ["A3", "\ue000私用区"]]
