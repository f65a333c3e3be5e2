"""The clock as a parameter: a run's moment, given or now."""

from __future__ import annotations

from datetime import datetime

from reporting.errors import ParameterError


def moment_of(value: str | datetime) -> datetime:
    """The clock as a parameter: a datetime as given, ``YYYY-MM-DD HH:MM`` parsed, "" meaning now (an interactive session)."""
    if isinstance(value, datetime):
        return value
    if not value.strip():
        return datetime.now().replace(second=0, microsecond=0)
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        raise ParameterError(f"时间参数的值 {value!r} 无效：请写成 2026-11-23 09:00（留空表示现在）") from None
