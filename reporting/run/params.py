"""Run parameters: read from a params YAML, overridden by ``-p``, validated before the kernel starts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from reporting.config import DEFAULT_OUTPUT_DIR, resolve_path
from reporting.errors import ParameterError
from reporting.intake.load import check_source, expand_sources
from reporting.intake.periods import DEFAULT_TIMEZONE, parse_date, resolve_period, today_in, week_start_index
from reporting.intake.store import is_store_url, open_store
from reporting.vocab import column_aliases, load_rules, load_taxonomy, read_yaml

# Parameters that name a file which must exist (empty means "the bundled default").
FILE_PARAMETERS = ("taxonomy", "rules", "services")
# Parameters the runner fills in itself; a params file may not set them.
RUNNER_PARAMETERS = ("generated_at",)
TOP_LEVEL_KEYS = frozenset({"report", "notebook", "parameters", "slices", "notify", "timezone", "week_start"})


@dataclass(frozen=True)
class RunSpec:
    """A validated report run.

    Attributes:
        report: the report's name (``weekly``), the first level of the output folder.
        notebook: the notebook to execute.
        parameters: the notebook's parameters, validated, paths made absolute.
        period_start: first day of the period, inclusive.
        period_end: last day of the period, inclusive.
        output_dir: the root of all outputs.
        params_file: the params YAML the run came from.
        slices: the params' ``slices`` section.
        notify: the params' ``notify`` section.
        as_of: for plan notebooks (follow-up, sampling) that declare ``as_of`` instead of a
            period: the moment the plan is made at; the period is then that day.
    """

    report: str
    notebook: Path
    parameters: dict[str, Any]
    period_start: date
    period_end: date
    output_dir: Path
    params_file: Path
    slices: dict[str, Any] = field(default_factory=dict)
    notify: dict[str, Any] = field(default_factory=dict)
    as_of: datetime | None = None

    @property
    def period_name(self) -> str:
        """The period's folder name: ``<start>_<end>``, or the ``as_of`` day of a plan."""
        return self.as_of.strftime("%Y-%m-%d") if self.as_of else f"{self.period_start}_{self.period_end}"

    @property
    def period_title(self) -> str:
        """The period as the report's title shows it."""
        return f"截至 {self.as_of:%Y-%m-%d %H:%M}" if self.as_of else f"{self.period_start} 至 {self.period_end}"

    @property
    def slice_value(self) -> str:
        """The slice this run reports on ("" for the overall report)."""
        return str(self.parameters.get("slice_value") or "")

    @property
    def destination(self) -> Path:
        """Where the finished report goes: ``<output_dir>/<report>/<period>/`` (``…/<slice>/`` for a slice)."""
        folder = self.output_dir / self.report / self.period_name
        return folder / safe_folder_name(self.slice_value) if self.slice_value else folder

    def for_slice(self, slice_field: str, slice_value: str) -> RunSpec:
        """The same run restricted to one slice (``service_type`` = ``售后维修`` …)."""
        return replace(self, parameters={**self.parameters, "slice_field": slice_field, "slice_value": slice_value})


def notebook_parameters(notebook: Path) -> dict[str, dict[str, Any]]:
    """The parameters a notebook declares in its ``parameters`` cell, with inferred types."""
    import papermill

    return papermill.inspect_notebook(str(notebook))


def coerce_value(name: str, raw: Any, type_name: str) -> Any:
    """Convert a parameter value to the type its notebook declares.

    Args:
        name: the parameter's name, for the error message.
        raw: the value from YAML or the command line.
        type_name: ``str``, ``int``, ``float`` or ``bool`` (papermill's inferred type).

    Returns:
        The converted value.

    Raises:
        ParameterError: the value cannot be converted.
    """
    if isinstance(raw, date):
        raw = raw.isoformat()
    try:
        if type_name == "int":
            if isinstance(raw, float) and not raw.is_integer():
                raise ValueError
            return int(str(raw).strip())
        if type_name == "float":
            return float(str(raw).strip())
        if type_name == "bool":
            text = str(raw).strip().lower()
            if text not in {"true", "false", "1", "0", "yes", "no"}:
                raise ValueError
            return text in {"true", "1", "yes"}
    except ValueError:
        raise ParameterError(f"参数 {name} 的值 {raw!r} 不是有效的 {type_name}：请改正后重试") from None
    return "" if raw is None else str(raw)


def safe_folder_name(value: str) -> str:
    """A slice value as a folder name: path separators and control characters replaced."""
    cleaned = re.sub(r"[\\/\x00-\x1f:*?\"<>|]", "_", value).strip(". ")
    return cleaned or "_"


def load_run_spec(
    params_file: Path, overrides: list[tuple[str, str]], output_dir: Path | None = None, as_of: date | None = None
) -> RunSpec:
    """Read a params YAML, apply ``-p NAME VALUE`` overrides and validate everything.

    A ``period`` (``last_week``, ``2026-W47`` …, see ``periods``) sets ``period_start``
    and ``period_end``; whichever of the two forms comes last wins.

    Args:
        params_file: e.g. ``params/weekly.yaml``.
        overrides: ``(name, value)`` pairs from the command line, applied in order.
        output_dir: the output root (default ``outputs/`` in the project).
        as_of: the day relative periods are resolved against (default: today in the
            params' ``timezone``).

    Returns:
        The validated run.

    Raises:
        ParameterError: the file is missing or malformed, a name is unknown, a value
            is of the wrong type, a date is invalid or ``period_end < period_start``, or
            a file parameter names a missing file.
    """
    document, notebook = _read_params_document(params_file)
    declared = notebook_parameters(notebook)
    settable = {name: spec for name, spec in declared.items() if name not in RUNNER_PARAMETERS}
    given = _given_parameters(document, overrides, as_of)
    unknown = sorted(set(given) - set(settable))
    if unknown:
        raise ParameterError(f"未知参数 {', '.join(unknown)}：可用参数为 {', '.join(settable)}")
    values = {name: coerce_value(name, raw, settable[name]["inferred_type_name"]) for name, raw in given.items()}
    start, end, moment = _resolve_dates(values, declared, str(document.get("timezone") or DEFAULT_TIMEZONE))
    _check_values(values, settable, declared, moment)
    return RunSpec(
        report=str(document.get("report") or params_file.stem),
        notebook=notebook,
        parameters=values,
        period_start=start,
        period_end=end,
        output_dir=(output_dir or DEFAULT_OUTPUT_DIR).resolve(),
        params_file=params_file.resolve(),
        slices=_slices(document, params_file),
        notify=_notify_section(document.get("notify") or {}),
        as_of=moment,
    )


def _read_params_document(params_file: Path) -> tuple[dict[str, Any], Path]:
    """The params YAML as a mapping with known top-level keys, and the notebook it names."""
    if not params_file.exists():
        raise ParameterError(f"找不到参数文件 {params_file}：请检查路径，例如 params/weekly.yaml")
    document = read_yaml(params_file)
    if not isinstance(document, dict) or "notebook" not in document:
        raise ParameterError(f"参数文件 {params_file} 缺少 notebook 项：请写明要执行的笔记本路径")
    unknown_keys = sorted(set(document) - TOP_LEVEL_KEYS)
    if unknown_keys:
        raise ParameterError(f"参数文件 {params_file} 有未知的项 {', '.join(unknown_keys)}：可用的项为 {', '.join(sorted(TOP_LEVEL_KEYS))}")
    notebook = resolve_path(str(document["notebook"]))
    if not notebook.exists():
        raise ParameterError(f"参数文件 {params_file} 指定的笔记本 {notebook} 不存在：请检查 notebook 项")
    return document, notebook


def _given_parameters(document: dict[str, Any], overrides: list[tuple[str, str]], as_of: date | None) -> dict[str, Any]:
    """The file's parameters with the overrides applied in order; a named ``period`` becomes two dates."""
    given = dict(document.get("parameters") or {})
    for name, value in overrides:
        if name == "period":
            given.pop("period_start", None), given.pop("period_end", None)
        elif name in ("period_start", "period_end"):
            given.pop("period", None)
        given[name] = value
    if "period" in given:
        day = as_of or today_in(str(document.get("timezone") or DEFAULT_TIMEZONE))
        start, end = resolve_period(str(given.pop("period")), day, week_start_index(str(document.get("week_start") or "monday")))
        given.update(period_start=start.isoformat(), period_end=end.isoformat())
    return given


def _resolve_dates(values: dict[str, Any], declared: dict[str, Any], timezone: str) -> tuple[date, date, datetime | None]:
    """The period (or, for a plan notebook, the ``as_of`` moment), written back into ``values``."""
    if "as_of" in declared and "period_start" not in declared:
        moment = parse_moment(str(values.get("as_of", _default(declared, "as_of"))), timezone)
        values["as_of"] = moment.strftime("%Y-%m-%d %H:%M")
        return moment.date(), moment.date(), moment
    start = parse_date(values.get("period_start", _default(declared, "period_start")), "period_start")
    end = parse_date(values.get("period_end", _default(declared, "period_end")), "period_end")
    if end < start:
        raise ParameterError(f"period_end ({end}) 早于 period_start ({start})：请交换或改正日期")
    values.update(period_start=start.isoformat(), period_end=end.isoformat())
    return start, end, None


def _check_values(values: dict[str, Any], settable: dict[str, Any], declared: dict[str, Any], moment: datetime | None) -> None:
    """Stores, files, the source, ranges and slices: each checked (and files resolved) in ``values``."""
    if values.get("followup_store"):
        validate_store(values["followup_store"])
    for name in FILE_PARAMETERS:
        if values.get(name):
            values[name] = str(_existing_file(name, values[name]))
    if values.get("taxonomy"):
        load_taxonomy(Path(values["taxonomy"]))  # a broken taxonomy is a user mistake found before the kernel starts
    if values.get("rules"):
        load_rules(Path(values["rules"]))
    if "source" in settable:
        source = str(values.get("source", _default(declared, "source")))
        # a plan notebook may work from the store alone; a report needs records
        values["source"] = validate_source(source) if source or moment is None else ""
    if "lookback_days" in values and not 1 <= values["lookback_days"] <= 366:
        raise ParameterError(f"参数 lookback_days 的值 {values['lookback_days']} 须在 1 到 366 之间（回看多少天）")
    if "min_segment_n" in values and values["min_segment_n"] < 1:
        raise ParameterError(f"参数 min_segment_n 的值 {values['min_segment_n']} 必须不小于 1")
    if values.get("slice_field") and values["slice_field"] not in column_aliases():
        raise ParameterError(f"slice_field 的值 {values['slice_field']!r} 不是记录字段：请用 service_type、visitor、channel 等字段名")
    if bool(values.get("slice_field")) != bool(values.get("slice_value")):
        raise ParameterError("slice_field 与 slice_value 须同时给出：例如 -p slice_field service_type -p slice_value 售后维修")


def _slices(document: dict[str, Any], params_file: Path) -> dict[str, Any]:
    slices = document.get("slices") or {}
    if not isinstance(slices, dict) or any(f not in column_aliases() for f in slices):
        raise ParameterError(f"参数文件 {params_file} 的 slices 项无效：请写成 {{字段名: all}} 或 {{字段名: [取值, …]}}")
    return dict(slices)


def parse_moment(text: str, timezone: str) -> datetime:
    """An ``as_of`` parameter: ``YYYY-MM-DD`` (09:00 that day), ``YYYY-MM-DD HH:MM``, or "" for now.

    Raises:
        ParameterError: the text is neither.
    """
    from zoneinfo import ZoneInfo

    text = text.strip()
    if not text:
        return datetime.now(ZoneInfo(timezone)).replace(tzinfo=None, second=0, microsecond=0)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ParameterError(f"参数 as_of 的值 {text!r} 不是有效时间：请写成 2026-11-23 或 2026-11-23 09:00（留空表示现在）") from None
    if len(text) <= len("2026-11-23"):
        moment = moment.replace(hour=9)
    return moment.replace(tzinfo=None, second=0, microsecond=0)


def validate_store(value: str) -> None:
    """Check a ``followup_store`` parameter: ``none``, or a store URL that can be reached."""
    if value.strip().lower() == "none":
        return
    if not is_store_url(value):
        raise ParameterError(
            f"参数 followup_store 的值 {value!r} 不是数据库地址：请写 SQLAlchemy URL（如 sqlite:///data/records.db）、留空或写 none"
        )
    open_store(value.strip())


def _notify_section(section: dict[Any, Any]) -> dict[str, Any]:
    """The ``notify`` section with string keys (YAML 1.1 reads a bare ``on:`` key as True)."""
    return {("on" if key is True else str(key)): value for key, value in section.items()}


def validate_source(source: str) -> str:
    """Check the records source before a run: a reachable store, or readable files with the required columns.

    Args:
        source: a store URL, or file paths / globs separated by commas.

    Returns:
        The store URL, or the files as absolute paths separated by commas.

    Raises:
        SourceError: a file is missing, unreadable or lacks a required column.
        StoreError: the store cannot be reached.
    """
    if is_store_url(source):
        open_store(source)
        return source
    files = expand_sources(source)
    for path in files:
        check_source(path)
    return ",".join(str(path) for path in files)


def _default(declared: dict[str, dict[str, Any]], name: str) -> str:
    if name not in declared:
        raise ParameterError(f"笔记本没有声明参数 {name}：报告笔记本必须有 period_start 与 period_end（计划类笔记本为 as_of）")
    return str(yaml.safe_load(declared[name]["default"]))


def _existing_file(name: str, value: str) -> Path:
    """An absolute path to an existing file: as given (relative to the working folder), else in the project."""
    path = resolve_path(value)
    if not path.is_file():
        raise ParameterError(f"参数 {name} 指向的文件 {value} 不存在：请检查路径")
    return path
