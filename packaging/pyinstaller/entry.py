"""The bundled app's entry point (PyInstaller runs this file as its main script).

``freeze_support()`` first: Office files and archives are converted in spawned worker processes
(``assistant/documents/isolated.py``), and in a frozen app each of those starts this same executable,
which must then run the worker, not a second window.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from assistant.app import main

    sys.exit(main())
