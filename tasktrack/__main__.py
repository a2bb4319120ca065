from __future__ import annotations

import sys

from tasktrack.cli.main import main

sys.exit(main())
