"""The trend review (trend_review.ipynb): KPIs with intervals and problem shares per week over a range, with events.

Same shape as every report: ``build`` (records in, frozen model out), ``render`` (one part
as HTML), ``publish`` (metrics.json and the rejects ledger for the exporter).
"""

from reporting.report.trend.build import build, publish
from reporting.report.trend.sections import render

__all__ = ["build", "publish", "render"]
