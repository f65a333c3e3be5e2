"""A params file's ``alerts:`` section: the rules, a base URL for links, the channels — checked before anything runs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reporting.alerts.channels import Channel, parse_channels
from reporting.alerts.rules import load_alert_rules
from reporting.config import named_setting, resolve_path
from reporting.errors import ParameterError

SECTION_KEYS = frozenset({"rules", "base_url", "channels"})


@dataclass(frozen=True)
class AlertSettings:
    """A params file's ``alerts:`` section, checked.

    Attributes:
        rules: an operator's own rules YAML (absolute), "" for the bundled ones.
        base_url: put before each link, "" for links relative to the outputs folder.
        channels: where alerts go (none: they are evaluated and written, not sent).
    """

    rules: str = ""
    base_url: str = ""
    channels: tuple[Channel, ...] = ()


def alert_settings(section: Any, params_file: Path) -> AlertSettings | None:
    """The ``alerts:`` section of a params file (None when there is none).

    Raises:
        ParameterError: the section is not a mapping, has an unknown key, names a missing
            rules file, or a channel is malformed (``parse_channels``).
    """
    if section is None:
        return None
    where = f"参数文件 {params_file} 的 alerts"
    if not isinstance(section, dict) or set(section) - SECTION_KEYS:
        raise ParameterError(f"{where} 项须为映射，只能有 {', '.join(sorted(SECTION_KEYS))}：请参照 README 的预警一节")
    rules = str(section.get("rules") or "")
    if rules:
        path = resolve_path(rules)
        if not path.is_file():
            raise ParameterError(f"{where}.rules 指向的文件 {rules} 不存在：请检查路径，留空表示使用自带规则")
        load_alert_rules(path)  # a broken rules file is a user mistake found before anything runs
        rules = str(path)
    base_url = str(section.get("base_url") or "")
    return AlertSettings(rules, base_url, parse_channels(section.get("channels"), f"{where}.channels"))


def unset_channels(settings: AlertSettings | None) -> list[str]:
    """A warning per channel whose address or secret variable is not set (said before the reports run, not after)."""
    if settings is None:
        return []
    names = [name for channel in settings.channels for name in (channel.url_env, channel.secret_env) if name]
    return [f"预警渠道的环境变量 {name} 未设置：报告照常生成，但这个渠道收不到预警" for name in names if not named_setting(name)]
