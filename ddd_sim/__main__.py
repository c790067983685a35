"""``python -m ddd_sim``."""

import sys

from ddd_sim.cli import main

sys.exit(main())
