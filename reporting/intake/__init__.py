"""Intake: what reads and validates data.

Reading records files (``load``), text hygiene (``hygiene``), cleaning and the rejects
ledger (``clean``), the records store (``store``), the services export (``services``),
the sources a report names (``sources``), periods and ``名称:内容`` parameters
(``periods``, ``pairs``) and masking of personal data (``privacy``).

May import: ``reporting.config``, ``reporting.errors``, ``reporting.vocab`` only — it is
the bottom room.
"""
