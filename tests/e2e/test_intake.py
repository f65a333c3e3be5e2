"""End-to-end intake: messy real-world exports into the store, and reports from it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from reporting.config import PARAMS_DIR
from reporting.intake.store_schema import masked_url
from reporting.vocab import chinese_header
from tests.conftest import WEEK, only_our_scripts, run_cli, weekly_args, without_encoded_data

SCRIPT = "<script>alert('x')</script>"


def messy_csv(records: pd.DataFrame, path: Path) -> Path:
    """A GBK export with a title line, header variants, three date formats, full-width
    digits, duplicated rows, phone numbers in free text and a script in a comment."""
    frame = records.rename(columns=chinese_header).astype(object)
    frame = frame.rename(columns={"推荐意愿": "推荐意愿（0-10分）", "回访状态": " 回访状态 "})
    visits = pd.to_datetime(frame["回访时间"])
    frame["回访时间"] = [
        f"{v:%Y/%m/%d} {v.hour}:{v:%M}"
        if i % 3 == 0
        else (f"{v.year}年{v.month}月{v.day}日 {v:%H:%M}" if i % 3 == 1 else f"{v:%Y-%m-%d %H:%M}")
        for i, v in enumerate(visits)
    ]
    frame["整体满意度"] = frame["整体满意度"].map(lambda v: "５" if str(v) == "5" else v)
    completed = frame.index[frame[" 回访状态 "].eq("完成") & frame["整体满意度"].notna()]
    frame.loc[completed[0], "客户反馈"] = f"有问题打我电话13812345678，{SCRIPT}，太慢了"
    frame.loc[completed[0], "整体满意度"] = "1"
    frame = pd.concat([frame, frame.iloc[:5]], ignore_index=True)
    text = "客户回访记录导出\n" + frame.to_csv(index=False)
    path.write_bytes(text.encode("gbk", errors="replace"))
    return path


def messy_xlsx(records: pd.DataFrame, path: Path) -> Path:
    """A workbook with a notes sheet, a merged title row above the header, real date cells."""
    frame = records.rename(columns=chinese_header)
    book = openpyxl.Workbook()
    book.active.title = "填写说明"
    book.active["A1"] = "请勿修改表头"
    sheet = book.create_sheet("回访明细")
    sheet.append(["2026年客户回访记录表"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(frame.columns))
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        values = [None if pd.isna(v) else v for v in row]
        values[list(frame.columns).index("回访时间")] = pd.Timestamp(values[list(frame.columns).index("回访时间")]).to_pydatetime()
        sheet.append(values)
    book.save(path)
    return path


@pytest.fixture(scope="module")
def exports(small_records, tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    split = len(small_records) // 2
    return messy_csv(small_records.iloc[:split], folder / "crm_export_gbk.csv"), messy_xlsx(
        small_records.iloc[split:], folder / "crm_export.xlsx"
    )


def test_messy_exports_import_with_every_row_accounted_for(exports, store_url, small_records):
    result = run_cli("import", *map(str, exports), "--store", store_url, "--json")
    assert result.returncode == 0, result.stderr
    files = json.loads(result.stdout)["files"]
    assert [Path(f["path"]).name for f in files] == ["crm_export_gbk.csv", "crm_export.xlsx"]
    for ledger in files:
        assert ledger["read"] == ledger["imported"] + ledger["duplicates"] + ledger["rejected"]
        assert ledger["rejected"] == sum(ledger["rejected_by_reason"].values())
    split = len(small_records) // 2
    assert [f["read"] for f in files] == [split + 5, len(small_records) - split]  # the CSV repeats its first five rows
    # the five repeated rows and the demo's own duplicate (in the first half); its one bad score (also there)
    assert [(f["duplicates"], f["rejected"]) for f in files] == [(5 + 1, 1), (0, 0)]
    again = json.loads(run_cli("import", *map(str, exports), "--store", store_url, "--json").stdout)["files"]
    assert [f["imported"] for f in again] == [0, 0]
    text = run_cli("import", str(exports[0]), "--store", store_url)
    assert text.returncode == 0 and "读取" in text.stdout and "重复" in text.stdout


@pytest.mark.e2e
def test_report_from_the_store_is_masked_escaped_and_accounted(exports, store_url, tmp_path, small_records):
    assert run_cli("import", *map(str, exports), "--store", store_url).returncode == 0
    out = tmp_path / "out"
    result = run_cli(
        "run",
        str(PARAMS_DIR / "weekly.yaml"),
        "-p",
        "source",
        store_url,
        "--output-dir",
        str(out),
        "-p",
        "period_start",
        WEEK[0],
        "-p",
        "period_end",
        WEEK[1],
    )
    assert result.returncode == 0, result.stderr
    folder = out / "weekly" / f"{WEEK[0]}_{WEEK[1]}"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["source"] == masked_url(store_url)
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    pulled = manifest["inputs"][0]
    assert re.fullmatch(r"[0-9a-f]{64}", pulled["query_fingerprint"])
    assert pulled["rows"] == metrics["ledger"]["analysed"] + metrics["ledger"]["outside_period"]  # the week and its trend weeks
    for ledger in metrics["ledger"]["files"]:
        assert ledger["read"] == ledger["imported"] + ledger["duplicates"] + ledger["rejected"]
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "数据质量" in html
    assert "<script" not in only_our_scripts(html)
    texts = {p.name: p.read_text(encoding="utf-8-sig") for p in folder.iterdir() if p.suffix in {".html", ".ipynb", ".json", ".csv"}}
    texts["report.pdf"] = "\n".join(page.extract_text() for page in PdfReader(folder / "report.pdf").pages)
    names = {n for n in small_records["customer_name"].dropna() if len(n) >= 2}
    for name, text in texts.items():
        assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", without_encoded_data(text)), name
        assert not re.search(r"(?<![\dXx])\d{17}[\dXx](?![\dXx])", text), name
        assert not re.search(r"[A-Za-z0-9._%+-]{2,}@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", text), name
        assert not [n for n in names if n in text], name
    rejects = pd.read_csv(folder / "rejects.csv", encoding="utf-8-sig")
    assert list(rejects.columns) == ["来源文件", "行号", "记录编号", "字段", "取值", "剔除原因"]
    assert len(rejects) == metrics["ledger"]["rejected"]


@pytest.mark.e2e
def test_glob_source_runs_through_the_same_validation(exports, tmp_path):
    result = run_cli(
        "run", str(PARAMS_DIR / "weekly.yaml"), "-p", "source", f"{exports[0].parent}/crm_export*", "--output-dir", str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    metrics = json.loads(next(tmp_path.glob("weekly/*/metrics.json")).read_text(encoding="utf-8"))
    assert [f["path"] for f in metrics["ledger"]["files"]] == ["crm_export.xlsx", "crm_export_gbk.csv"]


@pytest.mark.e2e
def test_empty_period_warns_and_fail_on_empty_exits_2(small_csv, tmp_path):
    args = [
        *weekly_args(small_csv),
        "-p",
        "period_start",
        "2025-01-06",
        "-p",
        "period_end",
        "2025-01-12",
    ]
    result = run_cli(*args, "--output-dir", str(tmp_path / "a"))
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().startswith("警告：2025-01-06 至 2025-01-12 没有回访记录")
    html = next((tmp_path / "a").glob("weekly/*/report.html")).read_text(encoding="utf-8")
    assert "本统计周期内没有任何回访记录" in html
    strict = run_cli(*args, "--fail-on-empty", "--output-dir", str(tmp_path / "b"))
    assert strict.returncode == 2 and "没有回访记录（--fail-on-empty）" in strict.stderr
    assert strict.stderr.count("\n") == 1 and not list((tmp_path / "b").glob("weekly/2025-*"))
    assert not [p for p in (tmp_path / "b" / "weekly" / ".staging").iterdir()]  # the run left nothing behind


@pytest.mark.parametrize(
    ("make_args", "message"),
    [
        (lambda d: ["import", str(d / "missing.csv")], "找不到数据文件"),
        (lambda d: ["import", str(d / "notes.txt")], "不支持的数据文件类型"),
        (lambda d: ["import", str(d / "fake.xlsx")], "无法读取数据文件"),
        (lambda d: ["import", str(d / "no_header.xlsx")], "找不到可识别的表头"),
        (lambda d: ["import", str(d / "no_nps.csv")], "缺少必需的列：推荐意愿（找到的列：记录编号、客户编号"),
        (lambda d: ["import", str(d / "no_nps.csv"), "--store", "postgresql+psycopg://u:pw@127.0.0.1:1/x"], "缺少必需的列"),
        (
            lambda d: ["import", str(d / "ok.csv"), "--store", "postgresql+psycopg://u:pw@127.0.0.1:1/x"],
            "无法连接数据库 postgresql+psycopg://u:***@127.0.0.1:1/x",
        ),
        pytest.param(
            lambda d: ["run", str(PARAMS_DIR / "weekly.yaml"), "-p", "source", "postgresql+psycopg://u@127.0.0.1:1/x"],
            "无法连接数据库 postgresql+psycopg://u@127.0.0.1:1/x",
            marks=pytest.mark.e2e,  # `reporting run` starts its kernel before it checks the source
        ),
        pytest.param(
            lambda d: ["run", str(PARAMS_DIR / "weekly.yaml"), "-p", "source", "postgresql+psycopg://u:pw@127.0.0.1:1/x"],
            "参数 source 的数据库地址 postgresql+psycopg://u:***@127.0.0.1:1/x 含有密码",  # it would be written into report.ipynb
            marks=pytest.mark.e2e,
        ),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_stored(make_args, message, tmp_path, small_csv):
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "fake.xlsx").write_text("not really a workbook")
    book = openpyxl.Workbook()
    book.active.append(["姓名", "金额"])
    book.save(tmp_path / "no_header.xlsx")
    pd.read_csv(small_csv, dtype=str).drop(columns=["推荐意愿"]).to_csv(tmp_path / "no_nps.csv", index=False)
    (tmp_path / "ok.csv").write_bytes(small_csv.read_bytes())
    store = tmp_path / "store.db"
    args = make_args(tmp_path)
    if args[0] == "import" and "--store" not in args:
        args += ["--store", f"sqlite:///{store}"]
    result = run_cli(*args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "pw@" not in result.stderr
    assert not store.exists() or store.stat().st_size == 0 or _stored(store) == 0


def _stored(path: Path) -> int:
    import sqlite3

    with sqlite3.connect(path) as connection:
        return connection.execute("select count(*) from records").fetchone()[0]
