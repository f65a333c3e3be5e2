"""The weekly page's own alerts are judged again once the plan's KPIs come from the store (the overdue rule needs them)."""

from __future__ import annotations

from datetime import date, datetime


def test_the_overdue_rule_shows_on_the_page_after_sync_plan(store_url, small_csv, tmp_path):
    from reporting.report import weekly
    from reporting.report.params import WeeklyParams

    rules = tmp_path / "alerts.yaml"
    rules.write_text("rules:\n  逾期:\n    kind: overdue\n    more_than: 0\n    severity: warning\n", encoding="utf-8")
    week = {"period_start": date(2026, 11, 16), "period_end": date(2026, 11, 22)}
    params = WeeklyParams(
        source=str(small_csv), followup_store=store_url, alert_rules=str(rules), generated_at=datetime(2026, 12, 3, 9, 0), **week
    )
    built = weekly.build(params)
    assert built.followup is None and not built.alerts  # before the store: no plan KPIs, nothing to judge
    synced = weekly.sync_plan(built, params)
    assert synced.followup.overdue > 0
    [alert] = synced.alerts
    assert alert.kind == "overdue" and alert.value == synced.followup.overdue
