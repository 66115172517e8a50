"""Frozen entry point of `operator-desk` (PyInstaller cannot use operator_desk/cli.py directly:
it uses relative imports, which fail when a module runs as the top-level script)."""

import sys

from operator_desk.cli import main

if __name__ == "__main__":
    sys.exit(main())
