"""Follow-up: what happens after the report, for the people who call customers back.

The plan by editable rules (``plan``), how it is going and who carries it (``progress``:
KPIs, the second round, workloads, owners), plan items kept in the store (``tracking``),
the plan as staff see it in a workbook (``sheets``), the staff's results imported from
the workbook (``results``) and next-round sampling (``sampling``).

May import: ``reporting.analysis``, ``reporting.text``, ``reporting.intake`` and the
shared modules.
"""
