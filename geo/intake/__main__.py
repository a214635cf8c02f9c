"""``python -m geo.intake``: see :mod:`geo.intake.cli`."""

import sys

from geo.intake.cli import main

sys.exit(main())
