"""``python -m reporting`` runs the command line."""

import sys

from reporting.cli import main

sys.exit(main())
