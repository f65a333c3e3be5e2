"""Follow-up: what happens after the report, for the people who call customers back.

The plan by editable rules (``plan``), plan items kept in the store (``tracking``), the
staff's results imported from the workbook (``results``) and next-round sampling
(``sampling``).

May import: ``reporting.analysis``, ``reporting.text``, ``reporting.intake`` and the
shared modules.
"""
