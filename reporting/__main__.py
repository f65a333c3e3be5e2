"""``python -m reporting`` runs the command line."""

from reporting.cli import console_main

console_main()
