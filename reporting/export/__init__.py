"""Export: the command-line side's writers, the only code that writes report files.

The executed notebook as pages (``pages``: HTML and PDF), the outputs a notebook hands
over as files (``files``: metrics.json, rejects.csv, CSV) and workbooks (``workbook``).
Runs in the command's process, never in a report's kernel.

May import ``reporting.report``'s light modules (``mimetypes``, ``html.fonts``) and the
rooms below; only ``reporting.run`` and ``reporting.cli`` import it.
"""
