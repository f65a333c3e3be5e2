"""Report: what builds and writes what people read.

Four reports, one shape: ``weekly``, ``trend``, ``followup`` and ``sampling`` each offer
``build`` (data in, a frozen model out, nothing written), ``render`` (a part as HTML) and
``publish`` (what the exporter writes); ``weekly.sync_plan`` and ``followup.sync_plan``
are the one named step of their run that writes to the store. Shared pieces: where a
build starts (``loading``), the weekly model and its sections (``model``), metrics.json
(``document``), formats and partials (``fragments``), sentences (``narrative``), the
weekly sections as HTML (``render``), charts and fonts (``charts``, ``fonts``), what a
notebook hands to the exporter (``publishing``, ``published``), the workbook writer
(``workbook``) and the files written (``export``, the only writer of report files).

May import: ``reporting.followup``, ``reporting.analysis``, ``reporting.text``,
``reporting.intake`` and the shared modules.
"""
