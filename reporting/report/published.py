"""The notebook outputs the exporter collects: a report's metrics, rejects ledger and workbook.

Kept apart from ``render`` so the command-line process can name them without importing
the plotting and analysis stack.
"""

METRICS_MIMETYPE = "application/vnd.reporting.metrics+json"
REJECTS_MIMETYPE = "application/vnd.reporting.rejects+json"
WORKBOOK_MIMETYPE = "application/vnd.reporting.workbook+json"
SUGGESTIONS_MIMETYPE = "application/vnd.reporting.taxonomy-suggestions+json"
TRANSFER_DIR_ENV = "REPORTING_TRANSFER_DIR"  # set by `reporting run` for the kernel: where large outputs are handed over
