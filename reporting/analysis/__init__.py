"""Analysis: numbers with their denominators, intervals and tests.

Metrics and rates (``metrics``), period-over-period tests (``compare``), key drivers
(``drivers``), coverage against services (``coverage``), strengths, weaknesses and
recommendations (``insights``).

May import: ``reporting.text``, ``reporting.intake`` and the shared modules.
"""
