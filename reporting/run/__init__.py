"""Run: what executes notebooks and schedules them.

Run parameters (``params``), atomic papermill runs (``execute``) in staging folders with
locks (``staging``) and their manifests (``manifest``), kernels kept warm (``kernels``),
batches (``batch``), the outputs index (``index``), notifications (``notify``) and alerts
after runs (``alerting``).

May import every room below it (export, report, alerts, followup, analysis, text, intake)
and the shared modules; only ``reporting.cli`` imports it.
"""

import sys

# papermill and nbconvert validate notebooks with jsonschema, which imports rfc3987_syntax
# when it is installed (JupyterLab's dependencies bring it) to check "iri" formats; that
# module compiles a grammar at import (0.9 s alone). Notebook schemas use no such format, so
# this process does without it (jsonschema treats it as absent). The one edit of sys.modules
# in the package, kept because it is measured: a weekly `reporting run` takes 6.58 s with it
# and 6.85 s without (medians of 5 interleaved runs, 2026-12-03); README "Performance".
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
