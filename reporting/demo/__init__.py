"""Demo data: synthetic follow-up records (``records``) and a services export (``services``).

The records are drawn from ``population`` (service types, channels, statuses, agents,
names) and their comments from the phrase banks in ``phrases``.

Imports nothing else of the package; used by ``reporting.cli`` and the tests.
"""
