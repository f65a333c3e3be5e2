"""Notifications after scheduled runs: a command and/or an e-mail, on failure and/or success.

The ``notify`` section of a params file::

    notify:
      on: [failure]                 # failure, success (default: failure)
      command: "logger -t reporting"  # gets the summary on stdin and REPORTING_STATUS
      email:
        to: [cx-ops@example.com]

SMTP settings come from the environment, read by ``config.smtp_settings``: ``REPORTING_SMTP_HOST``
(required for e-mail), ``REPORTING_SMTP_PORT`` (25), ``REPORTING_SMTP_USER``,
``REPORTING_SMTP_PASSWORD``, ``REPORTING_SMTP_FROM`` and ``REPORTING_SMTP_STARTTLS`` (1 to use STARTTLS).
"""

from __future__ import annotations

import os
import shlex
import smtplib
import subprocess
from pathlib import Path
from typing import Any

from reporting.alerts.deliver import send_mail
from reporting.config import smtp_settings
from reporting.run.batch import Outcome


def summary_text(outcomes: list[Outcome], index: Path | None) -> str:
    """A plain-text summary of the runs, with links to the outputs."""
    failed = [o for o in outcomes if not o.ok]
    lines = [f"回访报告：{len(outcomes) - len(failed)} 份成功，{len(failed)} 份失败。", ""]
    for outcome in outcomes:
        status = "成功" if outcome.ok else "失败"
        lines.append(f"[{status}] {outcome.report} {outcome.slice or '全部'} {outcome.period} → {outcome.path}")
        if outcome.error:
            lines.append(f"    {outcome.error}")
    if index:
        lines += ["", f"索引：{index}"]
    return "\n".join(lines) + "\n"


def should_notify(config: dict[str, Any], outcomes: list[Outcome]) -> bool:
    """Whether the configured events (``on``) match how the runs went."""
    events = set(config.get("on") or ["failure"])
    failed = any(not o.ok for o in outcomes)
    return ("failure" in events and failed) or ("success" in events and not failed)


def send_notifications(config: dict[str, Any], outcomes: list[Outcome], index: Path | None) -> list[str]:
    """Run the notify command and/or send the e-mail, when the events match.

    Args:
        config: the params file's ``notify`` section.
        outcomes: the runs.
        index: the outputs index, linked in the summary.

    Returns:
        One warning line per notification that could not be delivered (the reports
        themselves are not affected).
    """
    if not config or not should_notify(config, outcomes):
        return []
    status = "failure" if any(not o.ok for o in outcomes) else "success"
    text = summary_text(outcomes, index)
    warnings = []
    if config.get("command"):
        try:
            subprocess.run(
                shlex.split(str(config["command"])),
                input=text,
                text=True,
                env={**os.environ, "REPORTING_STATUS": status},
                check=True,
                timeout=60,
                capture_output=True,
            )
        except (OSError, subprocess.SubprocessError) as error:
            warnings.append(f"通知命令执行失败（{type(error).__name__}）：{config['command']}")
    if config.get("email"):
        try:
            send_email(config["email"], status, text)
        except (OSError, smtplib.SMTPException, KeyError, ValueError) as error:
            warnings.append(f"通知邮件发送失败（{type(error).__name__}: {error}）：请检查 REPORTING_SMTP_* 环境变量")
    return warnings


def send_email(config: dict[str, Any], status: str, text: str) -> None:
    """Send the summary by SMTP, with the ``REPORTING_SMTP_*`` settings (``config.smtp_settings``)."""
    subject = f"{config.get('subject', '回访报告')}：{'有失败' if status == 'failure' else '全部成功'}"
    send_mail(smtp_settings(), config["to"], subject, text, timeout=30)
