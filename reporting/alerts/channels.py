"""Where alerts go: the ``alerts: channels:`` list of a params file, parsed and checked before any work.

A params file names its robots' addresses and secrets by environment variable
(``url_env`` / ``secret_env``) and never holds them itself::

    alerts:
      channels:
        - type: dingtalk
          url_env: REPORTING_DINGTALK_URL
          secret_env: REPORTING_DINGTALK_SECRET
        - type: email
          to: [cx-ops@example.com]

Pure: nothing here reads the environment (``deliver`` does, through ``config.named_setting``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reporting.errors import ParameterError

# The keys each channel type takes; ``type`` is always required.
CHANNEL_KEYS: dict[str, frozenset[str]] = {
    "webhook": frozenset({"type", "url_env"}),
    "dingtalk": frozenset({"type", "url_env", "secret_env"}),
    "wecom": frozenset({"type", "url_env"}),
    "feishu": frozenset({"type", "url_env", "secret_env"}),
    "email": frozenset({"type", "to"}),
}
CHANNEL_TYPES = tuple(CHANNEL_KEYS)

# Keys people write when they paste the address or secret itself: refused with a hint.
_LITERAL_KEYS = frozenset({"url", "webhook", "secret", "token", "key", "access_token", "sign"})
_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")  # upper case: a pasted secret or key (mixed case, hyphens) never passes
_EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+")
_PUT_IN_ENVIRONMENT = "地址和密钥不能写在参数文件里：请把它放进环境变量，这里只写变量名（如 {example}）"


@dataclass(frozen=True)
class Channel:
    """One place alerts are sent to.

    Attributes:
        type: one of ``CHANNEL_TYPES``.
        url_env: the environment variable holding the robot's or webhook's address ("" for e-mail).
        secret_env: the variable holding the signing secret (DingTalk 加签, Feishu 签名校验), "" for none.
        to: the recipients of an ``email`` channel.
    """

    type: str
    url_env: str = ""
    secret_env: str = ""
    to: tuple[str, ...] = ()

    @property
    def target(self) -> str:
        """Where it goes, without any secret: the variable holding the address, or the recipients."""
        return ", ".join(self.to) if self.type == "email" else self.url_env

    @property
    def name(self) -> str:
        """The channel's stable name, e.g. for the sent-alerts ledger: ``dingtalk:REPORTING_DINGTALK_URL``."""
        return f"{self.type}:{self.target}"

    @property
    def label(self) -> str:
        """How logs name the channel: ``dingtalk（REPORTING_DINGTALK_URL）``."""
        return f"{self.type}（{self.target}）"


def parse_channels(section: Any, where: str) -> tuple[Channel, ...]:
    """Build the channels of an ``alerts: channels:`` list, refusing anything wrong with one clear message.

    Args:
        section: the YAML list (None or empty for no channel).
        where: where the list comes from, for messages (``params/weekly.yaml 的 alerts.channels``).

    Returns:
        The channels, in the file's order.

    Raises:
        ParameterError: the list or an entry is malformed: not a mapping, unknown type or key,
            missing ``url_env`` or ``to``, or an address/secret written in the file instead of
            an environment variable's name. The message names the entry and the field and never
            repeats the value (it may be a secret).
    """
    if section is None:
        return ()
    if not isinstance(section, list):
        raise ParameterError(f"{where} 应是一个列表（每项一个通道，如 - type: dingtalk），现在是 {type(section).__name__}")
    return tuple(_parse_channel(entry, f"{where} 第 {number} 项") for number, entry in enumerate(section, start=1))


def _parse_channel(entry: Any, where: str) -> Channel:
    """One entry of the list; ``where`` names it (``… 第 2 项``)."""
    if not isinstance(entry, Mapping):
        raise ParameterError(f"{where} 应是一个映射（如 type: dingtalk 与 url_env: REPORTING_DINGTALK_URL）")
    kind = entry.get("type")
    if not isinstance(kind, str) or kind not in CHANNEL_KEYS:
        raise ParameterError(f"{where}：type 应是 {' / '.join(CHANNEL_TYPES)} 之一，现在是 {kind!r}")
    where = f"{where}（{kind}）"
    _check_keys(entry, kind, where)
    if kind == "email":
        return Channel(type=kind, to=_recipients(entry.get("to"), where))
    url_env = _env_name(entry.get("url_env"), "url_env", where, required=True)
    secret_env = _env_name(entry.get("secret_env"), "secret_env", where, required=False)
    return Channel(type=kind, url_env=url_env, secret_env=secret_env)


def _check_keys(entry: Mapping[str, Any], kind: str, where: str) -> None:
    """Refuse keys the channel type does not take; a pasted address or secret gets the environment hint."""
    for key in entry:
        if key in CHANNEL_KEYS[kind]:
            continue
        if str(key).lower() in _LITERAL_KEYS:
            example = "REPORTING_DINGTALK_SECRET" if "secret" in str(key).lower() else "REPORTING_DINGTALK_URL"
            field = "secret_env" if "secret" in str(key).lower() else "url_env"
            raise ParameterError(f"{where}：不支持 {key}。{_PUT_IN_ENVIRONMENT.format(example=example)}，写在 {field} 下")
        allowed = "、".join(sorted(CHANNEL_KEYS[kind]))
        raise ParameterError(f"{where}：不认识的字段 {key!r}（{kind} 通道可用：{allowed}）")


def _env_name(value: Any, field: str, where: str, *, required: bool) -> str:
    """An environment variable's name; an address or secret written instead is refused without echoing it."""
    if value is None or value == "":
        if required:
            raise ParameterError(f"{where}：缺少 {field}（保存地址的环境变量名，如 REPORTING_DINGTALK_URL）")
        return ""
    example = "REPORTING_DINGTALK_SECRET" if field == "secret_env" else "REPORTING_DINGTALK_URL"
    if not isinstance(value, str) or not _ENV_NAME.fullmatch(value.strip()):
        raise ParameterError(f"{where}：{field} 应是环境变量名（大写字母、数字和下划线）。{_PUT_IN_ENVIRONMENT.format(example=example)}")
    return value.strip()


def _recipients(value: Any, where: str) -> tuple[str, ...]:
    """The ``to`` list of an e-mail channel: one address or a list, each one address."""
    addresses = ([value] if value.strip() else []) if isinstance(value, str) else value
    if not addresses or not isinstance(addresses, list):
        raise ParameterError(f"{where}：缺少 to（收件人列表，如 to: [cx-ops@example.com]）")
    for address in addresses:
        if not isinstance(address, str) or not _EMAIL.fullmatch(address.strip()):
            raise ParameterError(f"{where}：to 中的 {address!r} 不是一个邮件地址（每项写一个，如 cx-ops@example.com）")
    return tuple(address.strip() for address in addresses)
