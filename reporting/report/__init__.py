"""Report: what builds and renders what people read, one folder per report.

- ``weekly/``, ``trend/``, ``followup/``, ``sampling/``: one report each, with the same
  shape — ``build`` (data in, a frozen model out, nothing written), ``render`` (a part as
  HTML) and ``publish`` (what the exporter writes); ``weekly.sync_plan`` and
  ``followup.sync_plan`` are the one step of their run that writes to the store. A change
  to one report belongs in its folder.
- Shared, knowing no report: where a build starts (``loading``: the records of a window
  and a slice), the trend window's maths (``window``), the clock (``clock``), HTML parts
  (``html/``: partials, value formats, figures, fonts, the page's parts), what a notebook
  hands to the exporter (``publish``, with the MIME types in ``mimetypes``) and what a
  kernel loads ahead (``preload``).

The files themselves are written by ``reporting.export``, in the command's process.

May import: ``reporting.followup``, ``reporting.analysis``, ``reporting.text``,
``reporting.intake`` and the shared modules. Inside, the shared modules import no report
folder and the report folders import none of each other (import-linter contracts).
"""
