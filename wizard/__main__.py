"""Entry point for ``python -m wizard``."""

import sys

from wizard.cli import main

# Guarded: a process started to run the checks (on Windows, by spawning) imports this module
# again and must not start the program a second time.
if __name__ == "__main__":
    sys.exit(main())
