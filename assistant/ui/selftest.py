"""``ASSISTANT_SELF_TEST``: a start that reports what the files table lists, then quits.

Installers are checked from outside the process with it (``packaging/check_start.py``): set
``ASSISTANT_SELF_TEST=1`` and start the app as usual (``document-assistant --sandbox --data-dir DIR``);
once every expected name is listed in the files table (``fileTable``) — the two sample documents by
default, or the comma-separated names in ``ASSISTANT_SELF_TEST_EXPECT`` — it prints one line per
listed name, ``listed: NAME``, then ``self-test: ok after N.NN s`` and exits 0. If they are not all
listed within ``ASSISTANT_SELF_TEST_TIMEOUT`` seconds (60), it prints what is listed and
``self-test: FAILED`` and exits 1. A value other than ``1`` is a file to write the lines to instead of
stdout (a windowed app on Windows or macOS has none).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QTableView, QWidget

__all__ = ["DEFAULT_EXPECTED", "ENV", "enabled", "listed_names", "watch"]

ENV = "ASSISTANT_SELF_TEST"
DEFAULT_EXPECTED = ("remote-work-policy.md", "solar-maintenance-guide.pdf")
POLL_MS = 100


def enabled() -> bool:
    return bool(os.environ.get(ENV))


def listed_names(window: QWidget | None) -> list[str]:
    """The Name column of the files table, top to bottom, as the window shows it."""
    table = window.findChild(QTableView, "fileTable") if window is not None else None
    if table is None or table.model() is None:
        return []
    model = table.model()
    return [str(model.index(row, 0).data() or "") for row in range(model.rowCount())]


def watch(app: QApplication, current_window: Callable[[], QWidget | None]) -> None:
    """Poll the current window's files table; report and quit once the expected names are listed."""
    started = time.monotonic()
    expected = [n.strip() for n in os.environ.get(f"{ENV}_EXPECT", "").split(",") if n.strip()]
    expected = expected or list(DEFAULT_EXPECTED)
    timeout = float(os.environ.get(f"{ENV}_TIMEOUT", "60"))
    target = os.environ.get(ENV, "1")
    timer = QTimer(app)

    def report(names: list[str], ok: bool) -> None:
        lines = [f"listed: {name}" for name in names]
        elapsed = time.monotonic() - started
        lines.append(f"self-test: {'ok' if ok else 'FAILED'} after {elapsed:.2f} s")
        text = "\n".join(lines) + "\n"
        if target == "1":
            if sys.stdout is not None:
                sys.stdout.write(text)
                sys.stdout.flush()
        else:
            with open(target, "w", encoding="utf-8") as out:
                out.write(text)

    def poll() -> None:
        names = listed_names(current_window())
        ok = all(e in names for e in expected)
        if ok or time.monotonic() - started > timeout:
            timer.stop()
            report(names, ok)
            app.exit(0 if ok else 1)

    timer.timeout.connect(poll)
    timer.start(POLL_MS)
