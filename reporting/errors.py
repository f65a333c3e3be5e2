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
