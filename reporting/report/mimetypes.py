"""The contract between a report's kernel and the exporter: the MIME types of the outputs it collects.

Kept apart from ``publish`` so the command-line process can name them without importing
the plotting and analysis stack.
"""

from __future__ import annotations

METRICS_MIMETYPE = "application/vnd.reporting.metrics+json"


REJECTS_MIMETYPE = "application/vnd.reporting.rejects+json"


WORKBOOK_MIMETYPE = "application/vnd.reporting.workbook+json"


SUGGESTIONS_MIMETYPE = "application/vnd.reporting.taxonomy-suggestions+json"
