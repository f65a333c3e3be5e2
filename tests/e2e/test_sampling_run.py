"""`reporting run params/sampling.yaml`: the call list and its summary, from a services export."""

import json
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from reporting.config import PARAMS_DIR
from reporting.demo.services import generate_demo_services
from reporting.followup.sampling import allowed, parse_rules
from tests.conftest import run_cli

pytestmark = pytest.mark.e2e  # `reporting run` starts its kernel before it checks the parameters

AGENTS = "KF001:20,KF002:20,KF003:10"


def test_sampling_plan_writes_a_call_list_that_keeps_every_rule(tmp_path: Path):
    services = tmp_path / "services.csv"
    generate_demo_services(datetime(2026, 11, 24, 9, 0), days=5, per_day=200, seed=4).to_csv(services, index=False, encoding="gb18030")
    args = [
        "run",
        str(PARAMS_DIR / "sampling.yaml"),
        "-p",
        "services",
        str(services),
        "-p",
        "as_of",
        "2026-11-24 09:00",
        "-p",
        "agents",
        AGENTS,
    ]
    result = run_cli(*args, "--output-dir", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "out" / "sampling" / "2026-11-24"
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    a = metrics["accounting"]
    assert a["read"] == a["rejected"] + a["outside_window"] + a["do_not_call"] + a["same_customer"] + a["customers"]
    assert a["selected"] == a["scheduled"] + a["unscheduled"] and a["rejected"] == 3
    assert all(s["rate"] >= s["target"] for s in metrics["strata"])
    book = load_workbook(folder / "call_list.xlsx", read_only=True)
    assert book.sheetnames == ["回访名单", "未能排期", "分层抽样", "人员排班", "剔除记录"]
    refused = list(book["剔除记录"].iter_rows(values_only=True))
    assert refused[0] == ("来源文件", "行号", "服务单号", "字段", "取值", "剔除原因") and len(refused) == 1 + 3  # a services export's ids
    assert (folder / "rejects.csv").read_text(encoding="utf-8-sig").startswith("来源文件,行号,服务单号,字段,取值,剔除原因\n")
    rows = list(book["回访名单"].iter_rows(values_only=True))
    calls = pd.DataFrame(rows[1:], columns=rows[0])
    assert len(calls) == a["scheduled"]
    rules = parse_rules(0.1, "", "VIP客户", AGENTS, "09:00-18:00", 15, 7)
    hours = (pd.to_datetime(calls["排期时间"]) - pd.to_datetime(calls["服务完成时间"])) / pd.Timedelta(hours=1)
    assert hours.between(24, 72).all() and all(allowed(t, rules) for t in pd.to_datetime(calls["排期时间"]))
    assert calls["联系电话"].str.contains(r"\*\*\*\*").all() and calls["客户姓名"].str.contains(r"\*").all()  # masked
    text = (folder / "report.html").read_text(encoding="utf-8")
    assert all(h in text for h in ("下一轮回访抽样与排期", "分层抽样", "回访人员排班", "回访名单")) and "from reporting" not in text

    again = run_cli(*args, "--output-dir", str(tmp_path / "again"))
    assert again.returncode == 0
    rerun = list(
        load_workbook(tmp_path / "again" / "sampling" / "2026-11-24" / "call_list.xlsx", read_only=True)["回访名单"].iter_rows(
            values_only=True
        )
    )
    assert rerun == rows  # the same seed and data give the same list


def test_sampling_names_a_missing_column_and_a_bad_parameter(tmp_path: Path):
    services = tmp_path / "services.csv"
    generate_demo_services(datetime(2026, 11, 24, 9, 0), days=2, per_day=20).drop(columns="服务完成时间").to_csv(services, index=False)
    result = run_cli("run", str(PARAMS_DIR / "sampling.yaml"), "-p", "services", str(services), "--output-dir", str(tmp_path))
    assert result.returncode == 2 and "缺少列 服务完成时间" in result.stderr and result.stderr.count("\n") == 1
    generate_demo_services(datetime(2026, 11, 24, 9, 0), days=2, per_day=20).to_csv(good := tmp_path / "good.csv", index=False)
    bad = run_cli(
        "run", str(PARAMS_DIR / "sampling.yaml"), "-p", "services", str(good), "-p", "agents", "KF001:0", "--output-dir", str(tmp_path)
    )
    assert bad.returncode == 2 and "agents 中 KF001 的日容量 '0'" in bad.stderr and "Traceback" not in bad.stderr
    window = run_cli(
        "run", str(PARAMS_DIR / "sampling.yaml"), "-p", "services", str(good), "-p", "lookback_days", "0", "--output-dir", str(tmp_path)
    )
    assert window.returncode == 2 and "参数 lookback_days 的值 0 须在 1 到 366 之间" in window.stderr
