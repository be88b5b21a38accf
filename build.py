#!/usr/bin/env python3
"""Build the deliverables: `python build.py --help` (see README.md)."""

import sys
from pathlib import Path

# works from a fresh checkout too, before `pip install -e .`
sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

# one command, then the process ends: Python's cyclic collector only slows it, from the
# imports on (`kumihan.collector`)
from kumihan.collector import pause_for_good

pause_for_good()

from kumihan.cli import run  # noqa: E402

if __name__ == "__main__":
    run()
