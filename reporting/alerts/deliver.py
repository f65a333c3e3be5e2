"""Delivery: one grouped message per channel — group robots (钉钉, 企业微信, 飞书), a generic webhook, e-mail.

All alerts of a run go out as one message per channel, most severe first, 已恢复 lines last
(``deliver_planned``: each channel with the alerts the sent-alerts ledger lets through for it).
Each channel is tried a bounded number of times with back-off; a channel that still fails is
reported in its ``Delivery`` and the others deliver regardless — ``deliver_planned`` never raises for a
delivery failure. Addresses and secrets are read from the environment (``config.named_setting``)
only when sending, and never appear in a ``Delivery``, its repr or a log line: every error text
is masked.

Vendor formats and signing (checked against each vendor's robot documentation):

- 钉钉 custom robot: ``{"msgtype": "markdown", "markdown": {"title", "text"}}``; with a
  secret (加签) the URL gains ``timestamp`` (ms) and ``sign`` = urlencode(base64(HmacSHA256(
  key=secret, msg=f"{timestamp}\\n{secret}"))); an answer ``errcode != 0`` is a failure.
- 企业微信 group robot: ``{"msgtype": "markdown", "markdown": {"content"}}`` (content at most
  4096 bytes); the key is in the URL; ``errcode != 0`` is a failure.
- 飞书 custom bot: ``{"msg_type": "text", "content": {"text"}}``; with a secret (签名校验) the
  body gains ``timestamp`` (s) and ``sign`` = base64(HmacSHA256(key=f"{timestamp}\\n{secret}",
  msg=b"")); an answer ``code != 0`` is a failure.
- generic webhook: ``{"text": …, "alerts": [alert fields …]}`` (Slack-compatible ``text``);
  any 2xx answer is a success.
- e-mail: plain text through ``config.smtp_settings()``; the subject is the title line.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import logging
import math
import smtplib
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from http.client import HTTPException
from typing import Any

from reporting.alerts.channels import Channel
from reporting.alerts.message import DEFAULT_TITLE, GroupedMessage, group_alerts, render_markdown, render_text
from reporting.alerts.model import Alert
from reporting.config import SmtpSettings, named_setting, smtp_settings
from reporting.errors import describe

logger = logging.getLogger(__name__)


# WeCom documents 4096 bytes for markdown content; the robots share the smallest budget, which
# also keeps a chat message readable. Lines that do not fit are counted in an "另有 N 条" line.
ROBOT_TEXT_BYTES = 4000
_MASK = "***"


@dataclass(frozen=True)
class Delivery:
    """How sending to one channel went.

    Attributes:
        channel: the channel's type (``dingtalk`` …).
        target: the environment variable holding its address, or the e-mail recipients —
            never the address or a secret.
        ok: whether the message was accepted.
        attempts: how many times it was tried (0 when it could not be tried: a variable unset).
        error: why it failed (the last attempt's reason, masked), "" when ok.
    """

    channel: str
    target: str
    ok: bool
    attempts: int
    error: str = ""

    @property
    def name(self) -> str:
        """The channel's stable name, as ``Channel.name`` gives it (``dingtalk:REPORTING_DINGTALK_URL``)."""
        return f"{self.channel}:{self.target}"


@dataclass(frozen=True)
class _Outcome:
    """One attempt: an error ("" on success) and whether trying again may help."""

    error: str = ""
    retry: bool = False


@dataclass(frozen=True)
class _Endpoint:
    """A robot's address and secret as read from the environment; kept out of every repr."""

    url: str = field(repr=False)
    secret: str = field(default="", repr=False)


def deliver_planned(
    plan: Sequence[tuple[Channel, Sequence[Alert]]],
    title: str = DEFAULT_TITLE,
    *,
    timeout: float = 10,
    attempts: int = 3,
    backoff: float = 0.5,
) -> list[Delivery]:
    """Send each channel its own alerts (what the sent-alerts ledger lets through for it), the channels side by side.

    Args:
        plan: (channel, the alerts for it) pairs; a channel with no alert is skipped.
        title: the message's title, followed by the counts (``回访报告预警（2 条：严重 1、警告 1）``).
        timeout: seconds to wait for a server on each attempt (connect and each read).
        attempts: how many times a failing channel is tried in all (at least 1).
        backoff: seconds before the second attempt, doubled before each later one.

    Returns:
        One ``Delivery`` per channel that had alerts, in the plan's order (``Delivery.name``
        matches ``Channel.name``); failures are reported there, never raised.
    """
    work = [(channel, group_alerts(alerts, title)) for channel, alerts in plan if alerts]
    if not work:
        return []

    def send(item: tuple[Channel, GroupedMessage]) -> Delivery:
        return _deliver_to(*item, timeout=timeout, attempts=max(1, attempts), backoff=backoff)

    with ThreadPoolExecutor(max_workers=len(work), thread_name_prefix="alert-delivery") as pool:
        return list(pool.map(send, work))


def _deliver_to(channel: Channel, message: GroupedMessage, *, timeout: float, attempts: int, backoff: float) -> Delivery:
    """Send to one channel with retries; any failure becomes the ``Delivery``'s error, masked."""
    secrets: list[str] = []
    try:
        if channel.type == "email":
            tries, error = _with_retries(lambda: _send_email(channel, message, timeout, secrets), attempts, backoff, channel)
        else:
            endpoint, problem = _endpoint(channel)
            if endpoint is None:
                tries, error = 0, problem
            else:
                secrets.extend(_secret_parts(endpoint))
                send = _robot_sender(channel.type, endpoint, message, timeout, secrets)
                tries, error = _with_retries(send, attempts, backoff, channel)
    except Exception as unexpected:  # one channel's surprise must not stop the others
        tries, error = 1, f"意外错误：{describe(unexpected)}"
    error = _mask(error, secrets)
    if error:
        logger.warning("预警未能发送到 %s（共尝试 %d 次）：%s", channel.label, tries, error)
    else:
        logger.info("预警已发送到 %s（第 %d 次尝试）", channel.label, tries)
    return Delivery(channel=channel.type, target=channel.target, ok=not error, attempts=tries, error=error)


def _with_retries(send: Callable[[], _Outcome], attempts: int, backoff: float, channel: Channel) -> tuple[int, str]:
    """Try ``send`` up to ``attempts`` times, waiting ``backoff`` × 2ⁿ between tries; the tries made and the last error."""
    for attempt in range(1, attempts + 1):
        outcome = send()
        if not outcome.error or not outcome.retry or attempt == attempts:
            return attempt, outcome.error
        delay = backoff * 2 ** (attempt - 1)
        logger.info("预警发送到 %s 第 %d 次失败，%.1f 秒后重试", channel.label, attempt, delay)
        time.sleep(delay)
    return attempts, ""  # unreachable: the loop returns on its last attempt


def _endpoint(channel: Channel) -> tuple[_Endpoint | None, str]:
    """The channel's address and secret from the environment, or None and why it cannot be sent."""
    url = named_setting(channel.url_env)
    if not url:
        return None, f"环境变量 {channel.url_env} 未设置（{channel.type} 通道的地址）"
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        return None, f"环境变量 {channel.url_env} 的值不是 http(s) 地址"
    secret = named_setting(channel.secret_env) if channel.secret_env else ""
    if channel.secret_env and not secret:
        return None, f"环境变量 {channel.secret_env} 未设置（{channel.type} 通道的签名密钥）"
    return _Endpoint(url=url, secret=secret), ""


def _robot_sender(kind: str, endpoint: _Endpoint, message: GroupedMessage, timeout: float, secrets: list[str]) -> Callable[[], _Outcome]:
    """One attempt at a robot or webhook: build the payload (signed afresh each time), post it, judge the answer."""

    def attempt() -> _Outcome:
        url, payload = _signed_request(kind, endpoint, message, secrets)
        outcome, body = _post_json(url, payload, timeout)
        return outcome if outcome.error else _judge_answer(kind, body)

    return attempt


def _signed_request(kind: str, endpoint: _Endpoint, message: GroupedMessage, secrets: list[str]) -> tuple[str, dict[str, Any]]:
    """The URL and JSON body for one attempt, with the vendor's signature when a secret is set."""
    if kind == "dingtalk":
        text = render_markdown(message, ROBOT_TEXT_BYTES)
        payload: dict[str, Any] = {"msgtype": "markdown", "markdown": {"title": message.heading, "text": text}}
        if not endpoint.secret:
            return endpoint.url, payload
        timestamp = str(round(time.time() * 1000))
        sign = dingtalk_sign(endpoint.secret, timestamp)
        secrets.append(sign)
        return _with_query(endpoint.url, {"timestamp": timestamp, "sign": sign}), payload
    if kind == "wecom":
        return endpoint.url, {"msgtype": "markdown", "markdown": {"content": render_markdown(message, ROBOT_TEXT_BYTES)}}
    if kind == "feishu":
        payload = {"msg_type": "text", "content": {"text": render_text(message, ROBOT_TEXT_BYTES)}}
        if endpoint.secret:
            timestamp = str(int(time.time()))
            sign = feishu_sign(endpoint.secret, timestamp)
            secrets.append(sign)
            payload = {"timestamp": timestamp, "sign": sign, **payload}
        return endpoint.url, payload
    return endpoint.url, {"text": render_text(message), "alerts": [_alert_fields(a) for a in message.alerts]}


def dingtalk_sign(secret: str, timestamp: str) -> str:
    """DingTalk's 加签: base64 of HmacSHA256 keyed by the secret over ``timestamp + "\\n" + secret`` (URL-encoded by the caller)."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu_sign(secret: str, timestamp: str) -> str:
    """Feishu's 签名校验: base64 of HmacSHA256 keyed by ``timestamp + "\\n" + secret`` over an empty message."""
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _with_query(url: str, extra: dict[str, str]) -> str:
    """``url`` with parameters added to its query (values URL-encoded: base64's ``+/=`` included)."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.urlencode([*urllib.parse.parse_qsl(parts.query, keep_blank_values=True), *extra.items()])
    return urllib.parse.urlunsplit(parts._replace(query=query))


def _alert_fields(alert: Alert) -> dict[str, Any]:
    """An alert as JSON-safe fields (a NaN or infinite number becomes null)."""
    fields = dataclasses.asdict(alert)
    return {k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in fields.items()}


def _post_json(url: str, payload: dict[str, Any], timeout: float) -> tuple[_Outcome, bytes]:
    """POST ``payload`` as UTF-8 JSON; an outcome that is an error for a failed exchange, and the answer's body."""
    data = json.dumps(payload, ensure_ascii=False, allow_nan=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return _Outcome(), response.read(65536)
    except urllib.error.HTTPError as error:
        # Only a server's trouble or a rate limit may pass; a 4xx answer stays wrong on a retry.
        return _Outcome(f"HTTP {error.code}（{error.reason}）", retry=error.code >= 500 or error.code in (408, 429)), b""
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            return _Outcome(f"{timeout:g} 秒内无应答（超时）", retry=True), b""
        return _Outcome(f"连接失败：{error.reason}", retry=True), b""
    except TimeoutError:
        return _Outcome(f"{timeout:g} 秒内无应答（超时）", retry=True), b""
    except (HTTPException, OSError) as error:
        return _Outcome(f"连接失败：{describe(error)}", retry=True), b""


def _judge_answer(kind: str, body: bytes) -> _Outcome:
    """A robot answers HTTP 200 even when it refuses: its JSON ``errcode`` (钉钉, 企业微信) or ``code`` (飞书) decides."""
    if kind == "webhook":
        return _Outcome()
    try:
        answer = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _Outcome("机器人的应答不是 JSON（地址可能不是机器人的 webhook）", retry=True)
    if not isinstance(answer, dict):
        return _Outcome("机器人的应答不是 JSON 对象", retry=True)
    if kind == "feishu":
        code, text = answer.get("code", answer.get("StatusCode")), answer.get("msg", answer.get("StatusMessage", ""))
    else:
        code, text = answer.get("errcode"), answer.get("errmsg", "")
    if code == 0:
        return _Outcome()
    name = "code" if kind == "feishu" else "errcode"
    return _Outcome(f"机器人拒收：{name}={code}，{text}", retry=True)


def send_mail(settings: SmtpSettings, to: Sequence[str], subject: str, body: str, timeout: float) -> None:
    """Send one plain-text e-mail through the ``REPORTING_SMTP_*`` server (alerts and batch notifications alike).

    Raises:
        smtplib.SMTPException, OSError: the server refused or could not be reached.
    """
    email = EmailMessage()
    email["Subject"] = subject
    email["Date"] = formatdate(localtime=True)
    email["Message-ID"] = make_msgid(domain="reporting.local")
    email["From"] = settings.sender
    email["To"] = ", ".join(to)
    email.set_content(body)
    with smtplib.SMTP(settings.host, settings.port, timeout=timeout) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password)
        smtp.send_message(email)


def _send_email(channel: Channel, message: GroupedMessage, timeout: float, secrets: list[str]) -> _Outcome:
    """One attempt at the e-mail: plain text through the ``REPORTING_SMTP_*`` server, the title line as subject."""
    try:
        settings = smtp_settings()
    except KeyError:
        return _Outcome("未设置 REPORTING_SMTP_HOST，无法发送预警邮件")
    except ValueError:
        return _Outcome("REPORTING_SMTP_PORT 不是数字，无法发送预警邮件")
    if settings.password:
        secrets.append(settings.password)
    try:
        send_mail(settings, channel.to, message.heading, render_text(message), timeout)
    except (smtplib.SMTPAuthenticationError, smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
        return _Outcome(f"邮件服务器拒绝：{describe(error)}")
    except (smtplib.SMTPException, OSError) as error:
        return _Outcome(f"邮件发送失败：{describe(error)}", retry=True)
    return _Outcome()


def _secret_parts(endpoint: _Endpoint) -> list[str]:
    """What must never be shown of an endpoint: the URL, its query values and token-like path segments, the secret."""
    parts = urllib.parse.urlsplit(endpoint.url)
    found = {endpoint.url, endpoint.secret, parts.path, parts.query}
    found.update(value for _, value in urllib.parse.parse_qsl(parts.query) if len(value) >= 4)
    found.update(segment for segment in parts.path.split("/") if len(segment) >= 8)  # Feishu's and Slack's tokens sit in the path
    return sorted(found - {"", "/"}, key=len, reverse=True)


def _mask(text: str, secrets: list[str]) -> str:
    """``text`` with every secret (as is and URL-encoded) replaced by ``***``."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        for form in {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)}:
            text = text.replace(form, _MASK)
    return text
