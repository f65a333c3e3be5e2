"""Report periods named the way schedulers and people name them.

``last_week``, ``last_month``, ``2026-W47`` (ISO week), ``2026-11`` (a month) and
``2026-11-16..2026-11-22`` (inclusive range), resolved against an ``as of`` day.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reporting.errors import ParameterError

DEFAULT_TIMEZONE = "Asia/Shanghai"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
PERIOD_HELP = "last_week、last_month、2026-W47、2026-11 或 2026-11-16..2026-11-22"


def today_in(timezone: str = DEFAULT_TIMEZONE) -> date:
    """Today's date in a timezone (a report for "last week" means last week there)."""
    try:
        return datetime.now(ZoneInfo(timezone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        raise ParameterError(f"时区 {timezone!r} 无效：请写成 IANA 名称，例如 Asia/Shanghai") from None


def week_start_index(name: str) -> int:
    """The weekday weeks start on (0 = Monday), from its English name."""
    try:
        return WEEKDAYS.index(str(name).strip().lower())
    except ValueError:
        raise ParameterError(f"week_start 的值 {name!r} 无效：请写成 {', '.join(WEEKDAYS)} 之一") from None


def resolve_period(spec: str, as_of: date, week_start: int = 0) -> tuple[date, date]:
    """The first and last day (inclusive) of a named period.

    Args:
        spec: ``last_week``, ``last_month``, ``YYYY-Www``, ``YYYY-MM`` or ``A..B``.
        as_of: the day the period is relative to.
        week_start: 0 for Monday-Sunday weeks, 6 for Sunday-Saturday, …

    Returns:
        ``(start, end)``.

    Raises:
        ParameterError: the spec is not one of the forms above, or names no real period.
    """
    text = str(spec).strip()
    if text == "last_week":
        this_week = as_of - timedelta(days=(as_of.weekday() - week_start) % 7)
        return this_week - timedelta(days=7), this_week - timedelta(days=1)
    if text == "last_month":
        last_of_previous = as_of.replace(day=1) - timedelta(days=1)
        return last_of_previous.replace(day=1), last_of_previous
    try:
        if match := _ISO_WEEK.match(text):
            start = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
            return start, start + timedelta(days=6)
        if match := _MONTH.match(text):
            first = date(int(match.group(1)), int(match.group(2)), 1)
            following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
            return first, following - timedelta(days=1)
        if match := _RANGE.match(text):
            start, end = date.fromisoformat(match.group(1)), date.fromisoformat(match.group(2))
            if end < start:
                raise ParameterError(f"统计周期 {text} 的结束日早于开始日：请交换或改正日期")
            return start, end
    except ValueError:
        pass
    raise ParameterError(f"统计周期 {text!r} 无法识别：请写成 {PERIOD_HELP}")


def parse_date(value: str | date, name: str) -> date:
    """Parse a ``YYYY-MM-DD`` parameter, naming it in the error."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ParameterError(f"参数 {name} 的值 {value!r} 不是有效日期：请写成 YYYY-MM-DD，例如 2026-11-16") from None
