"""The D-Bus session the process uses: the desktop's, never one started just for us.

Without ``DBUS_SESSION_BUS_ADDRESS``, libdbus (which Qt's xcb platform loads for accessibility and the
desktop's settings) "autolaunches" a bus when ``DISPLAY`` is set: it runs ``dbus-launch``, and that
``dbus-launch`` / ``dbus-daemon`` pair outlives the app (a plain ``make run`` in an X session without
a D-Bus session left one behind per start). ``settle_session_bus`` runs before the QApplication: it
uses the user's bus at ``$XDG_RUNTIME_DIR/bus`` when there is one, and otherwise turns autolaunch off
(``disabled:``), so nothing is started. Without a session bus the Secret Service keyring cannot be
reached; ``assistant.secrets`` then says so, and the key is kept for the session only. Programs the
app starts (a PDF viewer, ``xdg-open``) inherit the setting, so they start no bus of their own either.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
from collections.abc import MutableMapping
from pathlib import Path

__all__ = ["NO_BUS", "has_session_bus", "settle_session_bus"]

log = logging.getLogger(__name__)

NO_BUS = "disabled:"  # libdbus: there is no session bus (never autolaunch one)
_VARIABLE = "DBUS_SESSION_BUS_ADDRESS"


def settle_session_bus(environ: MutableMapping[str, str] | None = None) -> str:
    """Set the session bus address where it is unset; returns what was decided: "given" (set before),
    "user bus" (``$XDG_RUNTIME_DIR/bus``), "none" (autolaunch off) or "not needed" (not X11/Linux)."""
    env = os.environ if environ is None else environ
    if env.get(_VARIABLE):
        return "given"
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return "not needed"  # macOS and Windows never autolaunch through dbus-launch
    runtime = env.get("XDG_RUNTIME_DIR")
    bus = Path(runtime) / "bus" if runtime else None
    if bus is not None and _is_socket(bus):
        env[_VARIABLE] = f"unix:path={bus}"
        return "user bus"
    env[_VARIABLE] = NO_BUS
    log.info("no D-Bus session: none is started (the keyring needs one; the key stays in memory)")
    return "none"


def has_session_bus(environ: MutableMapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get(_VARIABLE, "") not in ("", NO_BUS)


def _is_socket(path: Path) -> bool:
    try:
        return stat.S_ISSOCK(path.stat().st_mode)
    except OSError:
        return False
