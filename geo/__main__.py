"""``python -m geo``: the command line (:mod:`geo.cli`)."""

import os
import sys

from geo.cli import main

try:
    code = main()
    sys.stdout.flush()
except BrokenPipeError:
    # the reader stopped early (``python -m geo risk | head``): no traceback; what is left
    # of the output goes nowhere (Python's documented way, "Note on SIGPIPE")
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    code = 1
sys.exit(code)
