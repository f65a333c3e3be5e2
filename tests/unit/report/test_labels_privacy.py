"""Renaming a header in labels/ cannot put a name or a phone on a page or in a workbook: personal data is handled by English keys."""

from __future__ import annotations

import copy
from datetime import date, datetime

import pandas as pd
import pytest

from reporting import vocab
from reporting.demo.services import generate_demo_services
from reporting.intake.privacy import mask_name, mask_phone

RENAMED = {"customer_name": "姓名（改过的表头）", "phone": "手机（改过的表头）", "service_id": "工单号（改过的表头）"}


@pytest.fixture
def renamed_labels(monkeypatch):
    """The labels with every personal column's header renamed, as an analyst editing zh_CN.yaml might."""
    original = vocab.labels()
    changed = copy.deepcopy(original)
    for key, value in original.items():
        if key.startswith("columns_") and isinstance(value, dict):
            changed[key].update({field: text for field, text in RENAMED.items() if field in value})
    monkeypatch.setattr(vocab, "labels", lambda: changed)
    return changed


def personal_values(frame: pd.DataFrame, name: str, phone: str, service: str | None = None) -> set[str]:
    """Every way a customer's name, phone and service id could appear: as given and masked."""
    names = frame[name].dropna().astype(str)
    phones = frame[phone].dropna().astype(str)
    found = set(names) | {mask_name(n) for n in names} | set(phones) | {mask_phone(p) for p in phones}
    return found | (set(frame[service].dropna().astype(str)) if service else set())


def test_the_sampling_summary_shows_no_name_phone_or_service_id_whatever_the_headers_are_called(tmp_path, renamed_labels):
    from reporting.report import sampling
    from reporting.report.params import SamplingParams

    services = generate_demo_services(datetime(2026, 11, 24, 9, 0), days=3, per_day=60, seed=5)
    path = tmp_path / "services.csv"
    services.to_csv(path, index=False)
    model = sampling.build(SamplingParams(as_of=datetime(2026, 11, 24, 9, 0), services=str(path)))
    html = sampling.render(model, "all", "2026-11-24 09:00").data
    assert len(model.schedule) > 0 and "客户编号" in html  # customers are named by id
    leaked = {value for value in personal_values(services, "客户姓名", "联系电话", "服务单号") if value and value in html}
    assert leaked == set()
    assert not any(header in html for header in RENAMED.values())


def test_the_weekly_workbook_masks_names_and_phones_whatever_the_headers_are_called(small_csv, renamed_labels):
    from reporting.report import weekly
    from reporting.report.params import WeeklyParams
    from reporting.report.weekly.sheets import workbook_tables

    model = weekly.build(WeeklyParams(source=str(small_csv), period_start=date(2026, 11, 16), period_end=date(2026, 11, 22)))
    sheets = workbook_tables(model, datetime(2026, 11, 23, 9, 0))
    records = pd.read_csv(small_csv, dtype=str)
    names, phones = set(records["客户姓名"].dropna()), set(records["联系方式"].dropna()) if "联系方式" in records else set()
    cells = {str(v) for sheet in sheets.values() for column in sheet.columns for v in sheet[column].dropna()}
    assert RENAMED["customer_name"] in sheets["客户回访记录表"].columns  # the renamed header is used …
    assert cells.isdisjoint(names) and cells.isdisjoint(phones)  # … and no name or phone is shown in full
