"""Frozen entry point of `operator-desk-server` (see desk_entry.py for why this file exists)."""

import sys

from operator_desk.server.cli import main

if __name__ == "__main__":
    sys.exit(main())
