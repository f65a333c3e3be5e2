"""The typed exceptions of the workbook.

A ``UserInputError`` is a mistake the user can fix (missing file, bad parameter,
missing column): the CLI prints its message as one line and exits with code 2.
A ``NotebookFailedError`` is a cell that failed while executing: exit code 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class ReportingError(Exception):
    """Base class of every error the workbook raises on purpose."""

    exit_code = 1


class UserInputError(ReportingError):
    """A mistake in the user's input: the message says what and what to do."""

    exit_code = 2


class ParameterError(UserInputError):
    """A run parameter is unknown, malformed or out of range."""


class SourceError(UserInputError):
    """A source file is missing, unreadable or lacks required columns."""


class StoreError(UserInputError):
    """The store cannot be reached or used: bad URL, missing driver, server down."""


class RunLockedError(ReportingError):
    """The same report (report, period, slice) is being produced by another process."""

    exit_code = 75  # EX_TEMPFAIL: try again later


@dataclass
class NotebookFailedError(ReportingError):
    """A notebook cell raised while the report was executing.

    Attributes:
        cell_number: 1-based number of the failing code cell in the notebook.
        ename: the exception's class name.
        evalue: the exception's message.
        notebook_path: where the executed notebook was saved for debugging.
    """

    cell_number: int
    ename: str
    evalue: str
    notebook_path: Path

    exit_code = 1

    def __str__(self) -> str:
        first_line = self.evalue.strip().splitlines()[0] if self.evalue.strip() else ""
        return f"第 {self.cell_number} 个单元格执行失败: {self.ename}: {first_line} (已保存执行后的笔记本: {self.notebook_path})"


@dataclass
class UnexpectedError(ReportingError):
    """Something failed that no check foresaw; its traceback was written to a log file.

    Attributes:
        what: what was being done, in the user's words (``导出报告`` …).
        error: the exception's class name and the first line of its message.
        log: the file holding the full traceback.
    """

    what: str
    error: str
    log: Path

    exit_code = 1

    def __str__(self) -> str:
        return f"{self.what}时发生意外错误：{self.error}（完整信息已写入 {self.log}）"


def is_user_mistake(error_name: str) -> bool:
    """Whether an error raised in a report's kernel, known there only by its class name, is a user mistake (exit 2).

    The name is looked up among this module's classes and judged with ``issubclass``, so a
    new subclass of ``UserInputError`` counts without being listed anywhere.
    """
    found = globals().get(error_name)
    return isinstance(found, type) and issubclass(found, UserInputError)


def describe(error: BaseException) -> str:
    """An exception as one line: its class name and the first line of its message."""
    message = str(error).strip().splitlines()
    return f"{type(error).__name__}: {message[0]}" if message else type(error).__name__


def write_traceback(error: BaseException, path: Path) -> Path:
    """Write an exception's full traceback to ``path`` (its folder is created) and return the path."""
    import traceback

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(traceback.format_exception(error)), encoding="utf-8")
    return path
