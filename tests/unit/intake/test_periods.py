"""Named periods resolved to exact dates."""

from datetime import date

import pytest

from reporting.config import PARAMS_DIR
from reporting.errors import ParameterError
from reporting.intake.periods import resolve_period, week_start_index
from reporting.run.params import load_run_spec

MONDAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("spec", "as_of", "week_start", "expected"),
    [
        ("last_week", MONDAY, 0, (date(2026, 11, 16), date(2026, 11, 22))),
        ("last_week", date(2026, 11, 22), 0, (date(2026, 11, 9), date(2026, 11, 15))),
        ("last_week", MONDAY, 6, (date(2026, 11, 15), date(2026, 11, 21))),
        ("last_month", MONDAY, 0, (date(2026, 10, 1), date(2026, 10, 31))),
        ("last_month", date(2024, 3, 5), 0, (date(2024, 2, 1), date(2024, 2, 29))),
        ("last_month", date(2026, 1, 1), 0, (date(2025, 12, 1), date(2025, 12, 31))),
        ("2026-W47", MONDAY, 0, (date(2026, 11, 16), date(2026, 11, 22))),
        ("2026-w1", MONDAY, 0, (date(2025, 12, 29), date(2026, 1, 4))),
        ("2026-W53", MONDAY, 0, (date(2026, 12, 28), date(2027, 1, 3))),
        ("2026-11", MONDAY, 0, (date(2026, 11, 1), date(2026, 11, 30))),
        ("2024-02", MONDAY, 0, (date(2024, 2, 1), date(2024, 2, 29))),
        ("2026-11-16..2026-11-22", MONDAY, 0, (date(2026, 11, 16), date(2026, 11, 22))),
    ],
)
def test_resolve_period(spec, as_of, week_start, expected):
    assert resolve_period(spec, as_of, week_start) == expected


@pytest.mark.parametrize("spec", ["2025-W53", "2026-13", "last_year", "2026-11-22..2026-11-16", "2026/11"])
def test_bad_periods_are_clear_errors(spec):
    with pytest.raises(ParameterError, match="统计周期"):
        resolve_period(spec, MONDAY)


def test_week_start_names():
    assert week_start_index("Sunday") == 6
    with pytest.raises(ParameterError, match="week_start"):
        week_start_index("someday")


def test_period_parameter_and_explicit_dates_last_one_wins(small_csv):
    source = ("source", str(small_csv))
    spec = load_run_spec(PARAMS_DIR / "weekly.yaml", [source, ("period", "last_week")], as_of=MONDAY)
    assert (spec.period_start, spec.period_end) == (date(2026, 11, 16), date(2026, 11, 22))
    spec = load_run_spec(PARAMS_DIR / "weekly.yaml", [source, ("period", "last_week"), ("period_start", "2026-11-20")], as_of=MONDAY)
    assert (spec.period_start, spec.period_end) == (date(2026, 11, 20), date(2026, 11, 22))
    spec = load_run_spec(PARAMS_DIR / "weekly.yaml", [source, ("period", "2026-10")])
    assert spec.destination.name == "2026-10-01_2026-10-31"
