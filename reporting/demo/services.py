"""A synthetic services-completed export for the sampling demo and tests.

Services are spread over the days before ``end`` in working hours, with the demo's
service types and customer types; a few complaints, key customers and customers who
asked not to be called, and a few export flaws (a missing customer, an unreadable time,
a repeated service number). Names and phone numbers are invented. The output depends
only on the arguments.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from reporting.demo.population import CUSTOMER_TYPES, GIVEN_CHARS, SERVICE_TYPES, SURNAMES

SERVICE_HEADERS = {
    "service_id": "服务单号",
    "customer_id": "客户编号",
    "customer_name": "客户姓名",
    "phone": "联系电话",
    "customer_type": "客户类型",
    "service_type": "服务类型",
    "completed_at": "服务完成时间",
    "complaint": "是否投诉",
    "key_customer": "重点客户",
    "do_not_call": "无需回访",
}


def generate_demo_services(end: datetime, days: int = 7, per_day: int = 150, seed: int = 11) -> pd.DataFrame:
    """Services completed in the ``days`` days before ``end``, with Chinese headers.

    Args:
        end: the export's moment; services complete before it.
        days: how many days back.
        per_day: average services a day.
        seed: the random seed.

    Returns:
        The export as text columns with the headers of ``SERVICE_HEADERS``.
    """
    rng = np.random.default_rng(seed)
    count = int(days * per_day)
    pool = max(1, int(count * 0.8))
    types = list(SERVICE_TYPES)
    shares = np.array([SERVICE_TYPES[t][0] for t in types])
    customer_types = list(CUSTOMER_TYPES)
    customer_kind = rng.choice(customer_types, size=pool, p=np.array(list(CUSTOMER_TYPES.values())))
    customer = rng.integers(0, pool, size=count)
    day = rng.integers(1, days + 1, size=count)
    minute = rng.integers(8 * 60, 20 * 60, size=count)
    completed = [
        end.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=int(d)) + timedelta(minutes=int(m))
        for d, m in zip(day, minute, strict=True)
    ]
    service = rng.choice(types, size=count, p=shares / shares.sum())
    complaint = np.where(service == "投诉处理", rng.random(count) < 0.6, rng.random(count) < 0.02)
    frame = pd.DataFrame(
        {
            "service_id": [f"FW{end:%Y%m}{i:05d}" for i in range(count)],
            "customer_id": [f"CS{900000 + c}" for c in customer],
            "customer_name": [_name(rng) for _ in range(count)],
            "phone": [f"1{rng.integers(30, 90)}{rng.integers(0, 10**8):08d}" for _ in range(count)],
            "customer_type": customer_kind[customer],
            "service_type": service,
            "completed_at": [c.strftime("%Y-%m-%d %H:%M") for c in completed],
            "complaint": np.where(complaint, "是", "否"),
            "key_customer": np.where(rng.random(count) < 0.02, "是", ""),
            "do_not_call": np.where(rng.random(pool) < 0.03, "是", "")[customer],
        }
    )
    frame = frame.loc[[c <= end for c in completed]].sort_values("completed_at", kind="stable").reset_index(drop=True)
    if len(frame) >= 10:
        frame.loc[3, "customer_id"] = ""
        frame.loc[5, "completed_at"] = "待补录"
        frame = pd.concat([frame, frame.iloc[[7]]], ignore_index=True)
    return frame.rename(columns=SERVICE_HEADERS)


def _name(rng: np.random.Generator) -> str:
    surname = SURNAMES[int(rng.integers(0, len(SURNAMES)))]
    return surname + "".join(GIVEN_CHARS[int(i)] for i in rng.integers(0, len(GIVEN_CHARS), size=int(rng.integers(1, 3))))
