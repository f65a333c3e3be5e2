"""The staff's round trip: workbook.xlsx → filled in → reporting import-followups → the next plan and report."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import run_cli, weekly_args

PREVIOUS = ("2026-11-09", "2026-11-15")
CURRENT = ("2026-11-16", "2026-11-22")


def _run_week(csv: Path, out: Path, store: str, week: tuple[str, str]) -> Path:
    result = run_cli(
        *weekly_args(
            csv, "-p", "period_start", week[0], "-p", "period_end", week[1], "-p", "followup_store", store, "--output-dir", str(out)
        )
    )
    assert result.returncode == 0, result.stderr
    return out / "weekly" / f"{week[0]}_{week[1]}"


def _fill(workbook: Path, target: Path, rows: dict[int, tuple[str, bool, str | None]]) -> list[str]:
    """Fill sheet rows {row: (status, with_time, result)}; return their item ids."""
    book = load_workbook(workbook)
    sheet = book["客户跟进计划表"]
    column = {cell.value: cell.column for cell in sheet[1]}
    ids = []
    for row, (status, with_time, text) in rows.items():
        sheet.cell(row, column["当前状态"]).value = status
        if with_time:
            sheet.cell(row, column["实际跟进时间"]).value = sheet.cell(row, column["回访时间"]).value + timedelta(hours=1)
        sheet.cell(row, column["跟进结果简述"]).value = text
        ids.append(sheet.cell(row, column["跟进编号"]).value)
    book.save(target)
    return ids


def _plan_rows(workbook: Path) -> dict[str, tuple[str, str | None]]:
    sheet = load_workbook(workbook, read_only=True)["客户跟进计划表"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    return {r[header.index("跟进编号")]: (r[header.index("当前状态")], r[header.index("跟进结果简述")]) for r in rows[1:]}


@pytest.mark.e2e
def test_results_round_trip_into_the_store_and_change_the_next_plan(small_csv: Path, tmp_path: Path):
    store = f"sqlite:///{tmp_path / 'records.db'}"
    first = _run_week(small_csv, tmp_path / "out", store, PREVIOUS)
    before = _plan_rows(first / "workbook.xlsx")

    bad = tmp_path / "bad.xlsx"
    _fill(
        first / "workbook.xlsx",
        bad,
        {2: ("已完成", True, "已解决，客户电话 13812345678"), 3: ("已完成", False, None), 4: ("处理完了", False, None)},
    )
    refused = run_cli("import-followups", str(bad), "--store", store)
    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 3 and "第 3 行" in lines[0] and "第 4 行" in lines[1] and "没有写入任何跟进结果" in lines[2]
    assert "Traceback" not in refused.stderr

    good = tmp_path / "good.xlsx"
    done = _fill(
        first / "workbook.xlsx",
        good,
        {2: ("已完成", True, "已解决，客户电话 13812345678"), 3: ("已完成", True, "已解释"), 4: ("跟进中", False, None)},
    )
    accepted = run_cli("import-followups", str(good), "--store", store)
    assert accepted.returncode == 0, accepted.stderr
    assert f"更新 3 条跟进记录（已完成 2，跟进中 1），未变化 {len(before) - 3} 条" in accepted.stdout
    again = run_cli("import-followups", str(good), "--store", store)
    assert f"更新 0 条跟进记录，未变化 {len(before)} 条" in again.stdout

    second = _run_week(small_csv, tmp_path / "out", store, CURRENT)
    carried = _plan_rows(second / "workbook.xlsx")
    assert done[0] not in carried and done[1] not in carried  # done: not carried forward
    assert carried[done[2]] == ("跟进中", None)  # still open: carried forward with its status
    open_before = {i for i, (status, _) in before.items() if i not in done}
    assert open_before <= set(carried)

    rerun = _run_week(small_csv, tmp_path / "again", store, PREVIOUS)
    rows = _plan_rows(rerun / "workbook.xlsx")
    assert rows[done[0]] == ("已完成", "已解决，客户电话 138****5678")  # results shown, masked
    metrics = json.loads((rerun / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["followup"]["results_recorded"] == 3
    assert metrics["followup"]["closure"]["numerator"] == 2  # the two items marked 已完成 (with a time) close; 跟进中 does not


def test_import_followups_names_a_missing_workbook_and_sheet(tmp_path: Path):
    missing = run_cli("import-followups", str(tmp_path / "nope.xlsx"), "--store", f"sqlite:///{tmp_path / 's.db'}")
    assert missing.returncode == 2 and "找不到工作簿" in missing.stderr and "Traceback" not in missing.stderr
    from openpyxl import Workbook

    other = tmp_path / "other.xlsx"
    Workbook().save(other)
    wrong = run_cli("import-followups", str(other), "--store", f"sqlite:///{tmp_path / 's.db'}")
    assert wrong.returncode == 2 and "中没有 客户跟进计划表 或 改进措施 工作表" in wrong.stderr


@pytest.mark.e2e
def test_followup_plan_report_assigns_owners_once_and_exports(small_csv: Path, tmp_path: Path):
    import yaml

    from reporting.config import PARAMS_DIR
    from reporting.report import followup
    from reporting.report.followup.sections import followup_document
    from reporting.report.params import FollowupParams

    store = f"sqlite:///{tmp_path / 'records.db'}"
    args = ["run", str(PARAMS_DIR / "followup.yaml"), "-p", "source", str(small_csv), "-p", "followup_store", store]
    first = run_cli(*args, "--output-dir", str(tmp_path / "a"))
    assert first.returncode == 0, first.stderr
    folder = tmp_path / "a" / "followup" / "2026-11-23"
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    # the notebook's numbers are the in-process build's, on the same parameters and an empty store of its own
    expected = followup_document(followup.build(FollowupParams.from_values(
        {**yaml.safe_load((PARAMS_DIR / "followup.yaml").read_text(encoding="utf-8"))["parameters"],
         "source": str(small_csv), "followup_store": f"sqlite:///{tmp_path / 'expected.db'}"}
    )))  # fmt: skip
    assert metrics == expected
    assert metrics["as_of"] == "2026-11-23 09:00"
    assert metrics["added"] == metrics["coverage"]["denominator"] == metrics["items"] and metrics["coverage"]["numerator"] == 0
    role_staff = {"ZG01", "ZG02", "TS01", "YY01"}  # owner_groups: every role-owned item went to one of them, every one open
    assert metrics["assigned"] == sum(row["open"] for row in metrics["workload"] if row["owner"] in role_staff) > 0
    assert metrics["escalations"] == metrics["overdue"]
    owners = {row["owner"] for row in metrics["workload"]}
    assert not owners & {"客服主管", "投诉专员", "产品运营"} and {"ZG01", "ZG02", "TS01"} <= owners
    book = load_workbook(folder / "workbook.xlsx", read_only=True)
    assert book.sheetnames == ["客户跟进计划表", "升级清单", "二次回访清单", "负责人工作量", "剔除记录"]
    rows = list(book["二次回访清单"].iter_rows(values_only=True))
    assert any("响应速度：" in str(r[rows[0].index("已做改进")]) for r in rows[1:])  # the params' change reaches the customers it answers
    text = (folder / "report.html").read_text(encoding="utf-8")
    assert (
        all(h in text for h in ("客户跟进计划", "跟进指标", "逾期与升级清单", "负责人工作量", "二次回访清单"))
        and "from reporting" not in text
    )

    again = run_cli(*args, "--output-dir", str(tmp_path / "b"))
    assert again.returncode == 0, again.stderr
    second = json.loads((tmp_path / "b" / "followup" / "2026-11-23" / "metrics.json").read_text(encoding="utf-8"))
    assert (second["added"], second["assigned"], second["coverage"]["value"]) == (0, 0, 1.0)
    assert second["workload"] == metrics["workload"]  # assignments stay put


@pytest.mark.e2e  # `reporting run` starts its kernel before it checks the parameters
def test_followup_plan_refuses_a_bad_as_of(tmp_path: Path):
    from reporting.config import PARAMS_DIR

    result = run_cli(
        "run", str(PARAMS_DIR / "followup.yaml"), "-p", "source", "", "-p", "as_of", "next monday", "--output-dir", str(tmp_path)
    )
    assert result.returncode == 2 and "参数 as_of 的值 'next monday' 不是有效时间" in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.e2e
def test_next_weeks_report_tracks_last_weeks_measures_and_staff_close_one(small_csv: Path, tmp_path: Path):
    store = f"sqlite:///{tmp_path / 'records.db'}"
    first = _run_week(small_csv, tmp_path / "out", store, PREVIOUS)
    proposed = json.loads((first / "metrics.json").read_text(encoding="utf-8"))["recommendations"]
    assert proposed and all(r["new"] for r in proposed)
    second = _run_week(small_csv, tmp_path / "out", store, CURRENT)
    metrics = json.loads((second / "metrics.json").read_text(encoding="utf-8"))
    tracked = {m["id"]: m for m in metrics["measures"]}
    assert set(tracked) == {r["measure_id"] for r in proposed}  # every measure of last week, none lost
    for recommendation in proposed:
        measure = tracked[recommendation["measure_id"]]
        assert (measure["baseline"], measure["target"], measure["deadline"]) == (
            recommendation["current"],
            recommendation["target"],
            recommendation["due"],
        )
        assert measure["status"] in ("open", "met")
        if "主题「" in measure["subject"] and measure["current"] is None:
            # a discovered theme is found anew each week: not found again under its name, it has no reading and stays open
            assert measure["status"] == "open" and recommendation["subject"] not in {f"主题「{t['name']}」" for t in metrics["themes"]}
        else:
            assert measure["current"] is not None
    last_week = {(r["kind"], r["subject"]): r["measure_id"] for r in proposed}
    again = [r for r in metrics["recommendations"] if (r["kind"], r["subject"]) in last_week]
    assert again and all(not r["new"] and r["measure_id"] == last_week[(r["kind"], r["subject"])] for r in again)
    html = (second / "report.html").read_text(encoding="utf-8")
    assert "改进措施跟踪" in html and "与基线相比" in html

    book = load_workbook(second / "workbook.xlsx")
    sheet = book["改进措施"]
    column = {cell.value: cell.column for cell in sheet[1]}
    assert any("进行中" in str(v.formula1) for v in sheet.data_validations.dataValidation)
    closing = sheet.cell(2, column["措施编号"]).value
    sheet.cell(2, column["措施状态"]).value = "已关闭"
    sheet.cell(2, column["备注"]).value = "已并入季度整改计划"
    filled = tmp_path / "closed.xlsx"
    book.save(filled)
    imported = run_cli("import-followups", str(filled), "--store", store)
    assert imported.returncode == 0, imported.stderr
    assert "更新 1 项改进措施" in imported.stdout

    rerun = json.loads((_run_week(small_csv, tmp_path / "out", store, CURRENT) / "metrics.json").read_text(encoding="utf-8"))
    assert [m["id"] for m in rerun["measures"]] == [m["id"] for m in metrics["measures"]]  # a rerun keeps the ids
    assert [r["measure_id"] for r in rerun["recommendations"]] == [r["measure_id"] for r in metrics["recommendations"]]
    from reporting.followup.measures import load_measures

    assert {m.id: m.status for m in load_measures(store)}[closing] == "closed"
