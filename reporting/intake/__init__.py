"""Intake: what reads and validates data.

Reading records files (``load``), text hygiene (``hygiene``), parsing values (``parse``),
cleaning and the rejects ledger (``clean``, ``ledger``), duplicates across files
(``combine``), the records store (its tables and connection in ``store_schema``, imports
in ``store``, period pulls in ``store_queries``), the services export (``services``),
the sources a report names (``sources``), periods and ``名称:内容`` parameters
(``periods``, ``pairs``) and masking of personal data (``privacy``).

May import: ``reporting.config``, ``reporting.errors``, ``reporting.vocab`` only — it is
the bottom room.
"""
