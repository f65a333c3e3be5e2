"""The weekly report (weekly_report.ipynb): ``build`` → ``sync_plan`` → ``render`` → ``publish``.

Everything a change to the weekly report touches is in this folder: the run's steps
(``build``), the model (``model``) computed section by section (``sections``), its charts,
sentences (``narrative``), HTML parts (``render``), metrics.json (``document``) and the
staff workbook's sheets (``sheets``).
"""

from reporting.report.weekly.build import build, publish, sync_plan
from reporting.report.weekly.sections import render

__all__ = ["build", "publish", "render", "sync_plan"]
