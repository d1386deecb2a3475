"""Where the app's assets (icons, sample documents) are, in every way it can be run.

- a source checkout (``make run``, an editable install): the top-level ``assets/`` folder;
- an installed wheel or sdist, and the PyInstaller bundle: ``assistant/_assets/``, a copy of that
  folder that the build puts beside this module (``packaging/build_backend.py``,
  ``packaging/document-assistant.spec``).

No Qt here: this is read at import by the composition root and the window.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["assets_dir"]

_HERE = Path(__file__).resolve().parent


def assets_dir() -> Path:
    """The folder holding ``icons/`` and ``samples/``: the installed copy if there is one, else the
    checkout's ``assets/`` (returned even when missing, so a broken install names the path it tried)."""
    installed = _HERE / "_assets"
    if installed.is_dir():
        return installed
    return _HERE.parent / "assets"
