"""Report: what builds and writes what people read.

The weekly report's model (``model``), its metrics.json (``document``) and its steps for
the notebook (``pipeline``, with ``sync_plan``, the one writing step); the trend,
follow-up and sampling reports (``trend``, ``followup_report``, ``sampling_report``); the
sections as HTML (``render``) built from formats and partials (``fragments``) and
sentences (``narrative``); charts and fonts (``charts``, ``fonts``); what a notebook hands
to the exporter (``publishing``, ``published``); the workbook writer (``workbook``) and
the files written (``export``, the only writer of report files).

May import: ``reporting.followup``, ``reporting.analysis``, ``reporting.text``,
``reporting.intake`` and the shared modules.
"""
