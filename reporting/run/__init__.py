"""Run: what executes notebooks and schedules them.

Run parameters (``params``), atomic papermill runs with their exports (``execute``),
batches (``batch``), the outputs index (``index``) and notifications (``notify``).

May import every room below it (report, followup, analysis, text, intake) and the
shared modules; only ``reporting.cli`` imports it.
"""

import sys

# papermill and nbconvert validate notebooks with jsonschema, which imports rfc3987_syntax
# when it is installed (JupyterLab's dependencies bring it) to check "iri" formats; that
# module compiles a grammar for ~1.8 s at import. Notebook schemas use no such format, so
# this process does without it (jsonschema treats it as absent). Measured with -X importtime.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
