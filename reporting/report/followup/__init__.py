"""The follow-up plan report (followup_plan.ipynb): KPIs, escalations, workload, second follow-ups.

Same shape as every report. ``build`` reads the plan items kept in the store and the
window's responses, adds in memory the items responses still lack and gives role-owned
items to people — writing nothing; ``sync_plan`` is the one step that writes (the new
items and the assignments, so they stay put); ``render`` and ``publish`` show the summary
and hand over the workbook the supervisors work from. The plan's own logic (items,
owners, results) is the ``reporting.followup`` room's; this folder only reports on it.
"""

from reporting.report.followup.model import build, sync_plan
from reporting.report.followup.sections import publish, render

__all__ = ["build", "publish", "render", "sync_plan"]
