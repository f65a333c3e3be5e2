"""The follow-up report workbook (回访报告工作簿): records in, the standard report out."""

__version__ = "0.1.0"
