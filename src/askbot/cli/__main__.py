"""``python -m askbot.cli``."""

import sys

from askbot.cli import main

sys.exit(main())
