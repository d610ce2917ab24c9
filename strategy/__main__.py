"""``python -m strategy``: the command line."""

import sys

from strategy.cli import main

sys.exit(main())
