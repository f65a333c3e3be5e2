"""Run parameters: read from a params YAML, overridden by ``-p``, validated before the kernel starts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reporting.alerts.rules import load_alert_rules
from reporting.alerts.settings import AlertSettings, alert_settings
from reporting.config import DEFAULT_OUTPUT_DIR, resolve_path
from reporting.errors import ParameterError
from reporting.intake.load import check_source, expand_sources
from reporting.intake.periods import DEFAULT_TIMEZONE, resolve_period, today_in, week_start_index
from reporting.intake.store_schema import has_password, is_store_url, masked_url, open_store
from reporting.report.params import REPORT_PARAMS, RUNNER_FIELDS, PlanParams, ReportParams
from reporting.text.embedding import embedder_for
from reporting.vocab import column_aliases, load_rules, load_taxonomy, read_yaml

# Parameters that name a file which must exist (empty means "the bundled default").
FILE_PARAMETERS = ("taxonomy", "rules", "services", "alert_rules")
TOP_LEVEL_KEYS = frozenset({"report", "notebook", "parameters", "slices", "notify", "alerts", "timezone", "week_start"})


@dataclass(frozen=True)
class RunSpec:
    """A validated report run.

    Attributes:
        report: the report's name (``weekly``), the first level of the output folder.
        notebook: the notebook to execute.
        params: the report's typed parameters (``reporting.report.params``), checked, paths made absolute.
        output_dir: the root of all outputs.
        params_file: the params YAML the run came from.
        slices: the params' ``slices`` section.
        notify: the params' ``notify`` section.
        alerts: the params' ``alerts`` section (None: alerts are not evaluated after the run).
    """

    report: str
    notebook: Path
    params: ReportParams
    output_dir: Path
    params_file: Path
    slices: dict[str, Any] = field(default_factory=dict)
    notify: dict[str, Any] = field(default_factory=dict)
    alerts: AlertSettings | None = None

    @property
    def as_of(self) -> datetime | None:
        """A plan's moment (follow-up, sampling: the report is made at a moment, not over a period); None for a period's report."""
        return self.params.moment if isinstance(self.params, PlanParams) else None

    @property
    def period_start(self) -> date:
        """First day of the period, inclusive (a plan's: its ``as_of`` day)."""
        return self.as_of.date() if self.as_of else self.params.period_start  # type: ignore[attr-defined]

    @property
    def period_end(self) -> date:
        """Last day of the period, inclusive (a plan's: its ``as_of`` day)."""
        return self.as_of.date() if self.as_of else self.params.period_end  # type: ignore[attr-defined]

    @property
    def period_name(self) -> str:
        """The period's folder name: ``<start>_<end>``, or the ``as_of`` day of a plan."""
        return self.as_of.strftime("%Y-%m-%d") if self.as_of else f"{self.period_start}_{self.period_end}"

    @property
    def period_title(self) -> str:
        """The period as the report's title shows it."""
        return f"截至 {self.as_of:%Y-%m-%d %H:%M}" if self.as_of else f"{self.period_start} 至 {self.period_end}"

    @property
    def source(self) -> str:
        """The records the run reads ("" for a plan from the store alone)."""
        return str(getattr(self.params, "source", ""))

    @property
    def slice_value(self) -> str:
        """The slice this run reports on ("" for the overall report)."""
        return str(getattr(self.params, "slice_value", ""))

    @property
    def destination(self) -> Path:
        """Where the finished report goes: ``<output_dir>/<report>/<period>/`` (``…/<slice>/`` for a slice)."""
        folder = self.output_dir / self.report / self.period_name
        return folder / safe_folder_name(self.slice_value) if self.slice_value else folder

    def for_slice(self, slice_field: str, slice_value: str) -> RunSpec:
        """The same run restricted to one slice (``service_type`` = ``售后维修`` …)."""
        return replace(self, params=self.params.replace(slice_field=slice_field, slice_value=slice_value))


def safe_folder_name(value: str) -> str:
    """A slice value as a folder name: path separators and control characters replaced."""
    cleaned = re.sub(r"[\\/\x00-\x1f:*?\"<>|]", "_", value).strip(". ")
    return cleaned or "_"


def load_run_spec(
    params_file: Path, overrides: list[tuple[str, str]], output_dir: Path | None = None, as_of: date | None = None
) -> RunSpec:
    """Read a params YAML, apply ``-p NAME VALUE`` overrides and validate everything.

    The report's parameter object (``report:`` names it: ``weekly`` …) checks names, types,
    dates and ranges; the files and stores it names are checked here. A ``period``
    (``last_week``, ``2026-W47`` …, see ``periods``) sets ``period_start`` and
    ``period_end``; whichever of the two forms comes last wins. A plan's empty ``as_of``
    becomes now, in the params' ``timezone``.

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
    report = str(document.get("report") or params_file.stem)
    kind = _params_kind(report, notebook)
    timezone = str(document.get("timezone") or DEFAULT_TIMEZONE)
    given = _given_parameters(document, overrides, as_of)
    reserved = sorted(set(given) & set(RUNNER_FIELDS))
    if reserved:
        raise ParameterError(
            f"未知参数 {', '.join(reserved)}：可用参数为 {', '.join(kind.settable())}（时区写在参数文件顶层的 timezone 项）"
        )
    alerts = alert_settings(document.get("alerts"), params_file)
    if alerts and alerts.rules and "alert_rules" in kind.settable():
        given["alert_rules"] = _same_alert_rules(str(given.get("alert_rules") or ""), alerts.rules, params_file)
    params = kind.from_values({**given, "timezone": timezone})
    if isinstance(params, PlanParams) and params.as_of is None:
        params = params.replace(as_of=params.now)
    return RunSpec(
        report=report,
        notebook=notebook,
        params=_checked_inputs(params),
        output_dir=(output_dir or DEFAULT_OUTPUT_DIR).resolve(),
        params_file=params_file.resolve(),
        slices=_slices(document, params_file),
        notify=_notify_section(document.get("notify") or {}),
        alerts=alerts,
    )


def _params_kind(report: str, notebook: Path) -> type[ReportParams]:
    """The run's parameter object: the named report's, else the one whose names the notebook declares.

    A report of the analyst's own (``report: fragile``, a copy of a standard notebook) gets
    the parameters of the standard report its notebook declares.

    Raises:
        ParameterError: the name is not a standard report and the notebook declares the
            parameters of none.
    """
    if report in REPORT_PARAMS:
        return REPORT_PARAMS[report]
    import papermill

    declared = set(papermill.inspect_notebook(str(notebook)))
    matching = [kind for kind in REPORT_PARAMS.values() if {f.name for f in fields(kind)} == declared]
    if len(matching) != 1:
        raise ParameterError(
            f"报告 {report!r} 不是 {'、'.join(REPORT_PARAMS)} 之一，其笔记本 {notebook.name} 的参数单元格也与其中任何一种不同："
            "请在参数文件的 report 项写标准报告名，或让笔记本声明与同类标准报告相同的参数"
        )
    return matching[0]


def _same_alert_rules(parameter: str, section: str, params_file: Path) -> str:
    """The alert rules the report's page uses: the ``alerts`` section's, so the page and the messages agree.

    Raises:
        ParameterError: the ``alert_rules`` parameter names another file than ``alerts.rules``.
    """
    if parameter and resolve_path(parameter) != Path(section):
        raise ParameterError(
            f"参数文件 {params_file} 的 alert_rules 参数（{parameter}）与 alerts.rules（{section}）不是同一个文件："
            "请只写 alerts.rules，报告页与预警消息都用它"
        )
    return section


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


def _slices(document: dict[str, Any], params_file: Path) -> dict[str, Any]:
    slices = document.get("slices") or {}
    if not isinstance(slices, dict) or any(f not in column_aliases() for f in slices):
        raise ParameterError(f"参数文件 {params_file} 的 slices 项无效：请写成 {{字段名: all}} 或 {{字段名: [取值, …]}}")
    return dict(slices)


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


def refuse_password(name: str, value: str) -> None:
    """Refuse a store URL parameter that carries its password: parameters are written into report.ipynb.

    The password comes from the environment instead: ``PGPASSWORD`` (libpq reads it) with the
    URL without it, or the whole URL in ``REPORTING_STORE_URL`` for the default store.

    Raises:
        ParameterError: the URL has a password (the message shows it masked).
    """
    if is_store_url(value) and has_password(value):
        default = "（或把完整地址放进环境变量 REPORTING_STORE_URL 并把该参数留空）" if name == "followup_store" else ""
        raise ParameterError(
            f"参数 {name} 的数据库地址 {masked_url(value)} 含有密码，而参数会写进 report.ipynb：请从地址中删去密码，"
            f"改用环境变量 PGPASSWORD 传入{default}"
        )


def _checked_inputs(params: ReportParams) -> ReportParams:
    """The files and stores the parameters name, checked before the kernel starts; files made absolute.

    Raises:
        ParameterError: a file parameter names a missing file, or a store URL is malformed.
        SourceError: a source file is missing, unreadable or lacks a required column.
        StoreError: a store cannot be reached.
        VocabularyError: an analyst's taxonomy or rules file is broken (a user mistake found now).
        ParameterError: themes by embeddings asked for without the embedding model.
    """
    for name in ("source", "followup_store"):
        refuse_password(name, getattr(params, name, ""))
    if getattr(params, "followup_store", ""):
        validate_store(params.followup_store)  # type: ignore[attr-defined]
    files = {name: str(_existing_file(name, value)) for name in FILE_PARAMETERS if (value := getattr(params, name, ""))}
    if files.get("taxonomy"):
        load_taxonomy(Path(files["taxonomy"]))
    if files.get("rules"):
        load_rules(Path(files["rules"]))
    if files.get("alert_rules"):
        load_alert_rules(Path(files["alert_rules"]))
    embedder_for(getattr(params, "theme_method", "words"))  # the embedding model installed, when asked for
    if hasattr(params, "source"):
        source = params.source  # type: ignore[attr-defined]
        # a plan notebook may work from the store alone; a report needs records
        files["source"] = validate_source(source) if source or not isinstance(params, PlanParams) else ""
    return params.replace(**files)


def _existing_file(name: str, value: str) -> Path:
    """An absolute path to an existing file: as given (relative to the working folder), else in the project."""
    path = resolve_path(value)
    if not path.is_file():
        raise ParameterError(f"参数 {name} 指向的文件 {value} 不存在：请检查路径")
    return path
