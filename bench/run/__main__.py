"""``python -m bench.run`` (``make bench``): see :mod:`bench.run`."""

import sys

from bench.run.main import main

sys.exit(main())
