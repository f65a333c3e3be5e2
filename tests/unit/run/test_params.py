"""Parameter validation before the kernel starts."""

from datetime import date, datetime
from pathlib import Path

import pytest

from reporting.config import PARAMS_DIR
from reporting.errors import ParameterError, UserInputError
from reporting.report.params import WeeklyParams, coerce_value
from reporting.run.params import load_run_spec

WEEKLY = PARAMS_DIR / "weekly.yaml"


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "records.csv"
    path.write_text("回访时间,回访状态,服务类型,整体满意度,推荐意愿\n", encoding="utf-8")
    return path


def test_overrides_are_typed_and_paths_made_absolute(source, tmp_path):
    spec = load_run_spec(
        WEEKLY, [("source", str(source)), ("period_start", "2026-11-02"), ("period_end", "2026-11-08"), ("min_segment_n", "5")], tmp_path
    )
    assert spec.params == WeeklyParams(
        source=str(source.resolve()), period_start=date(2026, 11, 2), period_end=date(2026, 11, 8), min_segment_n=5, followup_store=""
    )
    assert spec.destination == tmp_path.resolve() / "weekly" / "2026-11-02_2026-11-08"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ([("colour", "red")], r"未知参数 colour：可用参数为 period_start, period_end, source"),
        ([("period_start", "2026-13-01")], r"参数 period_start 的值 '2026-13-01' 不是有效日期"),
        ([("period_start", "2026-11-22"), ("period_end", "2026-11-16")], r"period_end \(2026-11-16\) 早于 period_start \(2026-11-22\)"),
        ([("min_segment_n", "ten")], r"参数 min_segment_n 的值 'ten' 不是有效的整数"),
        ([("min_segment_n", "0")], r"min_segment_n 的值 0 必须不小于 1"),
        ([("source", "missing.csv")], r"找不到数据文件 missing.csv：请检查 source 参数的路径"),
        ([("generated_at", "now")], r"未知参数 generated_at"),
    ],
)
def test_bad_parameters_are_one_clear_error(source, overrides, message):
    with pytest.raises(UserInputError, match=message):
        load_run_spec(WEEKLY, [("source", str(source)), *overrides])


def test_missing_params_file(tmp_path):
    with pytest.raises(ParameterError, match="找不到参数文件"):
        load_run_spec(tmp_path / "nope.yaml", [])


def test_coerce_value():
    assert coerce_value("a", "0.25", float) == 0.25
    assert coerce_value("a", "yes", bool) is True
    assert coerce_value("a", None, str) == ""
    assert coerce_value("a", date(2026, 11, 2), str) == "2026-11-02"  # YAML reads an unquoted date as a date
    assert coerce_value("a", "2026-11-02", date) == date(2026, 11, 2)
    assert coerce_value("a", "2026-11-23", datetime | None) == datetime(2026, 11, 23, 9, 0)
    assert coerce_value("a", "2026-11-23 14:05:59", datetime | None) == datetime(2026, 11, 23, 14, 5)
    assert coerce_value("a", "", datetime | None) is None
    with pytest.raises(ParameterError, match="参数 a 的值 2.5 不是有效的整数"):
        coerce_value("a", 2.5, int)
    with pytest.raises(ParameterError, match="参数 a 的值 True 不是有效的整数"):
        coerce_value("a", True, int)


def test_notify_section_survives_yaml_reading_on_as_true(source, tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text(
        "report: weekly\nnotebook: notebooks/reports/weekly_report.ipynb\n"
        f"parameters:\n  source: {source}\nnotify:\n  on: [success]\n  command: echo\n",
        encoding="utf-8",
    )
    assert load_run_spec(params, []).notify == {"on": ["success"], "command": "echo"}


def test_unknown_top_level_key_is_named(source, tmp_path):
    params = tmp_path / "p.yaml"
    params.write_text(
        f"notebook: notebooks/reports/weekly_report.ipynb\nschedule: daily\nparameters:\n  source: {source}\n", encoding="utf-8"
    )
    with pytest.raises(ParameterError, match="未知的项 schedule"):
        load_run_spec(params, [])


@pytest.mark.parametrize("name", ["source", "followup_store"])
def test_a_store_url_with_its_password_is_refused_before_it_reaches_the_notebook(source, name):
    url = "postgresql+psycopg://cx:s3cret-pw@127.0.0.1:5432/cx"
    overrides = dict([("source", str(source)), (name, url)])
    with pytest.raises(ParameterError) as refused:
        load_run_spec(WEEKLY, list(overrides.items()))
    message = str(refused.value)
    assert f"参数 {name}" in message and "cx:***@127.0.0.1" in message and "PGPASSWORD" in message
    assert "s3cret-pw" not in message
