"""The conversion processes never outlive the app: killed with -9, its pool's workers and resource
tracker exit on their own within a bounded wait (they used to stay, ~72 MB each time)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import ROOT, app_env, children_of, wait_for, wait_gone

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")

HOLDER = """
import sys, time
from pathlib import Path
from assistant.documents import prepare_isolated
folder = Path(sys.argv[1])
(folder / "notes.txt").write_text("The lamp flashes white every six seconds. " * 50, encoding="utf-8")
prepare_isolated(folder / "notes.txt", cache_dir=folder / "cache")
print("converted", flush=True)
time.sleep(600)
"""


def test_killing_the_app_with_9_takes_its_conversion_processes_with_it(tmp_path: Path) -> None:
    out = tmp_path / "holder.out"
    with open(out, "wb") as log:  # a file, not a pipe a lingering child could hold open
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(tmp_path)],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=app_env(),
        )
    try:
        wait_for(lambda: b"converted" in out.read_bytes(), 60, "the first conversion")
        children = children_of(holder.pid)
        assert len(children) >= 2, children  # a conversion process and the resource tracker at least
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
        assert wait_gone(children, timeout=15) == []
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(10)
