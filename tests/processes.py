"""Real processes for the tests of starting, quitting and killing the app: start it (offscreen, its
output in files, never pipes a stray child could hold open), find its children, wait for them to go.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["alive", "children_of", "start_app", "wait_for", "wait_gone"]

ROOT = Path(__file__).resolve().parent.parent


def app_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "ASSISTANT_"))}
    env.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), **extra)
    return env


def start_app(
    args: Sequence[str], out: Path, *, prefix: Sequence[str] = (), **env: str
) -> subprocess.Popen[bytes]:
    """``python -m assistant ARGS`` with stdout and stderr in ``out``.out / ``out``.err."""
    with open(f"{out}.out", "wb") as stdout, open(f"{out}.err", "wb") as stderr:
        return subprocess.Popen(
            [*prefix, sys.executable, "-m", "assistant", *args],
            stdout=stdout,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            cwd=ROOT,
            env=app_env(**env),
        )


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # after "pid (comm) ": state, ppid, ...


def alive(pid: int) -> bool:
    """Running (a zombie waiting for a parent that never reaps is gone, not alive)."""
    fields = _stat(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None and int(fields[1]) == pid and fields[0] not in ("Z", "X"):
                found.append(int(entry.name))
    return found


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.1)


def wait_gone(pids: Sequence[int], timeout: float) -> list[int]:
    """Waits up to ``timeout`` seconds; returns the pids still alive (empty: all gone)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = [pid for pid in pids if alive(pid)]
        if not left:
            return []
        time.sleep(0.1)
    return [pid for pid in pids if alive(pid)]
