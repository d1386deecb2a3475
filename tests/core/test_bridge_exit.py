"""Workers still running when the app quits: their reports go nowhere, and nothing prints a traceback.

PySide deletes every QObject Python owns as the application goes (``QApplication.shutdown()``, or at
interpreter exit), the task signals among them, while a worker may still be running; its report then
used to raise "Signal source has been deleted" into the worker thread. Run in a child process: the
app's exit is the thing tested.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent(
    """
    import sys, threading
    from PySide6.QtWidgets import QApplication
    from assistant.bridge import TaskRunner

    app = QApplication(sys.argv)
    gate = threading.Event()
    runners = [TaskRunner(max_threads=3) for _ in range(3)]

    def work(token):
        gate.wait(30)
        return 1

    def answer(token):
        gate.wait(30)
        yield "text"

    for runner in runners:
        for i in range(3):
            task = runner.task(work, name="upload") if i % 2 else runner.stream(answer, name="answer")
            task.signals.progress.connect(print)
            task.start()
    started = [t for r in runners for t in r.running]
    for runner in runners:
        runner.shutdown(timeout_ms=10)  # the workers do not stop in time
    # they wake while the app's objects are being deleted
    threading.Timer(0.2, gate.set).start()
    app.shutdown()
    print("quit with", len(started), "workers running", flush=True)
    """
)


def test_workers_running_at_exit_print_no_traceback(tmp_path: Path) -> None:
    script = tmp_path / "quit_mid_work.py"
    script.write_text(SCRIPT, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(Path(__file__).parents[2])}
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "quit with 9 workers running" in done.stdout
    assert "Traceback" not in done.stderr and "RuntimeError" not in done.stderr, done.stderr
