"""The sent-alerts ledger: nothing sent twice, a cooldown per rule, one 已恢复 line when a condition clears."""

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from reporting.alerts.ledger import condition_of, forget_sent, plan_sends, record_sent, recoveries, to_send
from reporting.alerts.model import Alert
from reporting.errors import StoreError
from reporting.intake.store_schema import alerts_sent_table, open_store

WEEKS = ("2026-11-02_2026-11-08", "2026-11-09_2026-11-15", "2026-11-16_2026-11-22", "2026-11-23_2026-11-29")
RUN_AT = [datetime(2026, 11, 9, 9, 0) + timedelta(weeks=i) for i in range(len(WEEKS))]  # each week's run, the Monday after
LOW = "满意度过低"
NO_COOLDOWN: dict[str, timedelta] = {}


def _alert(week: int, slice_: str = "", rule: str = LOW, kind: str = "threshold", record: str = "") -> Alert:
    """An alert as the evaluation makes it (its key names the overall report 全部)."""
    period = WEEKS[week]
    key = "|".join(filter(None, (rule, "weekly", slice_ or "全部", period, record)))
    message = f"【{slice_}】满意度为 3.10 分" if slice_ else "满意度为 3.10 分"
    return Alert(key, kind, rule, "weekly", slice_, period, "overall_satisfaction", 3.1, 3.5, 40, None, None, "warning", message, "")


def _rows(url: str) -> list[tuple[str, str]]:
    table = alerts_sent_table
    with open_store(url).connect() as connection:
        return [tuple(row) for row in connection.execute(select(table.c.key, table.c.channel).order_by(table.c.key, table.c.channel))]


def _run(url: str, week: int, fired: list[Alert], channel: str, cooldowns: dict[str, timedelta], slices=("",)) -> list[Alert]:
    """One scheduled run on one channel: fired alerts and recoveries planned, then recorded as sent."""
    alerts = fired + recoveries(url, fired, "weekly", WEEKS[week], slices)
    planned = to_send(url, alerts, channel, RUN_AT[week], cooldowns)
    record_sent(url, planned, channel, RUN_AT[week])
    return planned


def test_a_sent_key_is_not_sent_again_on_its_channel_but_is_on_another(store_url: str):
    alert = _alert(0)
    assert to_send(store_url, [alert], "wecom", RUN_AT[0], NO_COOLDOWN) == [alert]
    assert record_sent(store_url, [alert], "wecom", RUN_AT[0]) == [alert]
    assert to_send(store_url, [alert], "wecom", RUN_AT[0] + timedelta(hours=1), NO_COOLDOWN) == []  # the rerun
    assert to_send(store_url, [alert, alert], "email", RUN_AT[0], NO_COOLDOWN) == [alert]  # each key once
    assert _rows(store_url) == [(alert.key, "wecom")]


def test_without_a_cooldown_every_new_period_is_sent(store_url: str):
    assert _run(store_url, 0, [_alert(0)], "wecom", NO_COOLDOWN) == [_alert(0)]
    assert _run(store_url, 1, [_alert(1)], "wecom", {LOW: timedelta(0)}) == [_alert(1)]


def test_a_cooldown_holds_back_the_next_periods_until_it_has_passed(store_url: str):
    cooldowns = {LOW: timedelta(days=14)}
    assert _run(store_url, 0, [_alert(0)], "wecom", cooldowns) == [_alert(0)]
    assert _run(store_url, 1, [_alert(1)], "wecom", cooldowns) == []  # 7 days later: still ongoing, inside the cooldown
    assert _run(store_url, 2, [_alert(2)], "wecom", cooldowns) == [_alert(2)]  # 14 days after the last one sent
    assert _run(store_url, 3, [_alert(3)], "wecom", cooldowns) == []  # the cooldown runs from that one
    assert to_send(store_url, [_alert(3)], "email", RUN_AT[3], cooldowns) == [_alert(3)]  # another channel was told nothing


def test_two_slices_stay_apart(store_url: str):
    cooldowns = {LOW: timedelta(days=14)}
    slices = ("", "VIP客户", "普通客户")
    assert _run(store_url, 0, [_alert(0, "VIP客户")], "wecom", cooldowns, slices) == [_alert(0, "VIP客户")]
    both = [_alert(1, "VIP客户"), _alert(1, "普通客户")]
    assert _run(store_url, 1, both, "wecom", cooldowns, slices) == [_alert(1, "普通客户")]
    # the VIP slice clears while the other still fires: the one recovery names the VIP slice only
    assert [a.slice for a in recoveries(store_url, [_alert(2, "普通客户")], "weekly", WEEKS[2], slices)] == ["VIP客户"]


def test_a_condition_that_stops_firing_recovers_once(store_url: str):
    _run(store_url, 0, [_alert(0)], "wecom", NO_COOLDOWN)
    _run(store_url, 1, [_alert(1)], "wecom", NO_COOLDOWN)
    sent = _run(store_url, 2, [], "wecom", NO_COOLDOWN)
    assert len(sent) == 1
    recovered = sent[0]
    assert (recovered.key, recovered.kind, recovered.severity, recovered.rule, recovered.period) == (
        f"recovered|{LOW}|weekly|全部|{WEEKS[2]}",
        "recovered",
        "info",
        LOW,
        WEEKS[2],
    )
    assert recovered.message == f"已恢复：“{LOW}”自 2026-11-02 至 2026-11-08 起的预警，本期（2026-11-16 至 2026-11-22）未再触发。"
    assert _run(store_url, 2, [], "wecom", NO_COOLDOWN) == []  # the rerun
    assert recoveries(store_url, [], "weekly", WEEKS[2], [""]) == []
    assert _run(store_url, 3, [], "wecom", NO_COOLDOWN) == []  # the next week


def test_a_recovery_names_its_slice_and_goes_only_where_the_alert_went(store_url: str):
    _run(store_url, 0, [_alert(0, "VIP客户")], "wecom", NO_COOLDOWN, ["VIP客户"])
    assert recoveries(store_url, [], "weekly", WEEKS[1], [""]) == []  # the VIP slice was not evaluated: nothing recovers
    [recovered] = recoveries(store_url, [], "weekly", WEEKS[1], ["VIP客户"])
    assert recovered.message.startswith(f"【VIP客户】已恢复：“{LOW}”")
    assert to_send(store_url, [recovered], "email", RUN_AT[1], NO_COOLDOWN) == []  # email never heard of it


def test_a_channel_that_failed_the_recovery_gets_it_on_the_next_run_and_no_other_does(store_url: str):
    for channel in ("wecom", "email"):
        _run(store_url, 0, [_alert(0)], channel, NO_COOLDOWN)
    [recovered] = recoveries(store_url, [], "weekly", WEEKS[1], [""])
    record_sent(store_url, to_send(store_url, [recovered], "wecom", RUN_AT[1], NO_COOLDOWN), "wecom", RUN_AT[1])
    claimed = record_sent(store_url, to_send(store_url, [recovered], "email", RUN_AT[1], NO_COOLDOWN), "email", RUN_AT[1])
    forget_sent(store_url, claimed, "email")  # the mail server was down
    [again] = recoveries(store_url, [], "weekly", WEEKS[2], [""])
    assert to_send(store_url, [again], "wecom", RUN_AT[2], NO_COOLDOWN) == []
    assert to_send(store_url, [again], "email", RUN_AT[2], NO_COOLDOWN) == [again]


def test_a_cleared_condition_that_fires_again_is_sent_despite_the_cooldown(store_url: str):
    cooldowns = {LOW: timedelta(days=30)}
    assert _run(store_url, 0, [_alert(0)], "wecom", cooldowns) == [_alert(0)]
    assert [a.kind for a in _run(store_url, 1, [], "wecom", cooldowns)] == ["recovered"]
    assert _run(store_url, 2, [_alert(2)], "wecom", cooldowns) == [_alert(2)]


def test_a_condition_held_back_by_its_cooldown_does_not_recover(store_url: str):
    cooldowns = {LOW: timedelta(days=30)}
    _run(store_url, 0, [_alert(0)], "wecom", cooldowns)
    assert _run(store_url, 1, [_alert(1)], "wecom", cooldowns) == []  # still firing, only not sent


def test_response_alerts_are_events_apart_and_never_recover(store_url: str):
    rule = "重点客户不满或扬言投诉"
    first, second = (_alert(0, rule=rule, kind="response", record=r) for r in ("R1", "R2"))
    assert (condition_of(first), condition_of(second)) == (f"{rule}|weekly|全部|R1", f"{rule}|weekly|全部|R2")
    assert _run(store_url, 0, [first, second], "wecom", {rule: timedelta(days=7)}) == [first, second]
    assert recoveries(store_url, [], "weekly", WEEKS[1], [""]) == []


def test_within_one_call_the_latest_period_of_a_condition_wins():
    planned = plan_sends([_alert(0), _alert(1), _alert(2)], set(), {}, RUN_AT[2], {LOW: timedelta(days=7)})
    assert planned == [_alert(2)]
    assert plan_sends([_alert(0), _alert(1)], set(), {}, RUN_AT[2], NO_COOLDOWN) == [_alert(0), _alert(1)]


def test_a_key_without_its_period_is_refused():
    broken = Alert("满意度过低|weekly|全部", "threshold", LOW, "weekly", "", WEEKS[0], "x", None, None, None, None, None, "info", "", "")
    with pytest.raises(ValueError, match="does not name its period"):
        condition_of(broken)


def test_a_second_scheduler_recording_the_same_keys_stores_one_row_each(store_url: str):
    alerts = [_alert(0), _alert(0, "VIP客户"), _alert(0, "普通客户")]
    assert record_sent(store_url, alerts, "wecom", RUN_AT[0]) == alerts
    assert record_sent(store_url, alerts, "wecom", RUN_AT[0] + timedelta(seconds=1)) == []
    assert len(_rows(store_url)) == 3


def test_two_schedulers_racing_claim_each_key_once(store_url: str):
    alerts = [_alert(0, f"网点{i:02d}") for i in range(20)]
    open_store(store_url)  # tables made before the race
    start = threading.Barrier(2)
    claimed: list[list[Alert]] = [[], []]
    errors: list[BaseException] = []

    def scheduler(i: int) -> None:
        try:
            start.wait()
            claimed[i] = record_sent(store_url, alerts, "wecom", RUN_AT[0])
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=scheduler, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(a.key for a in claimed[0] + claimed[1]) == sorted(a.key for a in alerts)
    assert len(_rows(store_url)) == len(alerts)


def test_a_failed_write_records_nothing(store_url: str):
    alerts = [_alert(0), _alert(0, "VIP客户")]
    engine = open_store(store_url)
    calls = {"n": 0}

    def fail_second_insert(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
        if statement.lstrip().upper().startswith("INSERT"):
            calls["n"] += 1
            if calls["n"] == 2:
                raise engine.dialect.loaded_dbapi.OperationalError("disk full")

    event.listen(engine, "before_cursor_execute", fail_second_insert)
    try:
        with pytest.raises(StoreError, match="记录已发送的预警"):
            record_sent(store_url, alerts, "wecom", RUN_AT[0])
    finally:
        event.remove(engine, "before_cursor_execute", fail_second_insert)
    assert _rows(store_url) == []


def test_an_unreadable_ledger_is_a_store_error(store_url: str):
    engine = open_store(store_url)
    alerts_sent_table.drop(engine)
    try:
        with pytest.raises(StoreError, match="读取已发送的预警失败"):
            to_send(store_url, [_alert(0)], "wecom", RUN_AT[0], NO_COOLDOWN)
        with pytest.raises(StoreError, match="读取已发送的预警失败"):
            recoveries(store_url, [], "weekly", WEEKS[1], [""])
    finally:
        alerts_sent_table.create(engine)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(alerts_sent_table)).scalar_one() == 0
