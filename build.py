#!/usr/bin/env python3
"""Build the deliverables: `python build.py --help` (see README.md)."""

import sys
from pathlib import Path

# works from a fresh checkout too, before `pip install -e .`
sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from kumihan.cli import run

if __name__ == "__main__":
    run()
