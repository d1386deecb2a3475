"""SIGTERM (and SIGINT, SIGHUP) quit the app the way File ▸ Quit does: the window closes (its state is
saved), ``aboutToQuit`` shuts the composition root down (workers, the conversion processes, the
sandbox, the catalog), and the process exits 0.

Python runs a signal handler only when the interpreter gets control, and Qt's event loop can sleep in
C++ for as long as nothing happens. So the handler only notes the signal; ``signal.set_wakeup_fd``
writes its number to a socket pair whose read end a ``QSocketNotifier`` watches, which wakes the event
loop, and the quit happens there, on the GUI thread::

    quit_on_signals(app, lambda: root.window)    # in main(), once the window is built
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication, QWidget

__all__ = ["QUIT_SIGNALS", "quit_on_signals"]

log = logging.getLogger(__name__)

QUIT_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)


def quit_on_signals(app: QApplication, window: Callable[[], QWidget | None]) -> None:
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)
    quitting = False

    def noted(_signum: int, _frame: object) -> None:
        """Runs in the main thread between bytecodes; the wake-up byte does the rest."""

    def wake() -> None:
        nonlocal quitting
        received = b""
        with contextlib.suppress(BlockingIOError, InterruptedError):
            received = reader.recv(64)
        numbers = [n for n in received if n in QUIT_SIGNALS]
        if not numbers or quitting:
            return
        quitting = True
        log.info("%s received: quitting as File ▸ Quit does", signal.Signals(numbers[0]).name)
        current = window()
        if current is not None and current.isVisible():
            current.close()
        QTimer.singleShot(0, app.quit)

    notifier.activated.connect(wake)
    for number in QUIT_SIGNALS:
        signal.signal(number, noted)
    _keep.extend([reader, writer, notifier])  # alive as long as the process


_keep: list[object] = []
