"""`python -m assistant` starts the desktop app."""

import sys

from assistant.app import main

if __name__ == "__main__":
    sys.exit(main())
