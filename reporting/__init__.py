"""The follow-up report workbook (回访报告工作簿): records in, the standard report out.

The rooms, in the order data goes through them (each may import only the rooms below
it; ``lint-imports`` checks the layers declared in pyproject.toml):

- ``intake``   — read, clean and store records; the rejects ledger; masking;
- ``text``     — customers' words: problem types, sentiment, keywords, quotes;
- ``analysis`` — metrics, tests, drivers, coverage, recommendations;
- ``followup`` — the follow-up plan, its results, next-round sampling;
- ``report``   — report models, HTML, charts, PDF, workbook, the files written;
- ``run``      — parameters, papermill runs, batches, index, notifications;
- ``demo``     — synthetic data.

``cli`` is the command line on top; ``config``, ``errors`` and ``vocab`` (with the
editable YAML in ``vocab/`` and ``labels/``) are shared by all.
"""

__version__ = "0.1.0"
