"""``名称:内容；名称:内容`` parameters: owner groups, changes made, rates per service type."""

from __future__ import annotations

import re

from reporting.errors import ParameterError


def parse_pairs(text: str, parameter: str, example: str) -> dict[str, str]:
    """A ``名称:内容`` list as a mapping; entries separated by ；/; or new lines.

    Args:
        text: the parameter's value.
        parameter: its name, for the error message.
        example: a correct entry, for the error message.

    Raises:
        ParameterError: an entry lacks its colon, name or content.
    """
    pairs = {}
    for entry in filter(None, (part.strip() for part in re.split(r"[;；\n]", text or ""))):
        name, sep, content = entry.replace("：", ":").partition(":")
        if not sep or not name.strip() or not content.strip():
            raise ParameterError(f"参数 {parameter} 的 {entry!r} 格式不对：请写成 {example}，多项用分号分隔")
        pairs[name.strip()] = content.strip()
    return pairs


def parse_rates(text: str, parameter: str, example: str) -> dict[str, float]:
    """A ``名称:比例`` list (commas also separate entries) as rates in (0, 1].

    Raises:
        ParameterError: an entry is malformed or its rate is not in (0, 1].
    """
    rates = {}
    for name, value in parse_pairs(text.replace(",", "；").replace("，", "；"), parameter, example).items():
        try:
            rates[name] = float(value)
        except ValueError:
            rates[name] = -1.0
        if not 0 < rates[name] <= 1:
            raise ParameterError(f"参数 {parameter} 中 {name} 的比例 {value!r} 须大于 0 且不超过 1，例如 0.1 表示 10%")
    return rates
