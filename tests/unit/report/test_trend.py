"""The trend review's model."""

from datetime import date

import pandas as pd
import pytest

from reporting.errors import ParameterError
from reporting.intake.clean import CleanResult
from reporting.report.trend.model import build_trend_model, parse_events
from reporting.vocab import load_taxonomy


def test_parse_events():
    assert parse_events("2026-10-19:系统升级；2026-10-01: 国庆 ") == ((date(2026, 10, 1), "国庆"), (date(2026, 10, 19), "系统升级"))
    assert parse_events("") == ()
    with pytest.raises(ParameterError, match="格式不对"):
        parse_events("系统升级")


def test_weekly_kpis_and_problem_shares():
    records = pd.DataFrame(
        {
            "record_id": list("abcde"),
            "visit_at": pd.to_datetime(["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-10", "2026-11-16"]),
            "status": ["完成", "完成", "拒访", "完成", "完成"],
            "valid": [True, True, False, True, True],
            "overall_satisfaction": [5.0, 1.0, None, 4.0, 2.0],
            "nps": [10.0, 0.0, None, 9.0, 3.0],
            "comment": ["很好", "太慢了", None, "很好", "太慢了"],
        }
    )
    trend = build_trend_model(CleanResult(records, pd.DataFrame(), ()), date(2026, 11, 2), date(2026, 11, 16), load_taxonomy())
    assert trend.weeks[["start", "attempted", "valid", "satisfaction", "nps"]].to_dict("records") == [
        {"start": date(2026, 11, 2), "attempted": 3, "valid": 2, "satisfaction": 3.0, "nps": 0.0},
        {"start": date(2026, 11, 9), "attempted": 1, "valid": 1, "satisfaction": 4.0, "nps": 100.0},
        {"start": date(2026, 11, 16), "attempted": 1, "valid": 1, "satisfaction": 2.0, "nps": -100.0},
    ]
    assert trend.problem_shares.to_dict("list") == {
        "start": [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)],
        "响应速度": [0.5, 0.0, 1.0],
    }


def test_build_reads_the_range_and_render_shows_every_part(small_csv):
    from reporting.report import trend
    from reporting.report.params import TrendParams

    params = TrendParams.from_values(
        {"source": str(small_csv), "period_start": "2026-10-26", "period_end": "2026-11-22", "events": "2026-11-09:新政策"}
    )
    model = trend.build(params)
    assert [w.isoformat() for w in model.weeks["start"]] == ["2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16"]
    assert model.events == ((date(2026, 11, 9), "新政策"),)
    html = trend.render(model, "all", "2026-11-23 09:00").data
    headings = ["趋势概览", "满意度与 NPS", "问题占比", "口径说明"]
    positions = [html.index(f"<h2>{h}</h2>") for h in headings]
    assert positions == sorted(positions) and "生成时间：2026-11-23 09:00" in html
    assert html.count("data:image/png;base64,") == 3
