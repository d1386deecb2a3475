"""One instance per data folder, with real processes (offscreen): a second start hands its request to
the first (which raises its window) and exits with a message; SIGTERM quits like File ▸ Quit; after a
kill -9 nothing of the app stays running and the next start takes the folder over."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import children_of, start_app, wait_for, wait_gone

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")

STARTED = "offline sandbox at"  # logged once the first start's sandbox is up


def log_text(data_dir: Path) -> str:
    log = data_dir / "logs" / "document-assistant.log"
    return log.read_text(encoding="utf-8") if log.exists() else ""


@pytest.fixture
def first(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """The app on the sandbox, its conversion processes up (it converts the samples on its first start)."""
    app = start_app(["--sandbox", "--data-dir", str(tmp_path / "da")], tmp_path / "first")
    try:
        wait_for(lambda: STARTED in log_text(tmp_path / "da"), 90, "the first start's sandbox")
        wait_for(lambda: len(children_of(app.pid)) >= 2, 90, "the conversion processes")
        yield app
    finally:
        if app.poll() is None:
            app.kill()
            app.wait(10)


def test_a_second_start_hands_over_to_the_first_and_exits(
    tmp_path: Path, first: subprocess.Popen[bytes]
) -> None:
    second = start_app(["--sandbox", "--data-dir", str(tmp_path / "da")], tmp_path / "second")
    try:
        assert second.wait(60) == 0
    finally:
        if second.poll() is None:
            second.kill()
            second.wait(10)
    said = (tmp_path / "second.out").read_text(encoding="utf-8")
    assert "already running on this data folder" in said and "brought to the front" in said
    assert f"process {first.pid}" in said
    assert "Traceback" not in (tmp_path / "second.err").read_text(encoding="utf-8")
    log = log_text(tmp_path / "da")
    assert f"another start (process {second.pid}) on this data folder asked for this window: raised it" in log
    assert log.count(STARTED) == 1  # the second never started a sandbox of its own
    assert first.poll() is None  # and the first keeps running


def test_sigterm_quits_like_quit_and_takes_the_conversion_processes_along(
    tmp_path: Path, first: subprocess.Popen[bytes]
) -> None:
    children = children_of(first.pid)
    os.kill(first.pid, signal.SIGTERM)
    assert first.wait(60) == 0  # quit, not killed by the signal (that would be -15)
    assert wait_gone(children, timeout=15) == []
    assert "SIGTERM received: quitting as File ▸ Quit does" in log_text(tmp_path / "da")
    assert "Traceback" not in (tmp_path / "first.err").read_text(encoding="utf-8")


def test_after_kill_9_nothing_stays_and_the_next_start_takes_the_folder_over(
    tmp_path: Path, first: subprocess.Popen[bytes]
) -> None:
    children = children_of(first.pid)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    assert wait_gone(children, timeout=15) == []
    # the lock of a dead process is taken over: the next start runs (its self-test lists the samples)
    again = start_app(
        ["--sandbox", "--data-dir", str(tmp_path / "da")], tmp_path / "again", ASSISTANT_SELF_TEST="1"
    )
    try:
        assert again.wait(120) == 0
    finally:
        if again.poll() is None:
            again.kill()
            again.wait(10)
    assert "self-test: ok" in (tmp_path / "again.out").read_text(encoding="utf-8")
    assert "already running" not in (tmp_path / "again.out").read_text(encoding="utf-8")
