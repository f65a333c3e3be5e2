"""Next-round sampling and scheduling: exact small cases, then every rule on generated data."""

from datetime import datetime, timedelta

import pandas as pd
import pytest

from reporting.demo.services import generate_demo_services
from reporting.errors import ParameterError
from reporting.followup.sampling import achieved_rates, allowed, customers_of, draw_sample, parse_rules, schedule_calls
from reporting.intake.services import clean_services

RULES = parse_rules(0.1, "", "VIP客户", "KF001:1,KF002:2", "09:00-18:00", 15, 7)


def _customers(rows: list[tuple[str, str, str, bool, str]]) -> pd.DataFrame:
    """(customer, service type, completed at, complaint, customer type) per customer."""
    frame = pd.DataFrame(rows, columns=["customer_id", "service_type", "completed_at", "complaint", "customer_type"])
    return frame.assign(completed_at=pd.to_datetime(frame["completed_at"]), service_id=frame["customer_id"] + "-S")


def test_rules_parse_and_name_mistakes():
    assert RULES.agents == {"KF001": 1, "KF002": 2} and RULES.key_types == ("VIP客户",)
    assert parse_rules(0.1, "售后维修:0.2", "", "KF001:5", "08:30-17:30", 20, 1).stratum_rates == {"售后维修": 0.2}
    with pytest.raises(ParameterError, match="sample_rate 的值 1.5"):
        parse_rules(1.5, "", "", "KF001:5", "09:00-18:00", 15, 1)
    with pytest.raises(ParameterError, match="agents 中 KF001 的日容量 'x'"):
        parse_rules(0.1, "", "", "KF001:x", "09:00-18:00", 15, 1)
    with pytest.raises(ParameterError, match="work_hours 的值 '9点到6点'"):
        parse_rules(0.1, "", "", "KF001:5", "9点到6点", 15, 1)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-11-23 11:45", False),  # Monday morning
        ("2026-11-23 12:00", True),
        ("2026-11-27 11:45", True),  # Friday morning
        ("2026-11-27 12:00", False),  # Friday afternoon
        ("2026-11-24 08:45", False),  # before work
        ("2026-11-24 17:45", True),  # the last slot ends at 18:00
        ("2026-11-24 17:50", False),
    ],
)
def test_allowed_call_times(moment: str, expected: bool):
    assert allowed(datetime.fromisoformat(moment), RULES) is expected


def test_one_customer_per_latest_service_and_any_complaint_counts():
    services = _customers([("C1", "售后维修", "2026-11-19 10:00", True, "老客户"), ("C1", "业务办理", "2026-11-20 10:00", False, "老客户")])
    customers = customers_of(services)
    assert customers[["customer_id", "service_type", "complaint", "services"]].values.tolist() == [["C1", "业务办理", True, 2]]


def test_draw_tops_up_each_stratum_to_its_rate_and_keeps_mandatory_calls():
    rows = [(f"A{i:02d}", "售后维修", "2026-11-19 10:00", i == 0, "VIP客户" if i == 1 else "老客户") for i in range(10)]
    rows += [(f"B{i:02d}", "业务办理", "2026-11-19 10:00", False, "老客户") for i in range(25)]
    sample = draw_sample(_customers(rows), RULES)
    assert sample.loc[sample["customer_id"].eq("A00"), "reason"].item() == "投诉"
    assert sample.loc[sample["customer_id"].eq("A01"), "reason"].item() == "重点客户"
    rates = achieved_rates(sample, RULES).set_index("service_type")
    assert rates.loc["售后维修", ["mandatory", "drawn", "selected"]].tolist() == [2, 0, 2]
    assert rates.loc["业务办理", ["mandatory", "drawn", "selected"]].tolist() == [0, 3, 3]  # ceil(0.1 × 25)
    shuffled = draw_sample(_customers(rows[::-1]), RULES)
    assert shuffled.loc[shuffled["selected"], "customer_id"].tolist() == sample.loc[sample["selected"], "customer_id"].tolist()
    other_seed = draw_sample(_customers(rows), parse_rules(0.1, "", "VIP客户", "KF001:1", "09:00-18:00", 15, 8))
    assert set(other_seed.loc[other_seed["selected"], "customer_id"]) != set(sample.loc[sample["selected"], "customer_id"])


def test_calls_go_to_the_first_allowed_slot_by_capacity_share():
    selected = _customers(
        [
            ("C1", "售后维修", "2026-11-19 10:00", False, "老客户"),  # Thursday → Friday 10:00
            ("C2", "售后维修", "2026-11-19 10:00", False, "老客户"),
            ("C3", "售后维修", "2026-11-19 10:00", False, "老客户"),
            ("C4", "售后维修", "2026-11-19 10:00", False, "老客户"),  # KF001 (1 a day) is full on Friday → Saturday
            ("C5", "售后维修", "2026-11-19 14:00", False, "老客户"),  # Friday afternoon is out → Saturday
            ("C6", "售后维修", "2026-11-15 10:00", False, "老客户"),  # its 72 h are over
        ]
    ).assign(reason="分层抽样")
    schedule = schedule_calls(selected, RULES, datetime(2026, 11, 19, 8, 0)).set_index("customer_id")
    assert schedule.loc[["C1", "C2", "C3", "C4", "C5"], "call_at"].dt.strftime("%m-%d %H:%M").tolist() == [
        "11-20 10:00",
        "11-20 10:00",
        "11-20 10:15",
        "11-21 09:00",
        "11-21 09:00",
    ]
    assert schedule.loc[["C1", "C2", "C3", "C4", "C5"], "agent"].tolist() == ["KF001", "KF002", "KF002", "KF001", "KF002"]
    assert pd.isna(schedule.at["C6", "call_at"]) and schedule.at["C6", "unscheduled_reason"].startswith("24-72 小时时限内没有")


def test_every_rule_holds_on_generated_data():
    as_of = datetime(2026, 11, 24, 9, 0)
    raw = generate_demo_services(as_of, days=4, per_day=400, seed=5)
    headers = {"服务单号": "service_id", "客户编号": "customer_id", "客户类型": "customer_type", "服务类型": "service_type"}
    headers |= {"服务完成时间": "completed_at", "是否投诉": "complaint", "重点客户": "key_customer", "无需回访": "do_not_call"}
    frame = raw.rename(columns=headers)[list(headers.values())].replace({"": None})
    services = clean_services(frame.assign(row=range(2, len(frame) + 2)), "demo").services
    rules = parse_rules(0.15, "售后维修:0.3", "VIP客户", "KF001:40,KF002:40,KF003:20", "09:00-18:00", 15, 3)
    refusing = set(services.loc[services["do_not_call"], "customer_id"])
    population = services.loc[
        services["completed_at"].ge(pd.Timestamp(as_of - timedelta(days=3))) & ~services["customer_id"].isin(refusing)
    ]
    sample = draw_sample(customers_of(population), rules)
    chosen = sample.loc[sample["selected"]]
    assert sample.loc[sample["complaint"] | sample["customer_type"].eq("VIP客户") | sample["key_customer"], "selected"].all()
    assert not chosen["customer_id"].isin(refusing).any()
    rates = achieved_rates(sample, rules)
    assert (rates["rate"] >= rates["target"]).all() and rates.loc[rates["service_type"].eq("售后维修"), "target"].item() == 0.3
    schedule = schedule_calls(chosen, rules, as_of)
    calls = schedule.dropna(subset=["call_at"])
    assert len(calls) > 0.8 * len(schedule)
    hours = (calls["call_at"] - calls["completed_at"]) / pd.Timedelta(hours=1)
    assert hours.between(24, 72).all() and calls["call_at"].ge(pd.Timestamp(as_of)).all()
    assert all(allowed(t.to_pydatetime(), rules) for t in calls["call_at"])
    per_day = calls.groupby(["agent", calls["call_at"].dt.date]).size()
    assert all(per_day[agent].max() <= rules.agents[agent] for agent in per_day.index.get_level_values(0))
    assert not calls.duplicated(["agent", "call_at"]).any()  # nobody has two calls in one slot
    share = calls["agent"].value_counts() / pd.Series(rules.agents)
    assert share.max() - share.min() < 0.1  # spread by capacity
    again = schedule_calls(draw_sample(customers_of(population), rules).query("selected"), rules, as_of)
    assert again["call_at"].tolist() == schedule["call_at"].tolist()


def test_a_services_export_without_rule_columns_says_which_are_missing(tmp_path):
    from reporting.intake.services import read_services

    frame = generate_demo_services(datetime(2026, 11, 24, 9, 0), days=2, per_day=20).drop(columns=["是否投诉", "无需回访"])
    frame.to_csv(path := tmp_path / "services.csv", index=False, encoding="gb18030")
    export = read_services(path)
    assert export.missing == ("是否投诉", "无需回访")
    assert export.read == len(export.services) + len(export.rejects) and not export.services["do_not_call"].any()
