"""What a report's kernel loads before its notebook arrives.

``reporting run`` starts the kernel as soon as the run's parameters are known and has it
call ``preload(report)`` while the command prepares the run on the other core; the first
cell then finds the report module, scikit-learn, jieba's dictionary and matplotlib loaded.
Loading is all it does: no data is read and nothing is written. What it loaded is then
left out of the garbage collector's full passes (``gc.freeze``): those objects live as long
as the kernel, and each full pass over them costs ~0.05 s — the kernel's reset before a
report (``%reset -f``) makes two.
"""

from __future__ import annotations

import gc
import importlib

READING = frozenset({"weekly"})  # reports that read comments with the learned model and themes


def preload(report: str) -> None:
    """Import the modules ``report``'s cells will use: its folder (charts included) and, for a reading report, the text models.

    Everything alive afterwards is frozen out of the garbage collector's passes (``gc.freeze``).
    """
    try:
        importlib.import_module(f"reporting.report.{report}")
    except ImportError:  # an analyst's own notebook under another name: it loads what it needs itself
        return
    if report in READING:
        from reporting.text import keywords, learned, themes

        learned.preload()
        themes.preload()
        keywords.preload()
        importlib.import_module("statsmodels.stats.multitest")  # the tests' Benjamini–Hochberg correction (~0.5 s to import)
    gc.freeze()
