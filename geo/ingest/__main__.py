"""``python -m geo.ingest``: see :mod:`geo.ingest.cli`."""

import sys

from geo.ingest.cli import main

sys.exit(main())
