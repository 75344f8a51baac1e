"""``python -m convtui``: the same as the ``convtui`` command."""

import sys

from .cli import main

sys.exit(main())
