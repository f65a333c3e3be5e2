"""Alert delivery: the channels' config, the grouped message, each vendor's format and signature on a loopback server, failures."""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import hmac
import json
import logging
import re
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from reporting.alerts.channels import Channel, parse_channels
from reporting.alerts.deliver import Delivery, deliver_planned
from reporting.alerts.message import group_alerts, render_markdown, render_text
from reporting.alerts.model import Alert
from reporting.errors import ParameterError
from tests.postgres import free_port

PERIOD = "2026-11-16_2026-11-22"
WHERE = "params/weekly.yaml 的 alerts.channels"
DINGTALK_TOKEN = "tok-dingtalk-5f2a9c0e"
DINGTALK_SECRET = "SEC0d1e2f3a4b5c6d7e8f-dingtalk"
WECOM_KEY = "key-wecom-7d41e0aa"
FEISHU_HOOK = "3f6b2c1e-feishu-hook-0042"
FEISHU_SECRET = "feishuSecretXyz987"
WEBHOOK_PATH = "slackPathSecret123"
SECRETS = (DINGTALK_TOKEN, DINGTALK_SECRET, WECOM_KEY, FEISHU_HOOK, FEISHU_SECRET, WEBHOOK_PATH)
OK = {"errcode": 0, "errmsg": "ok"}


def make_alert(severity: str, message: str, *, kind: str = "threshold", rule: str = "rule", link: str = "") -> Alert:
    return Alert(
        key=f"{rule}|weekly||{PERIOD}",
        kind=kind,
        rule=rule,
        report="weekly",
        slice="",
        period=PERIOD,
        metric="overall_satisfaction",
        value=3.1,
        baseline=3.5,
        n=120,
        p=None,
        q=None,
        severity=severity,
        message=message,
        link=link,
    )


def deliver(alerts: list[Alert], every: list[Channel], title: str, **options: Any) -> list[Delivery]:
    """The same alerts to every channel, through the one sending path (the tests' shorthand)."""
    return deliver_planned([(channel, alerts) for channel in every], title, **options)


ALERTS = [
    make_alert("info", "提示：新问题「发票」出现 4 次。", rule="c_emerging"),
    make_alert("critical", "整体满意度 3.1，低于 3.5。", rule="a_threshold", link=f"weekly/{PERIOD}/report.html"),
    make_alert("warning", "响应速度投诉占比升至 18%。", rule="b_change", link=f"https://reports.example.com/weekly/{PERIOD}/report.html"),
    make_alert("warning", "回访完成率已回到 90% 以上。", kind="recovered", rule="d_recovered"),
]


# ---------------------------------------------------------------- a loopback robot


@dataclass
class Received:
    path: str
    raw_query: str
    query: dict[str, str]
    body: Any
    content_type: str


class Robot(ThreadingHTTPServer):
    """Answers posts on 127.0.0.1 as configured per path prefix; ``None`` as an answer never answers."""

    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), RobotHandler)
        self.received: list[Received] = []
        self.answers: dict[str, tuple[int, Any] | None] = {}
        self.release = threading.Event()
        self.lock = threading.Lock()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_port}{path}"

    def to(self, prefix: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path.startswith(prefix)]


class RobotHandler(BaseHTTPRequestHandler):
    server: Robot

    def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
        split = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        with self.server.lock:
            self.server.received.append(
                Received(split.path, split.query, dict(parse_qsl(split.query)), json.loads(raw), self.headers["Content-Type"])
            )
        answer = next((a for prefix, a in self.server.answers.items() if split.path.startswith(prefix)), (200, OK))
        if answer is None:
            self.server.release.wait(10)
            return
        status, body = answer
        data = (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        pass


@pytest.fixture
def robot(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "*")
    server = Robot()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def all_robots(robot, monkeypatch):
    monkeypatch.setenv("T_DINGTALK_URL", robot.url(f"/dingtalk/robot/send?access_token={DINGTALK_TOKEN}"))
    monkeypatch.setenv("T_DINGTALK_SECRET", DINGTALK_SECRET)
    monkeypatch.setenv("T_WECOM_URL", robot.url(f"/wecom/cgi-bin/webhook/send?key={WECOM_KEY}"))
    monkeypatch.setenv("T_FEISHU_URL", robot.url(f"/feishu/open-apis/bot/v2/hook/{FEISHU_HOOK}"))
    monkeypatch.setenv("T_FEISHU_SECRET", FEISHU_SECRET)
    monkeypatch.setenv("T_WEBHOOK_URL", robot.url(f"/webhook/services/T000/B000/{WEBHOOK_PATH}"))
    robot.answers.update({"/feishu": (200, {"code": 0, "msg": "success", "data": {}}), "/webhook": (200, "ok")})
    return robot


def channels(*entries: dict[str, Any]) -> tuple[Channel, ...]:
    return parse_channels(list(entries), WHERE)


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


# ---------------------------------------------------------------- channels' config


def test_channels_are_parsed_from_the_params_list():
    parsed = channels(
        {"type": "webhook", "url_env": "REPORTING_ALERT_WEBHOOK"},
        {"type": "dingtalk", "url_env": "REPORTING_DINGTALK_URL", "secret_env": "REPORTING_DINGTALK_SECRET"},
        {"type": "wecom", "url_env": "REPORTING_WECOM_URL"},
        {"type": "email", "to": ["cx-ops@example.com", "lead@example.com"]},
        {"type": "email", "to": "one@example.com"},
    )
    assert parsed == (
        Channel("webhook", url_env="REPORTING_ALERT_WEBHOOK"),
        Channel("dingtalk", url_env="REPORTING_DINGTALK_URL", secret_env="REPORTING_DINGTALK_SECRET"),
        Channel("wecom", url_env="REPORTING_WECOM_URL"),
        Channel("email", to=("cx-ops@example.com", "lead@example.com")),
        Channel("email", to=("one@example.com",)),
    )
    assert parse_channels(None, WHERE) == () and parse_channels([], WHERE) == ()
    assert (parsed[1].name, parsed[1].label) == ("dingtalk:REPORTING_DINGTALK_URL", "dingtalk（REPORTING_DINGTALK_URL）")
    assert parsed[3].name == "email:cx-ops@example.com, lead@example.com"


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ({"type": "dingtalk"}, "应是一个列表"),
        (["dingtalk"], "第 1 项 应是一个映射"),
        ([{"type": "slack", "url_env": "X"}], "第 1 项：type 应是 webhook / dingtalk / wecom / feishu / email 之一，现在是 'slack'"),
        ([{"type": "email", "to": ["a@example.com"]}, {"type": "wecom"}], "第 2 项（wecom）：缺少 url_env"),
        ([{"type": "email"}], "第 1 项（email）：缺少 to"),
        ([{"type": "email", "to": []}], "缺少 to"),
        ([{"type": "email", "to": ["not-an-address"]}], "'not-an-address' 不是一个邮件地址"),
        ([{"type": "wecom", "url_env": "X", "secret_env": "Y"}], "不认识的字段 'secret_env'（wecom 通道可用：type、url_env）"),
        ([{"type": "email", "to": ["a@example.com"], "url_env": "X"}], "不认识的字段 'url_env'"),
    ],
)
def test_a_wrong_channel_is_refused_naming_the_entry_and_field(section, expected):
    with pytest.raises(ParameterError) as caught:
        parse_channels(section, WHERE)
    assert str(caught.value).startswith(WHERE) and expected in str(caught.value)


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"type": "dingtalk", "url_env": f"https://oapi.dingtalk.com/robot/send?access_token={DINGTALK_TOKEN}"}, "url_env"),
        ({"type": "wecom", "url_env": WECOM_KEY}, "url_env"),
        ({"type": "dingtalk", "url_env": "REPORTING_DINGTALK_URL", "secret_env": DINGTALK_SECRET}, "secret_env"),
        ({"type": "feishu", "url_env": "REPORTING_FEISHU_URL", "secret_env": FEISHU_SECRET}, "secret_env"),
        ({"type": "dingtalk", "url": f"https://oapi.dingtalk.com/robot/send?access_token={DINGTALK_TOKEN}"}, "url_env"),
        ({"type": "feishu", "url_env": "REPORTING_FEISHU_URL", "secret": FEISHU_SECRET}, "secret_env"),
    ],
)
def test_an_address_or_secret_written_in_the_yaml_is_refused_without_repeating_it(entry, field):
    with pytest.raises(ParameterError) as caught:
        parse_channels([entry], WHERE)
    message = str(caught.value)
    assert "请把它放进环境变量" in message and field in message and "第 1 项" in message
    assert_no_secret(message)


# ---------------------------------------------------------------- the grouped message


def test_the_message_lists_the_most_severe_first_and_recovered_last():
    message = group_alerts(ALERTS, "回访报告预警")
    assert message.heading == "回访报告预警（4 条：严重 1、警告 1、提示 1、已恢复 1）"
    assert [a.rule for a in message.alerts] == ["a_threshold", "b_change", "c_emerging", "d_recovered"]
    assert render_text(message).splitlines() == [
        "回访报告预警（4 条：严重 1、警告 1、提示 1、已恢复 1）",
        f"【严重】整体满意度 3.1，低于 3.5。　详情：weekly/{PERIOD}/report.html",
        f"【警告】响应速度投诉占比升至 18%。　详情：https://reports.example.com/weekly/{PERIOD}/report.html",
        "【提示】提示：新问题「发票」出现 4 次。",
        "【已恢复】回访完成率已回到 90% 以上。",
    ]
    assert group_alerts(ALERTS[1:3], "周报预警").heading == "周报预警（2 条：严重 1、警告 1）"


def test_a_recovered_message_that_says_so_is_not_tagged_twice():
    recovered = make_alert("info", "【华东】已恢复：“满意度过低”自 2026-11-09 起的预警，本期未再触发。", kind="recovered")
    message = group_alerts([recovered], "回访报告预警")
    assert message.heading == "回访报告预警（1 条：已恢复 1）"
    assert render_text(message).splitlines()[1] == "【华东】已恢复：“满意度过低”自 2026-11-09 起的预警，本期未再触发。"
    assert render_markdown(message).splitlines()[-1] == "- 【华东】已恢复：“满意度过低”自 2026-11-09 起的预警，本期未再触发。"


def test_markdown_keeps_masked_names_and_customers_words_from_becoming_markup():
    alert = make_alert("critical", "客户 张* (138****5678) 说：<b>[退款]</b>\n太慢", link="https://r.example.com/a b.html")
    text = render_markdown(group_alerts([alert], "回访报告预警"))
    assert text == (
        "### 回访报告预警（1 条：严重 1）\n\n"
        "- **【严重】** 客户 张＊ (138＊＊＊＊5678) 说：＜b＞［退款］＜/b＞ 太慢　[详情](https://r.example.com/a%20b.html)"
    )


def test_a_long_message_is_cut_to_the_robots_budget_and_says_how_many_are_left_out():
    many = [make_alert("warning", f"第 {i} 个片区满意度下降，请查看该片区的回访记录并安排主管跟进。", rule=f"r{i:03}") for i in range(200)]
    text = render_markdown(group_alerts(many, "回访报告预警"), 4000)
    assert len(text.encode()) <= 4000
    shown = text.count("**【警告】**")
    assert 10 < shown < 200 and text.endswith(f"- ……另有 {200 - shown} 条未列出，详见报告")


# ---------------------------------------------------------------- each vendor, one message each


def test_each_channel_gets_one_message_in_its_vendors_format_signed_as_documented(all_robots, caplog):
    caplog.set_level(logging.DEBUG)
    every = channels(
        {"type": "dingtalk", "url_env": "T_DINGTALK_URL", "secret_env": "T_DINGTALK_SECRET"},
        {"type": "wecom", "url_env": "T_WECOM_URL"},
        {"type": "feishu", "url_env": "T_FEISHU_URL", "secret_env": "T_FEISHU_SECRET"},
        {"type": "webhook", "url_env": "T_WEBHOOK_URL"},
    )
    before = time.time()
    deliveries = deliver(ALERTS, every, "回访报告预警", timeout=2, attempts=1)
    assert deliveries == [
        Delivery("dingtalk", "T_DINGTALK_URL", ok=True, attempts=1),
        Delivery("wecom", "T_WECOM_URL", ok=True, attempts=1),
        Delivery("feishu", "T_FEISHU_URL", ok=True, attempts=1),
        Delivery("webhook", "T_WEBHOOK_URL", ok=True, attempts=1),
    ]
    heading = "回访报告预警（4 条：严重 1、警告 1、提示 1、已恢复 1）"

    [dingtalk] = all_robots.to("/dingtalk")
    assert dingtalk.content_type == "application/json; charset=utf-8"
    assert dingtalk.query["access_token"] == DINGTALK_TOKEN
    assert set(dingtalk.body) == {"msgtype", "markdown"} and dingtalk.body["msgtype"] == "markdown"
    assert dingtalk.body["markdown"]["title"] == heading
    assert dingtalk.body["markdown"]["text"].startswith(f"### {heading}\n\n- **【严重】** 整体满意度")
    timestamp, sign = dingtalk.query["timestamp"], dingtalk.query["sign"]
    assert abs(int(timestamp) - before * 1000) < 60_000  # milliseconds
    expected = base64.b64encode(hmac.new(DINGTALK_SECRET.encode(), f"{timestamp}\n{DINGTALK_SECRET}".encode(), hashlib.sha256).digest())
    assert sign == expected.decode()
    assert f"sign={urllib.parse.quote_plus(sign)}" in dingtalk.raw_query  # URL-encoded: base64's + / = escaped

    [wecom] = all_robots.to("/wecom")
    assert wecom.query == {"key": WECOM_KEY}
    assert wecom.body == {"msgtype": "markdown", "markdown": {"content": dingtalk.body["markdown"]["text"]}}

    [feishu] = all_robots.to("/feishu")
    assert feishu.path.endswith(FEISHU_HOOK) and feishu.query == {}
    assert set(feishu.body) == {"timestamp", "sign", "msg_type", "content"} and feishu.body["msg_type"] == "text"
    text = feishu.body["content"]["text"]
    assert text.startswith(f"{heading}\n【严重】整体满意度")
    assert text.index("【严重】") < text.index("【警告】") < text.index("【提示】") < text.index("【已恢复】")
    timestamp = feishu.body["timestamp"]
    assert isinstance(timestamp, str) and abs(int(timestamp) - before) < 60  # seconds
    expected = base64.b64encode(hmac.new(f"{timestamp}\n{FEISHU_SECRET}".encode(), b"", hashlib.sha256).digest())
    assert feishu.body["sign"] == expected.decode()

    [webhook] = all_robots.to("/webhook")
    assert webhook.body["text"] == text
    assert [a["rule"] for a in webhook.body["alerts"]] == ["a_threshold", "b_change", "c_emerging", "d_recovered"]
    assert webhook.body["alerts"][0] == {**vars(ALERTS[1])}

    assert len(all_robots.received) == 4  # one grouped message per channel for four alerts
    assert_no_secret(caplog.text, repr(deliveries))


def test_robots_without_a_secret_are_not_signed(all_robots):
    unsigned = channels({"type": "dingtalk", "url_env": "T_DINGTALK_URL"}, {"type": "feishu", "url_env": "T_FEISHU_URL"})
    assert all(d.ok for d in deliver(ALERTS[:1], unsigned, "回访报告预警", timeout=2))
    [dingtalk], [feishu] = all_robots.to("/dingtalk"), all_robots.to("/feishu")
    assert dingtalk.query == {"access_token": DINGTALK_TOKEN}
    assert set(feishu.body) == {"msg_type", "content"}


def test_no_alert_sends_nothing(all_robots):
    assert deliver([], channels({"type": "wecom", "url_env": "T_WECOM_URL"}), "回访报告预警") == []
    assert all_robots.received == []


def test_each_channel_may_get_its_own_alerts(all_robots):
    wecom, feishu, webhook = channels(
        {"type": "wecom", "url_env": "T_WECOM_URL"},
        {"type": "feishu", "url_env": "T_FEISHU_URL"},
        {"type": "webhook", "url_env": "T_WEBHOOK_URL"},
    )
    deliveries = deliver_planned([(wecom, ALERTS[:2]), (feishu, []), (webhook, ALERTS[3:])], "回访报告预警", timeout=2)
    assert [(d.name, d.ok) for d in deliveries] == [(wecom.name, True), (webhook.name, True)]  # feishu had nothing to send
    assert all_robots.to("/feishu") == []
    [sent] = all_robots.to("/wecom")
    assert sent.body["markdown"]["content"].startswith("### 回访报告预警（2 条：严重 1、提示 1）")
    assert [a["rule"] for a in all_robots.to("/webhook")[0].body["alerts"]] == ["d_recovered"]


# ---------------------------------------------------------------- failures


def test_failing_channels_are_retried_and_reported_while_the_others_deliver(robot, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    dead_port = free_port()  # nothing listens there: connection refused
    monkeypatch.setenv("T_BROKEN", robot.url(f"/broken/robot/send?access_token={DINGTALK_TOKEN}"))
    monkeypatch.setenv("T_SILENT", robot.url(f"/silent/cgi-bin/webhook/send?key={WECOM_KEY}"))
    monkeypatch.setenv("T_REFUSED", f"http://127.0.0.1:{dead_port}/open-apis/bot/v2/hook/{FEISHU_HOOK}")
    monkeypatch.setenv("T_FEISHU_SECRET", FEISHU_SECRET)
    monkeypatch.setenv("T_GOOD", robot.url(f"/good/services/T000/B000/{WEBHOOK_PATH}"))
    robot.answers.update({"/broken": (500, {"errcode": -1, "errmsg": "system busy"}), "/silent": None, "/good": (200, "ok")})
    started = time.monotonic()
    deliveries = deliver(
        ALERTS,
        channels(
            {"type": "dingtalk", "url_env": "T_BROKEN"},
            {"type": "wecom", "url_env": "T_SILENT"},
            {"type": "feishu", "url_env": "T_REFUSED", "secret_env": "T_FEISHU_SECRET"},
            {"type": "webhook", "url_env": "T_GOOD"},
        ),
        "回访报告预警",
        timeout=0.5,
        attempts=3,
        backoff=0.01,
    )
    assert time.monotonic() - started < 3  # channels are tried side by side
    broken, silent, refused, good = deliveries
    assert (broken.ok, broken.attempts, broken.error) == (False, 3, "HTTP 500（Internal Server Error）")
    assert len(robot.to("/broken")) == 3
    assert (silent.ok, silent.attempts, silent.error) == (False, 3, "0.5 秒内无应答（超时）")
    assert (refused.ok, refused.attempts) == (False, 3) and refused.error.startswith("连接失败：")
    assert good == Delivery("webhook", "T_GOOD", ok=True, attempts=1)
    assert len(robot.to("/good")) == 1
    assert_no_secret(caplog.text, repr(deliveries), *(d.error for d in deliveries))
    assert "预警未能发送到 dingtalk（T_BROKEN）（共尝试 3 次）：HTTP 500" in caplog.text


@pytest.mark.parametrize(
    ("kind", "answer", "error"),
    [
        ("dingtalk", {"errcode": 310000, "errmsg": "keywords not in content"}, "机器人拒收：errcode=310000，keywords not in content"),
        ("wecom", {"errcode": 93000, "errmsg": "invalid webhook url"}, "机器人拒收：errcode=93000，invalid webhook url"),
        ("feishu", {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time"}, "code=19021"),
        ("dingtalk", "<html>proxy login</html>", "机器人的应答不是 JSON"),
    ],
)
def test_a_robot_refusing_with_http_200_is_a_failure(robot, monkeypatch, kind, answer, error):
    monkeypatch.setenv("T_URL", robot.url(f"/robot/send?access_token={DINGTALK_TOKEN}"))
    robot.answers["/robot"] = (200, answer)
    [delivery] = deliver(ALERTS, channels({"type": kind, "url_env": "T_URL"}), "回访报告预警", timeout=2, attempts=2, backoff=0)
    assert (delivery.ok, delivery.attempts) == (False, 2) and error in delivery.error
    assert len(robot.received) == 2


def test_a_client_error_is_not_retried(robot, monkeypatch):
    monkeypatch.setenv("T_URL", robot.url(f"/robot/send?access_token={DINGTALK_TOKEN}"))
    robot.answers["/robot"] = (400, {"errcode": 40035, "errmsg": "bad request"})
    [delivery] = deliver(ALERTS, channels({"type": "webhook", "url_env": "T_URL"}), "回访报告预警", attempts=3, backoff=0)
    assert (delivery.ok, delivery.attempts, delivery.error) == (False, 1, "HTTP 400（Bad Request）")


def test_secrets_echoed_by_a_robot_or_an_exception_are_masked(robot, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    url = robot.url(f"/robot/send?access_token={DINGTALK_TOKEN}")
    monkeypatch.setenv("T_URL", url)
    monkeypatch.setenv("T_SECRET", DINGTALK_SECRET)
    robot.answers["/robot"] = (200, {"errcode": 300001, "errmsg": f"token {DINGTALK_TOKEN} is invalid (secret {DINGTALK_SECRET})"})
    dingtalk = channels({"type": "dingtalk", "url_env": "T_URL", "secret_env": "T_SECRET"})
    [echoed] = deliver(ALERTS, dingtalk, "回访报告预警", attempts=1)
    assert echoed.error == "机器人拒收：errcode=300001，token *** is invalid (secret ***)"

    def explode(request, timeout):
        raise ValueError(f"cannot open {request.full_url}")

    monkeypatch.setattr(urllib.request, "urlopen", explode)
    [surprised] = deliver(ALERTS, dingtalk, "回访报告预警", attempts=2, backoff=0)
    assert (surprised.ok, surprised.attempts) == (False, 1)
    assert re.fullmatch(r"意外错误：ValueError: cannot open \*\*\*&timestamp=\d+&sign=\*\*\*", surprised.error)  # the signature too
    assert_no_secret(caplog.text, repr([echoed, surprised]), echoed.error, surprised.error)


def test_an_unset_variable_is_reported_without_trying(monkeypatch):
    monkeypatch.delenv("T_UNSET_URL", raising=False)
    monkeypatch.setenv("T_URL", f"file:///etc/{WECOM_KEY}")
    monkeypatch.setenv("T_SET_URL", "https://oapi.dingtalk.com/robot/send?access_token=x")
    monkeypatch.delenv("T_UNSET_SECRET", raising=False)
    deliveries = deliver(
        ALERTS,
        channels(
            {"type": "wecom", "url_env": "T_UNSET_URL"},
            {"type": "wecom", "url_env": "T_URL"},
            {"type": "dingtalk", "url_env": "T_SET_URL", "secret_env": "T_UNSET_SECRET"},
        ),
        "回访报告预警",
    )
    assert deliveries == [
        Delivery("wecom", "T_UNSET_URL", ok=False, attempts=0, error="环境变量 T_UNSET_URL 未设置（wecom 通道的地址）"),
        Delivery("wecom", "T_URL", ok=False, attempts=0, error="环境变量 T_URL 的值不是 http(s) 地址"),
        Delivery("dingtalk", "T_SET_URL", ok=False, attempts=0, error="环境变量 T_UNSET_SECRET 未设置（dingtalk 通道的签名密钥）"),
    ]


# ---------------------------------------------------------------- e-mail


def test_email_goes_through_the_smtp_settings(monkeypatch, smtp_server):
    received = smtp_server
    monkeypatch.setenv("REPORTING_SMTP_FROM", "alerts@example.com")
    mail = channels({"type": "email", "to": ["cx-ops@example.com", "lead@example.com"]})
    deliveries = deliver(ALERTS, mail, "回访报告预警", timeout=5)
    assert deliveries == [Delivery("email", "cx-ops@example.com, lead@example.com", ok=True, attempts=1)]
    [envelope] = received
    assert envelope.rcpt_tos == ["cx-ops@example.com", "lead@example.com"] and envelope.mail_from == "alerts@example.com"
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["Subject"] == "回访报告预警（4 条：严重 1、警告 1、提示 1、已恢复 1）"
    assert message.get_content().splitlines() == render_text(group_alerts(ALERTS, "回访报告预警")).splitlines()


def test_email_without_a_mail_server_is_a_failed_delivery(monkeypatch):
    monkeypatch.delenv("REPORTING_SMTP_HOST", raising=False)
    [delivery] = deliver(ALERTS, channels({"type": "email", "to": ["cx-ops@example.com"]}), "回访报告预警")
    assert delivery == Delivery("email", "cx-ops@example.com", ok=False, attempts=1, error="未设置 REPORTING_SMTP_HOST，无法发送预警邮件")
