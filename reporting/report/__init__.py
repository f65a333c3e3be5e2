"""Report: what builds and writes what people read.

The weekly report's model (``model``) and its steps for the notebook (``pipeline``), the
trend, follow-up and sampling reports (``trend``, ``followup_report``,
``sampling_report``), HTML fragments (``render``), charts and fonts (``charts``,
``fonts``), the outputs a notebook publishes (``published``), the workbook writer
(``workbook``) and the files written (``export``, the only writer of report files).

May import: ``reporting.followup``, ``reporting.analysis``, ``reporting.text``,
``reporting.intake`` and the shared modules.
"""
