"""Run: what executes notebooks and schedules them.

Run parameters (``params``), atomic papermill runs with their exports (``execute``),
batches (``batch``), the outputs index (``index``) and notifications (``notify``).

May import every room below it (report, followup, analysis, text, intake) and the
shared modules; only ``reporting.cli`` imports it.
"""
