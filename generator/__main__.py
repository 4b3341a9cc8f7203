"""`python -m generator` runs the oagen command line."""

import sys

from generator.cli import main

if __name__ == "__main__":
    sys.exit(main())
