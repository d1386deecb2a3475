"""One instance per data folder. Two on one folder mark each other's live files missing, upload the
samples again and let the second offline sandbox delete the first one's uploads in progress.

The first start takes a lock file in the data folder (``QLockFile``: a lock whose process has died is
taken over) and listens on a local socket named after the folder. A later start that finds the lock
held sends its request over that socket; the first raises its window and answers, and the later start
exits with a message saying so (``AlreadyRunning``). A holder that does not answer is a start-up problem
that says which process holds the folder (``InstanceUnreachable``)::

    claim = claim_instance(paths.data, argv)   # before any window is shown; may raise either
    claim.serve(lambda: root.window)           # the window a later start brings to the front
    claim.release()                            # at shutdown

Several composition roots in one process (tests, automation) share one claim: the lock is per process.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QLockFile
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

from assistant import APP_NAME

__all__ = ["AlreadyRunning", "InstanceClaim", "InstanceUnreachable", "claim_instance", "server_name"]

log = logging.getLogger(__name__)

LOCK_NAME = "instance.lock"
HAND_OVER_SECONDS = 8.0  # how long a later start keeps trying to reach the first (it may be starting)
REPLY_MS = 3000


class AlreadyRunning(Exception):
    """The first instance on this data folder has this start's request; exit with ``message``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InstanceUnreachable(Exception):
    """Another process holds the data folder but does not answer."""

    def __init__(self, message: str, todo: str) -> None:
        super().__init__(message)
        self.message = message
        self.todo = todo


def server_name(data: Path) -> str:
    """The local socket's name: one per data folder (and per user)."""
    digest = hashlib.sha256(str(data.resolve()).encode("utf-8")).hexdigest()[:20]
    user = os.getuid() if hasattr(os, "getuid") else 0
    return f"document-assistant-{user}-{digest}"


class InstanceClaim:
    """This process serves the data folder: it holds the lock and answers later starts."""

    def __init__(self, key: str, lock: QLockFile, server: QLocalServer) -> None:
        self._key = key
        self._lock = lock
        self._server = server
        self._windows: list[Callable[[], QWidget | None]] = []
        self._users = 1
        self._buffers: dict[QLocalSocket, bytearray] = {}
        server.newConnection.connect(self._accept)

    def serve(self, window: Callable[[], QWidget | None]) -> None:
        self._windows.append(window)

    def release(self) -> None:
        self._users -= 1
        if self._users > 0:
            return
        _claims.pop(self._key, None)
        self._server.close()
        self._lock.unlock()

    # -- answering a later start -----------------------------------------------------------------
    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = bytearray()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def _read(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer += bytes(socket.readAll().data())
        if b"\n" not in buffer:
            return
        try:
            request = json.loads(bytes(buffer).split(b"\n", 1)[0])
        except ValueError:
            request = {}
        raised = self._raise_window()
        pid = request.get("pid") if isinstance(request, dict) else None
        log.info(
            "another start (process %s) on this data folder asked for this window: %s",
            pid,
            "raised it" if raised else "no window yet, it is still starting",
        )
        socket.write(json.dumps({"ok": True, "raised": raised, "pid": os.getpid()}).encode() + b"\n")
        socket.flush()
        socket.disconnectFromServer()

    def _raise_window(self) -> bool:
        for window in reversed(self._windows):
            widget = window()
            if widget is None:
                continue
            if widget.isMinimized():
                widget.showNormal()
            widget.show()
            widget.raise_()
            widget.activateWindow()
            return True
        return False


_claims: dict[str, InstanceClaim] = {}


def claim_instance(data: Path, argv: Sequence[str] = ()) -> InstanceClaim:
    """Serve ``data`` from this process, or hand ``argv`` to the process that does (see the module)."""
    key = str(data.resolve())
    held = _claims.get(key)
    if held is not None:
        held._users += 1
        return held
    lock = QLockFile(str(data / LOCK_NAME))
    lock.setStaleLockTime(0)  # never stale by age: only when its process is gone
    name = server_name(data)
    deadline = time.monotonic() + HAND_OVER_SECONDS
    while True:
        if lock.tryLock(0):
            return _serve(key, lock, name)
        if lock.error() is not QLockFile.LockError.LockFailedError:
            raise InstanceUnreachable(
                f"The lock file {data / LOCK_NAME} cannot be created ({lock.error().name}).",
                "Check that the data folder can be written to, or start with --data-dir DIR.",
            )
        reply = _hand_over(name, argv)
        if reply is not None:
            pid = reply.get("pid", "?")
            if reply.get("raised"):
                said = "its window was brought to the front"
            else:
                said = "it is still starting; its window will appear"
            raise AlreadyRunning(
                f"{APP_NAME} is already running on this data folder ({data}, process {pid}): "
                f"{said}. Only one can run per data folder, so this start exits."
            )
        if time.monotonic() >= deadline:
            break
        time.sleep(0.2)
    pid, host, _app = lock.getLockInfo()
    raise InstanceUnreachable(
        f"Another {APP_NAME} (process {pid} on {host}) holds the data folder {data}, but does not answer.",
        f"Close it (or end process {pid}) and start again, or start this one with --data-dir DIR for a "
        "data folder of its own.",
    )


def _serve(key: str, lock: QLockFile, name: str) -> InstanceClaim:
    QLocalServer.removeServer(name)  # we hold the lock: a socket left by a killed instance is stale
    server = QLocalServer()
    server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
    if server.listen(name):
        log.info("serving this data folder as %s", name)
    else:  # the lock still keeps a second instance out; it only cannot hand its request over
        log.warning("cannot listen as %s: %s", name, server.errorString())
    claim = InstanceClaim(key, lock, server)
    _claims[key] = claim
    return claim


def _hand_over(name: str, argv: Sequence[str]) -> dict[str, object] | None:
    """Send this start's request to the serving instance; its reply, or None if it did not answer."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(500):
        return None
    request = {"request": "focus", "argv": list(argv), "pid": os.getpid()}
    socket.write(json.dumps(request).encode() + b"\n")
    socket.waitForBytesWritten(1000)
    buffer = b""
    deadline = time.monotonic() + REPLY_MS / 1000
    while b"\n" not in buffer:
        left = int((deadline - time.monotonic()) * 1000)
        if left <= 0 or not socket.waitForReadyRead(left):
            break
        buffer += bytes(socket.readAll().data())
    socket.abort()
    try:
        reply = json.loads(buffer.split(b"\n", 1)[0]) if b"\n" in buffer else None
    except ValueError:
        return None
    return reply if isinstance(reply, dict) and reply.get("ok") else None
