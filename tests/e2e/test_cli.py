"""End-to-end: the `reporting` command as a user runs it."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import shutil
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from reporting.config import NOTEBOOKS_DIR
from tests.conftest import (
    GOLDEN,
    WEEK,
    libreoffice_resave,
    needs_embedding_model,
    run_cli,
    run_process,
    weekly_args,
    without_encoded_data,
    without_store,
)

pytestmark = pytest.mark.e2e  # every test runs a report, or `reporting run`, which starts its kernel before it checks anything

HEADINGS = ("回访概况", "核心结论", "问题分析", "改进建议")
FILES = (
    "report.ipynb", "report.html", "report.pdf", "metrics.json", "rejects.csv", "workbook.xlsx",
    "taxonomy_suggestions.yaml", "run.log", "manifest.json",
)  # fmt: skip


@pytest.fixture(scope="module")
def good_run(small_csv, tmp_path_factory):
    """One report run on the small records, shared by the checks below."""
    out = tmp_path_factory.mktemp("out")
    result = run_process(
        *weekly_args(small_csv),
        "-p",
        "period_start",
        WEEK[0],
        "-p",
        "period_end",
        WEEK[1],
        "--output-dir",
        str(out),
    )
    return result, out / "weekly" / f"{WEEK[0]}_{WEEK[1]}"


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_good_run_writes_every_report_file(good_run):
    result, folder = good_run
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)
    assert str(folder) in result.stdout
    assert result.stderr == ""


def test_pdf_has_headings_in_order_and_an_embedded_cjk_font(good_run):
    _, folder = good_run
    text = pdf_text(folder / "report.pdf")
    positions = [text.find(h) for h in HEADINGS]
    assert -1 not in positions and positions == sorted(positions)
    reader = PdfReader(folder / "report.pdf")
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font)["/FontDescriptor"]
            fonts[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    cjk = {name: embedded for name, embedded in fonts.items() if "CJK" in name or "SC" in name}
    assert cjk and all(cjk.values()), fonts
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points


def test_html_is_self_contained_without_code(good_run):
    _, folder = good_run
    html = (folder / "report.html").read_text(encoding="utf-8")
    positions = [html.find(f">{h}") for h in HEADINGS]
    assert -1 not in positions and positions == sorted(positions)
    for forbidden in (
        "from reporting",
        "render.render",
        "In&nbsp;[",
        "Traceback",
        "period_start: str",
        "<script src",
        "cdn.",
        "http://",
        "https://",
    ):
        assert forbidden not in html, forbidden
    assert html.count("data:image/png;base64,") == 6  # drivers, scores, NPS, trend, problems, keywords


@needs_embedding_model
def test_metrics_json_has_the_promised_keys(good_run):
    _, folder = good_run
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    # the notebook's numbers are the in-process model's, pinned in the golden file (the follow-up part
    # depends on what the session's default store holds by then)
    pinned = json.loads((GOLDEN / "weekly_metrics.json").read_text(encoding="utf-8"))
    assert without_store(metrics) == without_store(pinned)
    sample = metrics["sample"]
    assert sample["attempted"] == sum(sample[s] for s in ("completed", "refused", "rescheduled", "unreachable"))
    assert metrics["participation_rate"] == pytest.approx(sample["completed"] / sample["attempted"], abs=1e-6)
    assert metrics["valid_response_rate"] == pytest.approx(sample["valid"] / sample["completed"], abs=1e-6)
    assert -100 <= metrics["nps"]["ci95"][0] <= metrics["nps"]["value"] <= metrics["nps"]["ci95"][1] <= 100
    assert metrics["nps"]["n"] == sample["valid"]
    assert 0 <= metrics["csat"]["value"] <= 1 and metrics["csat"]["n"] == sample["valid"]
    assert set(metrics["scores"]) == {"overall_satisfaction", "score_speed", "score_professional", "score_clarity", "score_attitude"}
    assert metrics["problems"] and {"type", "count", "share", "causes", "trend"} <= set(metrics["problems"][0])
    ledger = metrics["ledger"]
    assert ledger["read"] == ledger["imported"] + ledger["duplicates"] + ledger["rejected"]
    assert ledger["imported"] == ledger["analysed"] + ledger["outside_period"]
    assert ledger["analysed"] == sample["attempted"]
    assert ledger["rejected"] == sum(ledger["rejected_by_reason"].values()) == 1  # the demo's one out-of-range score
    fields = ("read", "imported", "duplicates", "rejected", "rejected_by_reason", "controls_removed", "outside_window")
    assert ledger["files"] == [{k: ledger[k] for k in fields} | {"path": "small_records.csv"}]


def test_manifest_records_inputs_versions_and_outputs(good_run, small_csv):
    _, folder = good_run
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["source"] == str(small_csv.resolve())
    source = manifest["inputs"][0]
    assert (source["sha256"], source["bytes"]) == (hashlib.sha256(small_csv.read_bytes()).hexdigest(), small_csv.stat().st_size)
    assert {"pandas", "papermill", "nbconvert", "weasyprint"} <= set(manifest["versions"])
    assert manifest["started_at"] <= manifest["finished_at"]
    assert [o["file"] for o in manifest["outputs"]] == list(FILES[:-1])
    for output in manifest["outputs"]:
        written = folder / output["file"]
        assert (output["sha256"], output["bytes"]) == (hashlib.sha256(written.read_bytes()).hexdigest(), written.stat().st_size), output
    assert manifest["rows"]["read"] == manifest["rows"]["imported"] + manifest["rows"]["duplicates"] + manifest["rows"]["rejected"]


def test_no_personal_data_in_any_output(good_run, small_records):
    _, folder = good_run
    phones = set(small_records["phone"].dropna().astype(str))
    names = {n for n in small_records["customer_name"].dropna() if len(n) >= 2}
    texts = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.suffix in {".html", ".ipynb", ".json"}}
    texts["report.pdf"] = pdf_text(folder / "report.pdf")
    book = openpyxl.load_workbook(folder / "workbook.xlsx")
    texts["workbook.xlsx"] = "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    for name, text in texts.items():
        assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", without_encoded_data(text)), name
        assert not [p for p in phones if p in text], name
        leaked = [n for n in names if n in text]
        assert not leaked, (name, leaked[:5])


def test_python_m_and_demo_data_are_deterministic(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    for path in (first, second):
        result = run_process("demo-data", "--out", str(path), "--weeks", "8", "--rows-per-week", "40", "--seed", "5")
        assert result.returncode == 0, result.stderr
    assert first.read_bytes() == second.read_bytes()
    header = first.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:4] == ["记录编号", "客户编号", "客户姓名", "联系方式"]
    assert "推荐意愿" in header and "客户反馈" in header


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "colour", "red"], "未知参数 colour"),
        (["-p", "period_start", "2026-02-30"], "参数 period_start 的值 '2026-02-30' 不是有效日期"),
        (["-p", "period_start", "2026-11-22", "-p", "period_end", "2026-11-01"], "早于 period_start"),
        (["-p", "source", "no/such/file.csv"], "找不到数据文件 no/such/file.csv"),
    ],
)
def test_bad_parameters_exit_2_with_one_line(args, message, small_csv, tmp_path):
    result = run_cli(*weekly_args(small_csv), *args, "--output-dir", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "weekly").exists()


def test_missing_column_exits_2_naming_it(tmp_path, small_csv):
    frame = pd.read_csv(small_csv, dtype=str).drop(columns=["推荐意愿"])
    broken = tmp_path / "no_nps.csv"
    frame.to_csv(broken, index=False)
    result = run_cli(*weekly_args(broken), "--output-dir", str(tmp_path / "out"))
    assert result.returncode == 2, result.stderr
    assert "缺少必需的列：推荐意愿" in result.stderr and str(broken) in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_missing_params_file_exits_2(tmp_path):
    result = run_cli("run", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2 and "找不到参数文件" in result.stderr and "Traceback" not in result.stderr


def test_failing_cell_exits_1_and_keeps_the_previous_report(good_run, small_csv, tmp_path):
    _, folder = good_run
    out = tmp_path / "out"
    shutil.copytree(folder, out / "weekly" / folder.name)
    before = {p.name: p.read_bytes() for p in (out / "weekly" / folder.name).iterdir()}
    notebook = nbformat.read(NOTEBOOKS_DIR / "reports" / "weekly_report.ipynb", as_version=4)
    notebook.cells.insert(4, nbformat.v4.new_code_cell('raise ValueError("演示用的失败")'))
    broken = tmp_path / "broken.ipynb"
    nbformat.write(notebook, broken)
    params = tmp_path / "broken.yaml"
    params.write_text(
        f"report: weekly\nnotebook: {broken}\nparameters:\n  source: {small_csv}\n  period_start: '{WEEK[0]}'\n  period_end: '{WEEK[1]}'\n",
        encoding="utf-8",
    )
    result = run_process("run", str(params), "--output-dir", str(out))
    assert result.returncode == 1
    error_lines = result.stderr.strip().splitlines()
    assert len(error_lines) == 1 and "Traceback" not in result.stderr
    assert re.search(r"第 \d+ 个单元格执行失败: ValueError: 演示用的失败", error_lines[0])
    after = {p.name: p.read_bytes() for p in (out / "weekly" / folder.name).iterdir()}
    assert after == before
    failed = list((out / "weekly" / "failed").glob("*/report.ipynb"))
    assert len(failed) == 1 and str(failed[0]) in error_lines[0]
    assert not list((out / "weekly").glob(".staging-*"))


def test_user_mistake_met_inside_the_notebook_exits_2(tmp_path, small_csv):
    taxonomy = tmp_path / "my_taxonomy.yaml"
    taxonomy.write_text("types: [unclosed\n", encoding="utf-8")
    result = run_cli(
        *weekly_args(small_csv),
        "-p",
        "taxonomy",
        str(taxonomy),
        "--output-dir",
        str(tmp_path / "out"),
    )
    assert result.returncode == 2, result.stderr
    assert f"配置文件 {taxonomy}" in result.stderr and "不是有效的 YAML" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_trend_review_runs_and_exports(small_csv, tmp_path):
    from reporting.config import PARAMS_DIR as params

    result = run_cli("run", str(params / "trend.yaml"), "-p", "source", str(small_csv), "--output-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "trend" / "2026-09-28_2026-11-22"
    text = pdf_text(folder / "report.pdf")
    assert all(heading in text for heading in ("客户回访趋势回顾", "趋势概览", "满意度与 NPS", "问题占比"))
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert len(metrics["weeks"]) == 8 and metrics["events"][0] == {"date": "2026-10-19", "event": "系统升级"}
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") == 3 and "from reporting" not in html


def test_workbook_has_the_standard_tables_formatted_for_people(good_run):
    _, folder = good_run
    book = openpyxl.load_workbook(folder / "workbook.xlsx")
    assert book.sheetnames == [
        "客户回访记录表", "客户跟进计划表", "客户反馈分类统计表", "二次核实清单", "升级清单", "检验明细", "改进措施", "剔除记录",
    ]  # fmt: skip
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    tests = book["检验明细"]
    assert [c.value for c in tests[1]] == [
        "检验族",
        "族内检验数",
        "检验对象",
        "检验方法",
        "差值（本组或本期 − 对照）",
        "统计量",
        "样本数（两组合计）",
        "p 值",
        "q 值（校正后）",
        "判断",
    ]
    assert tests.max_row - 1 == len(metrics["tests"]["results"]) == sum(metrics["tests"]["families"].values())
    assert {row[9] for row in tests.iter_rows(min_row=2, values_only=True)} <= {"显著", "探索性", "不显著", "未检验"}
    plan = book["客户跟进计划表"]
    assert [c.value for c in plan[1]] == [
        "跟进编号",
        "客户编号",
        "记录编号",
        "回访时间",
        "跟进类别",
        "相关问题",
        "跟进事项",
        "当前状态",
        "计划跟进时间",
        "实际跟进时间",
        "跟进结果简述",
        "下一步计划",
        "负责人",
    ]
    assert plan.freeze_panes == "A2" and plan.auto_filter.ref.startswith("A1:M")
    assert plan.data_validations.dataValidation[0].formula1 == '"待跟进,跟进中,已完成,已升级"'
    assert isinstance(plan["I2"].value, datetime.datetime) and plan["I2"].number_format == "yyyy-mm-dd hh:mm"
    records = book["客户回访记录表"]
    header = [c.value for c in records[1]]
    assert {"问题类型", "情感倾向", "反馈类型", "客户标签"} <= set(header)
    assert all(
        str(v).endswith("*") or "*" in str(v)
        for v in [r[header.index("客户姓名")] for r in records.iter_rows(min_row=2, values_only=True)]
        if v
    )
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    assert records.max_row - 1 == metrics["sample"]["valid"]
    assert book["剔除记录"].max_row - 1 == metrics["ledger"]["rejected"]


def test_workbook_opens_in_libreoffice_and_reads_back_equal(good_run, tmp_path):
    _, folder = good_run
    resaved = libreoffice_resave(folder / "workbook.xlsx", tmp_path)
    written, converted = openpyxl.load_workbook(folder / "workbook.xlsx"), openpyxl.load_workbook(resaved)
    assert converted.sheetnames == written.sheetnames
    for name in written.sheetnames:
        assert list(converted[name].iter_rows(values_only=True)) == list(written[name].iter_rows(values_only=True)), name
