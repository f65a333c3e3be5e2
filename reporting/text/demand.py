"""Demand mining and customer tags, both driven by editable YAML rules."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pandas as pd

from reporting.config import VOCAB_DIR
from reporting.text.classify import map_distinct
from reporting.vocab import read_yaml

OTHER_DEMAND = "其他需求"
_SENTENCE = re.compile(r"[^，。！？；,.!?;\n]+")


def demand_statements(text: str, markers: list[str]) -> list[str]:
    """The clauses of a text that state a need (they contain a marker such as 希望 or 能不能)."""
    return [clause.strip() for clause in _SENTENCE.findall(text or "") if any(m in clause for m in markers)]


def mine_demands(valid: pd.DataFrame, texts: pd.Series, rules: dict[str, Any] | None = None) -> pd.DataFrame:
    """Group customers' needs by topic, counted, with a priority by frequency and customer value.

    Args:
        valid: valid responses (``customer_type``, ``customer_id`` when present).
        texts: their words (comment and suggestion).
        rules: the demand rules (default ``vocab/demands.yaml``).

    Returns:
        Columns ``topic``, ``mentions``, ``customers``, ``priority`` (mentions weighted by
        customer value), ``example`` (the shortest statement), highest priority first.
    """
    rules = rules or read_yaml(VOCAB_DIR / "demands.yaml")
    weights = rules.get("value_weights", {})
    rows: dict[str, dict[str, Any]] = {}
    customers = _column_at(valid, texts.index, "customer_id")
    types = _column_at(valid, texts.index, "customer_type")
    found: dict[str, list[tuple[str, list[str]]]] = {}  # statements and topics, once per distinct text
    for position, (index, text) in enumerate(texts.items()):
        statements = found.get(text) if isinstance(text, str) else None
        if statements is None:
            statements = [
                (statement, [t for t, words in rules["topics"].items() if any(w in statement for w in words)] or [OTHER_DEMAND])
                for statement in demand_statements(text, rules["markers"])
            ]
            if isinstance(text, str):
                found[text] = statements
        for statement, topics in statements:
            customer = customers(position, index) if "customer_id" in valid else index
            weight = float(weights.get(types(position, index), 1)) if "customer_type" in valid else 1.0
            for topic in topics:
                row = rows.setdefault(topic, {"topic": topic, "mentions": 0, "customers": set(), "priority": 0.0, "example": statement})
                row["mentions"] += 1
                row["customers"].add(customer)
                row["priority"] += weight
                if len(statement) < len(row["example"]):
                    row["example"] = statement
    frame = pd.DataFrame(
        [{**r, "customers": len(r["customers"])} for r in rows.values()], columns=["topic", "mentions", "customers", "priority", "example"]
    )
    return frame.sort_values(["priority", "mentions", "topic"], ascending=[False, False, True], kind="stable").reset_index(drop=True)


def _column_at(valid: pd.DataFrame, index: pd.Index, column: str) -> Callable[[int, Any], Any]:
    """A lookup of ``valid.at[label, column]`` for the rows of ``index``: by position when the indexes match."""
    if column not in valid:
        return lambda position, label: None
    if index.equals(valid.index):
        values = valid[column].to_numpy(dtype=object)
        return lambda position, label: values[position]
    return lambda position, label: valid.at[label, column]


def tag_customers(
    valid: pd.DataFrame, texts: pd.Series, feedback_types: pd.Series, problems: pd.DataFrame, rules: dict[str, Any] | None = None
) -> pd.DataFrame:
    """Customer tags (高价值客户, 投诉风险客户 …) per valid response, by editable rules.

    Args:
        valid: valid responses.
        texts: their words.
        feedback_types: 投诉/建议/咨询/表扬 per response.
        problems: the boolean problem tags per response.
        rules: tag → list of conditions that must all hold (default ``vocab/tags.yaml``).

    Returns:
        One boolean column per tag, same index as ``valid``.
    """
    rules = rules or read_yaml(VOCAB_DIR / "tags.yaml")
    text = texts.fillna("")
    overall, nps = valid["overall_satisfaction"], valid["nps"]
    customer_type = valid.get("customer_type", pd.Series(None, index=valid.index, dtype="object"))
    checks = {
        "customer_type_in": lambda v: customer_type.isin(v),
        "overall_at_most": lambda v: overall.le(v),
        "overall_at_least": lambda v: overall.ge(v),
        "nps_at_most": lambda v: nps.le(v),
        "nps_at_least": lambda v: nps.ge(v),
        "feedback_type": lambda v: feedback_types.eq(v),
        "problem_in": lambda v: (
            problems[[p for p in v if p in problems]].any(axis=1) if any(p in problems for p in v) else pd.Series(False, index=valid.index)
        ),
        "text_has": lambda v: pd.Series(map_distinct(text, lambda t: any(w in t for w in v)), index=text.index, dtype=bool),
    }
    tags = {}
    for tag, conditions in rules.items():
        mask = pd.Series(True, index=valid.index)
        for condition in conditions:
            for kind, value in condition.items():
                mask &= checks[kind](value).fillna(False).astype(bool)
        tags[tag] = mask
    return pd.DataFrame(tags, index=valid.index, dtype=bool)
