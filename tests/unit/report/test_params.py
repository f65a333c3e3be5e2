"""One typed parameter object per report: the params YAML, the notebook's parameters cell and the object agree."""

from __future__ import annotations

import ast
from dataclasses import MISSING, fields
from datetime import date, datetime
from typing import get_type_hints

import papermill
import pytest
import yaml

from reporting.config import PARAMS_DIR, resolve_path
from reporting.errors import ParameterError
from reporting.report.params import (
    REPORT_PARAMS,
    RUNNER_FIELDS,
    FollowupParams,
    SamplingParams,
    TrendParams,
    WeeklyParams,
    coerce_value,
)

NOTEBOOK_TYPES = {str: "str", int: "int", float: "float", bool: "bool", date: "str", datetime | None: "str"}  # dates travel as text


def params_file(report: str) -> dict:
    return yaml.safe_load((PARAMS_DIR / f"{report}.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("report", sorted(REPORT_PARAMS))
def test_the_notebook_declares_the_objects_names_types_and_defaults(report):
    kind = REPORT_PARAMS[report]
    declared = papermill.inspect_notebook(str(resolve_path(params_file(report)["notebook"])))
    hints = get_type_hints(kind)
    assert set(declared) == {f.name for f in fields(kind)} and set(RUNNER_FIELDS) < set(declared)
    for field in fields(kind):
        spec = declared[field.name]
        assert spec["inferred_type_name"] == NOTEBOOK_TYPES[hints[field.name]], field.name
        default = coerce_value(field.name, ast.literal_eval(spec["default"]), hints[field.name])
        assert field.default is not MISSING and default == field.default, field.name
        assert spec["help"], f"{field.name} has no comment saying what it is"


@pytest.mark.parametrize("report", sorted(REPORT_PARAMS))
def test_the_params_file_sets_declared_names_with_values_of_their_type(report):
    document = params_file(report)
    kind = REPORT_PARAMS[document["report"]]
    hints = get_type_hints(kind)
    for name, value in document["parameters"].items():
        assert name in kind.settable(), name
        assert NOTEBOOK_TYPES[hints[name]] == type(value).__name__, name  # what the YAML writes is what the notebook declares
    assert kind.from_values(document["parameters"]).settable() == kind.settable()


def test_dates_and_moments_are_parsed_once_into_their_types():
    weekly = WeeklyParams.from_values({"period_start": "2026-11-02", "period_end": "2026-11-08", "min_segment_n": "5"})
    assert (weekly.period_start, weekly.period_end, weekly.min_segment_n) == (date(2026, 11, 2), date(2026, 11, 8), 5)
    plan = FollowupParams.from_values({"as_of": "2026-11-23", "generated_at": "2026-11-24 08:30"})
    assert plan.as_of == datetime(2026, 11, 23, 9, 0) and plan.now == datetime(2026, 11, 24, 8, 30)
    assert plan.stamp == "2026-11-24 08:30" and FollowupParams().stamp == ""
    assert weekly.notebook_values()["period_start"] == "2026-11-02" and weekly.notebook_values()["generated_at"] == ""
    assert WeeklyParams.from_values(weekly.notebook_values()) == weekly  # what papermill injects builds the same object


def test_the_clock_runs_in_the_params_timezone():
    east = TrendParams(timezone="Pacific/Kiritimati")  # UTC+14
    west = TrendParams(timezone="Pacific/Pago_Pago")  # UTC-11
    assert round((east.now - west.now).total_seconds() / 3600) == 25
    assert SamplingParams(as_of=None, timezone="Pacific/Kiritimati").moment.date() == east.now.date()


@pytest.mark.parametrize(
    ("kind", "values", "message"),
    [
        (WeeklyParams, {"colour": "red"}, r"未知参数 colour：可用参数为 period_start, period_end, source, taxonomy"),
        (WeeklyParams, {"period_start": "2026-13-01"}, r"参数 period_start 的值 '2026-13-01' 不是有效日期"),
        (WeeklyParams, {"period_start": "2026-11-23"}, r"period_end \(2026-11-22\) 早于 period_start \(2026-11-23\)"),
        (WeeklyParams, {"slice_field": "service_type"}, r"slice_field 与 slice_value 须同时给出"),
        (WeeklyParams, {"slice_field": "colour", "slice_value": "red"}, r"slice_field 的值 'colour' 不是记录字段"),
        (WeeklyParams, {"agent_gap": "-1"}, r"agent_gap 的值 -1.0 不能为负"),
        (TrendParams, {"timezone": "Mars/Olympus"}, r"时区 'Mars/Olympus' 无效"),
        (FollowupParams, {"as_of": "tomorrow"}, r"参数 as_of 的值 'tomorrow' 不是有效时间"),
        (FollowupParams, {"lookback_days": "0"}, r"lookback_days 的值 0 须在 1 到 366 之间"),
        (SamplingParams, {"sample_rate": "1.5"}, r"sample_rate 的值 1.5 须大于 0 且不大于 1"),
    ],
)
def test_a_bad_value_is_one_clear_error(kind, values, message):
    with pytest.raises(ParameterError, match=message):
        kind.from_values(values)


def test_a_report_of_ones_own_gets_the_parameters_its_notebook_declares_or_a_clear_error(tmp_path, small_csv):
    from reporting.run.params import load_run_spec

    params = tmp_path / "mine.yaml"
    params.write_text("report: mine\nnotebook: notebooks/reports/trend_review.ipynb\n", encoding="utf-8")
    spec = load_run_spec(params, [("source", str(small_csv))])
    assert isinstance(spec.params, TrendParams) and spec.report == "mine"  # a copy of the trend review under its own name
    other = tmp_path / "other.ipynb"
    other.write_text(
        '{"cells": [{"cell_type": "code", "id": "p1", "metadata": {"tags": ["parameters"]}, "source": "x = 1", "outputs": [], '
        '"execution_count": null}], "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "P"}}, '
        '"nbformat": 4, "nbformat_minor": 5}',
        encoding="utf-8",
    )
    params.write_text(f"report: mine\nnotebook: {other}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="报告 'mine' 不是 weekly、trend、followup、sampling 之一"):
        load_run_spec(params, [])
