"""Coverage: follow-ups done against services completed, per service type and for key customers.

Coverage = completed follow-ups of the period ÷ services completed in the period, per
service type, against its target (≥ 10 % by default; complaints and key customers 100 %,
configurable). Counts are matched by service type (and customer type for key customers),
not service by service: follow-up exports rarely carry the service number.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd

from reporting.analysis.metrics import Rate
from reporting.domain import KEY_CUSTOMER, VISIT_COMPLETED

COVERAGE_COLUMNS = ["subject", "served", "followed_up", "rate", "target", "met"]  # headers: labels coverage_*
KEY_ROW = KEY_CUSTOMER


def coverage_table(
    records: pd.DataFrame,
    services: pd.DataFrame,
    start: date,
    end: date,
    targets: dict[str, float],
    default_target: float = 0.1,
    key_types: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Coverage per service type (and for key customers) in the period.

    Args:
        records: the period's follow-up records (``status``, ``service_type``, ``customer_type``).
        services: the services export, cleaned (``services.read_services``).
        start: first day of the period.
        end: last day of the period.
        targets: service type (or 重点客户) → target rate replacing ``default_target``.
        default_target: the target of the other service types.
        key_types: customer types that count as key customers (a 重点客户 row when any).

    Returns:
        ``COVERAGE_COLUMNS``; ``rate`` is a fraction (None where nothing was served).
    """
    window = services["completed_at"].ge(pd.Timestamp(datetime.combine(start, time.min))) & services["completed_at"].lt(
        pd.Timestamp(datetime.combine(end + timedelta(days=1), time.min))
    )
    served = services.loc[window]
    done = records.loc[records["status"].eq(VISIT_COMPLETED)]
    rows = []
    for service_type in sorted(set(served["service_type"]) | set(done["service_type"].dropna())):
        rate = Rate(int(done["service_type"].eq(service_type).sum()), int(served["service_type"].eq(service_type).sum()))
        rows.append(_row(service_type, rate, targets.get(service_type, default_target)))
    if key_types:
        key_served = served["customer_type"].isin(key_types) | served["key_customer"]
        key_done = done["customer_type"].isin(key_types) if "customer_type" in done else pd.Series(False, index=done.index)
        rows.append(_row(KEY_ROW, Rate(int(key_done.sum()), int(key_served.sum())), targets.get(KEY_ROW, 1.0)))
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def _row(subject: str, rate: Rate, target: float) -> dict[str, object]:
    value = rate.value
    return {
        "subject": subject,
        "served": rate.denominator,
        "followed_up": rate.numerator,
        "rate": value,
        "target": target,
        "met": None if value is None else value >= target,
    }
