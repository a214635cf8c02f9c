"""``python -m geo``: the command line (:mod:`geo.cli`)."""

import sys

from geo.cli import main

sys.exit(main())
