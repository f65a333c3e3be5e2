"""Alerts end to end: eight weeks of five service types, one collapsing in the last week; a batch tells the group robots once.

Four service types are stationary (every week drawn from the same population); 售后维修
collapses in the last week (most customers dissatisfied) with a surge of billing complaints,
and one VIP customer of 业务办理 is dissatisfied. A loopback HTTP server plays the DingTalk
robot and a generic webhook.
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import run_cli

pytestmark = pytest.mark.e2e

SERVICES = ("售后维修", "业务办理", "投诉处理", "新客户激活", "长期客户维护")
WEEK = ("2026-11-16", "2026-11-22")
FIRST_MONDAY = datetime(2026, 9, 28)
SCORES = (1, 2, 3, 4, 5)
STEADY = (0.04, 0.08, 0.18, 0.40, 0.30)
COLLAPSED = (0.35, 0.35, 0.15, 0.10, 0.05)
COMMENTS = ("服务挺好的", "还可以", "处理得比较及时", "没什么问题", "态度不错")
BILLING = "这个月账单多扣了钱，扣费不明，太离谱"
OUTAGE = "晚上总是断网，路由器红灯一直闪，打游戏老掉线"  # words no problem type knows: a discovered theme


def synthetic_records(seed: int = 5) -> pd.DataFrame:
    """Eight weeks × five service types × 70 follow-ups; the last week's 售后维修 collapses, with billing and outage complaints."""
    rng = np.random.default_rng(seed)
    rows = []
    for week in range(8):
        for service in SERVICES:
            collapse = week == 7 and service == "售后维修"
            for i in range(70):
                visit = FIRST_MONDAY + timedelta(weeks=week, days=int(rng.integers(0, 7)), hours=int(rng.integers(9, 18)))
                score = int(rng.choice(SCORES, p=COLLAPSED if collapse else STEADY))
                billing, outage = collapse and i < 15, collapse and 15 <= i < 30  # a known problem type, and a new kind
                rows.append(
                    {
                        "记录编号": f"HF{week}{SERVICES.index(service)}{i:03d}",
                        "客户编号": f"CS{week}{SERVICES.index(service)}{i:03d}",
                        "客户姓名": "张三丰",
                        "客户类型": "老客户",
                        "服务类型": service,
                        "回访时间": visit.strftime("%Y-%m-%d %H:%M"),
                        "回访人": f"KF00{i % 5 + 1}",
                        "回访状态": "完成",
                        "整体满意度": score,
                        "推荐意愿": int(min(10, max(0, score * 2 + rng.integers(-1, 2)))),
                        "客户反馈": BILLING if billing else OUTAGE if outage else str(rng.choice(COMMENTS)),
                    }
                )
    frame = pd.DataFrame(rows)
    vip = frame.index[(frame["服务类型"] == "业务办理") & frame["回访时间"].ge(WEEK[0])][0]
    frame.loc[vip, ["客户类型", "整体满意度", "推荐意愿", "客户反馈"]] = ["VIP客户", 1, 0, "说好的回电一直没有，非常失望"]
    return frame


class Robot(http.server.BaseHTTPRequestHandler):
    """A group robot on loopback: records each post; answers as DingTalk does."""

    received: list[tuple[str, dict]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Robot.received.append((self.path, json.loads(body)))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"errcode": 0, "errmsg": "ok"}')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def robot() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), Robot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Robot.received = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def test_a_collapsing_slice_is_announced_once_and_stationary_slices_stay_quiet(tmp_path: Path, robot: str, monkeypatch):
    source = tmp_path / "records.csv"
    synthetic_records().to_csv(source, index=False)
    params = tmp_path / "weekly.yaml"
    params.write_text(
        "report: weekly\nnotebook: notebooks/reports/weekly_report.ipynb\n"
        f"parameters:\n  source: {source}\n  period_start: '{WEEK[0]}'\n  period_end: '{WEEK[1]}'\n"
        f"  followup_store: sqlite:///{tmp_path / 'store.db'}\n"
        "alerts:\n  base_url: https://reports.example/\n  channels:\n"
        "    - type: dingtalk\n      url_env: TEST_DINGTALK_URL\n      secret_env: TEST_DINGTALK_SECRET\n"
        "    - type: webhook\n      url_env: TEST_WEBHOOK_URL\n"
        "    - type: webhook\n      url_env: TEST_DEAD_URL\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("TEST_DINGTALK_URL", f"{robot}/robot/send?access_token=tok123")
    monkeypatch.setenv("TEST_DINGTALK_SECRET", "SECsecret")
    monkeypatch.setenv("TEST_WEBHOOK_URL", f"{robot}/hook")
    monkeypatch.setenv("TEST_DEAD_URL", "http://127.0.0.1:9/refused")  # nothing listens there: this channel fails
    out = tmp_path / "out"
    first = run_cli("batch", str(params), "--slice-by", "service_type", "--output-dir", str(out), "--jobs", "2")
    assert first.returncode == 0, first.stderr

    document = json.loads((out / "alerts.json").read_text(encoding="utf-8"))
    alerts = document["alerts"]
    changes = [a for a in alerts if a["kind"] == "change" and a["slice"]]
    assert {a["slice"] for a in changes} == {"售后维修"}  # the collapse, and no stationary service type
    surges = {a["metric"] for a in alerts if a["kind"] == "emerging"}
    assert "problem:账单疑问" in surges and any(m.startswith("problem:主题「") for m in surges)  # the known type and the new kind
    assert {a["slice"] for a in alerts if a["kind"] == "emerging"} <= {"售后维修", ""}
    vip = [a for a in alerts if a["kind"] == "response"]
    assert len(vip) == 1 and "重点客户" in vip[0]["message"] and "张" not in vip[0]["message"]
    assert all(a["q"] is not None for a in alerts if a["kind"] in ("change", "emerging"))
    assert all(a["link"].startswith("https://reports.example/weekly/2026-11-16_2026-11-22/") for a in alerts)

    paths = [path for path, _ in Robot.received]
    assert len(paths) == 2 and sum(p.startswith("/robot/send?access_token=tok123&timestamp=") for p in paths) == 1  # one per channel
    ding = next(body for path, body in Robot.received if path.startswith("/robot/"))
    assert ding["msgtype"] == "markdown" and "严重" in ding["markdown"]["text"] and "售后维修" in ding["markdown"]["text"]
    delivered = {d["target"]: d["ok"] for d in document["deliveries"]}
    assert delivered == {
        "TEST_DINGTALK_URL": True,
        "TEST_WEBHOOK_URL": True,
        "TEST_DEAD_URL": False,
    }  # one down, others deliver
    assert "tok123" not in json.dumps(document) and "SECsecret" not in first.stdout + first.stderr
    page = (out / "weekly" / f"{WEEK[0]}_{WEEK[1]}" / "售后维修" / "report.html").read_text(encoding="utf-8")
    assert 'id="alerts"' in page and "本期预警" in page and "账单疑问" in page

    again = run_cli("batch", str(params), "--slice-by", "service_type", "--output-dir", str(out), "--jobs", "2")
    assert again.returncode == 0 and len(Robot.received) == 2  # the rerun sends nothing where it was delivered …
    retried = json.loads((out / "alerts.json").read_text(encoding="utf-8"))["deliveries"]
    assert [(d["target"], d["ok"]) for d in retried] == [("TEST_DEAD_URL", False)]  # … and tries the failed channel again
    dry = run_cli("alerts", str(params), "--slice-by", "service_type", "--output-dir", str(out), "--dry-run")
    assert dry.returncode == 0 and dry.stdout.count("将发送 0 条") == 2 and len(Robot.received) == 2
