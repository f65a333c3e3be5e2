"""The next-round sampling plan (sampling_plan.ipynb): who to call, when, by whom.

Same shape as every report: ``build`` (the services export in, frozen model out, nothing
written), ``render`` (the summary as HTML), ``publish`` (metrics.json, the rejects ledger
and call_list.xlsx for the exporter). The draw and the schedule themselves are the
``reporting.followup.sampling`` module's; this folder only reports on them.

Every row of the services export is accounted for: rejected, outside the window, a
customer who asked not to be called, another service of a customer already counted, or
a customer in the population (then drawn or not; if drawn, scheduled or not, with why).
"""

from reporting.report.sampling.model import build
from reporting.report.sampling.sections import publish, render

__all__ = ["build", "publish", "render"]
