"""No D-Bus session is ever started for the app (issue 10, item 12): without one, libdbus would
autolaunch a ``dbus-launch`` / ``dbus-daemon`` pair that outlives the app."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.session_bus import NO_BUS, has_session_bus, settle_session_bus
from tests.processes import ROOT


def test_a_given_bus_is_kept() -> None:
    env = {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus"}
    assert settle_session_bus(env) == "given"
    assert env["DBUS_SESSION_BUS_ADDRESS"] == "unix:path=/run/user/1000/bus"
    assert has_session_bus(env)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the user bus socket is a Linux thing")
def test_the_users_bus_is_found_where_systemd_puts_it(tmp_path: Path) -> None:
    bus = tmp_path / "bus"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(bus))
        env = {"XDG_RUNTIME_DIR": str(tmp_path)}
        assert settle_session_bus(env) == "user bus"
        assert env["DBUS_SESSION_BUS_ADDRESS"] == f"unix:path={bus}"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="autolaunch is an X11/Linux thing")
def test_without_a_bus_autolaunch_is_turned_off(tmp_path: Path) -> None:
    (tmp_path / "bus").write_text("not a socket")
    env = {"XDG_RUNTIME_DIR": str(tmp_path), "DISPLAY": ":99"}
    assert settle_session_bus(env) == "none"
    assert env["DBUS_SESSION_BUS_ADDRESS"] == NO_BUS
    assert not has_session_bus(env)


def _dbus_launches() -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "dbus-launch":
                    found.add(int(entry.name))
            except OSError:
                pass
    return found


def test_the_app_under_x11_without_a_session_bus_leaves_no_dbus_launch(tmp_path: Path) -> None:
    """The real app, on a real X server (Xvfb), with no D-Bus session: it starts, lists the samples,
    quits, and no dbus-launch was started for it (before the fix, every start left one behind)."""
    missing = [tool for tool in ("xvfb-run", "dbus-launch") if shutil.which(tool) is None]
    if missing:
        why = f"needs {' and '.join(missing)} (apt: xvfb, dbus-x11) to show the autolaunch"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run this: {why}")
        pytest.skip(why)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ANTHROPIC_", "ASSISTANT_", "DBUS_", "QT_QPA")) and k != "XDG_RUNTIME_DIR"
    }
    env.update(PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="xcb", ASSISTANT_SELF_TEST="1")
    before = _dbus_launches()
    done = subprocess.run(
        ["xvfb-run", "-a", sys.executable, "-m", "assistant", "--sandbox", "--data-dir", str(tmp_path)],
        check=False,
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    assert b"self-test: ok" in done.stdout
    time.sleep(0.5)  # an autolaunched pair would be up by now (it starts before the first window)
    started = _dbus_launches() - before
    for pid in started:  # tidy up what a failing run left behind
        with contextlib.suppress(OSError):
            os.kill(pid, 15)
    assert not started, "a dbus-launch was started for the app and outlived it"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="D-Bus keyrings are a Linux thing")
def test_without_a_bus_the_key_status_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    from keyring.backends.fail import Keyring as NoKeyring

    from assistant.secrets import KeyState, KeyStore

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", NO_BUS)
    status = KeyStore(environ={}, backend=NoKeyring()).status()
    assert status.state is KeyState.NO_BACKEND
    assert "no D-Bus session" in status.reason
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus")
    assert "D-Bus" not in KeyStore(environ={}, backend=NoKeyring()).status().reason
