"""The grouped message of a run's alerts, as plain text (e-mail, webhook) and as robot markdown.

A title line with the counts, then one line per alert; the fixed words come from ``labels/zh_CN.yaml``.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass

from reporting.alerts.model import SEVERITIES, Alert, most_severe_first
from reporting.vocab import label

DEFAULT_TITLE = "回访报告预警"


_MARKDOWN_SAFE = str.maketrans({"*": "＊", "_": "＿", "[": "［", "]": "］", "<": "＜", ">": "＞", "`": "｀"})


@dataclass(frozen=True)
class GroupedMessage:
    """The alerts of one run as one message: the title line and the alerts in the order they are listed."""

    heading: str
    alerts: tuple[Alert, ...]


def group_alerts(alerts: Sequence[Alert], title: str = DEFAULT_TITLE) -> GroupedMessage:
    """The grouped message: fired alerts most severe first, then the 已恢复 ones; the title line carries the counts."""
    fired = most_severe_first([a for a in alerts if a.kind != "recovered"])
    recovered = most_severe_first([a for a in alerts if a.kind == "recovered"])
    counts = [f"{label(f'severity_{s}')} {n}" for s in SEVERITIES if (n := sum(a.severity == s for a in fired))]
    if recovered:
        counts.append(f"{label('alert_message_recovered')} {len(recovered)}")
    heading = label("alert_message_title", title=title, count=len(alerts), counts="、".join(counts))
    return GroupedMessage(heading=heading, alerts=(*fired, *recovered))


def render_text(message: GroupedMessage, max_bytes: int | None = None) -> str:
    """The message as plain text: the title line, then one line per alert (``【严重】… 详情：…``)."""
    return _fit(message.heading, [_text_line(a) for a in message.alerts], max_bytes)


def render_markdown(message: GroupedMessage, max_bytes: int | None = None) -> str:
    """The message as robot markdown: a ``###`` title line, then one list item per alert."""
    lines = [f"- {_markdown_line(a)}" for a in message.alerts]
    return _fit(f"### {message.heading}\n", lines, max_bytes, more_prefix="- ")


def _tag(alert: Alert, markup: str = "{}") -> str:
    """The line's leading word: 【严重】/【警告】/【提示】, or 【已恢复】 unless the message already says so."""
    if alert.kind != "recovered":
        return markup.format(f"【{label(f'severity_{alert.severity}')}】")
    recovered = label("alert_message_recovered")
    return "" if recovered in alert.message else markup.format(f"【{recovered}】")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _text_line(alert: Alert) -> str:
    link = f"　{label('alert_message_link')}：{alert.link}" if alert.link else ""
    return f"{_tag(alert)}{_one_line(alert.message)}{link}"


def _markdown_line(alert: Alert) -> str:
    # Masked names and phones (张*, 138****5678) and customers' words must not turn into markup.
    text = _one_line(alert.message).translate(_MARKDOWN_SAFE)
    if alert.link.startswith(("http://", "https://")):
        link = f"　[{label('alert_message_link')}]({urllib.parse.quote(alert.link, safe=':/?#&=%~+,;@!$')})"
    elif alert.link:
        link = f"　{label('alert_message_link')}：{alert.link}"
    else:
        link = ""
    return f"{_tag(alert, '**{}** ')}{text}{link}"


def _fit(heading: str, lines: list[str], max_bytes: int | None, more_prefix: str = "") -> str:
    """Heading and lines joined, keeping only the lines that fit in ``max_bytes`` (UTF-8) and counting the rest."""
    kept: list[str] = []
    for number, line in enumerate(lines):
        rest = len(lines) - number - 1
        more = [more_prefix + label("alert_message_more", count=rest)] if rest else []
        if max_bytes is not None and len("\n".join([heading, *kept, line, *more]).encode()) > max_bytes:
            more = [more_prefix + label("alert_message_more", count=len(lines) - number)]
            return "\n".join([heading, *kept, *more])
        kept.append(line)
    return "\n".join([heading, *kept])
