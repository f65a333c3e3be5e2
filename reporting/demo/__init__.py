"""Demo data: synthetic follow-up records (``records``) and a services export (``services``).

Imports nothing else of the package; used by ``reporting.cli`` and the tests.
"""
