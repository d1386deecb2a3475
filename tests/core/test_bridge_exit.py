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


WINDOW = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from PySide6.QtWidgets import QApplication
    from assistant.app import build_main_window
    from assistant.sandbox.server import SandboxServer
    from tests.support import REPORT_TEXT, SANDBOX_KEY, drop, sandbox_keys


    def until(what, condition, timeout=60.0):
        end = time.monotonic() + timeout
        while not condition():
            QApplication.processEvents()
            time.sleep(0.005)
            if time.monotonic() > end:
                raise SystemExit(f"timed out waiting for {what}")


    def main():
        tmp = Path(sys.argv[1])
        report, notes = tmp / "lighthouse-report.txt", tmp / "notes.txt"
        report.write_text(REPORT_TEXT, encoding="utf-8")
        notes.write_text("The boiler is serviced every October.", encoding="utf-8")
        with SandboxServer(data_dir=tmp / "sandbox", api_key=SANDBOX_KEY) as sandbox:
            argv = ["--data-dir", str(tmp / "app"), "--base-url", sandbox.base_url]
            window = build_main_window(argv, key_store=sandbox_keys())
            app = QApplication.instance()
            until("the session", lambda: window.session.services is not None)
            drop(window, [report])
            until("the upload", lambda: [r.filename for r in window.files_model.records()] == [report.name])
            panel = window.chat_panel
            panel.set_attached_files(window.files_model.records())
            sandbox.tokens_per_second = 5  # the answer streams slowly ...
            # ... and the next upload is answered only after the app's 10 s wait for its workers
            sandbox.faults.set("upload:slow=12")
            panel.ask("How much did the restoration cost and who paid?")
            until("the answer", lambda: panel.is_streaming and "lighthouse" in panel.transcript.toPlainText())
            drop(window, [notes])
            until("the second upload", lambda: ("upload", "slow") in sandbox.faults.hits)
            window.close()  # mid-answer and mid-upload
            window.composition.shutdown()
            app.shutdown()
        print("closed mid-answer and mid-upload", flush=True)


    if __name__ == "__main__":  # the conversion worker is spawned: it imports this file
        main()
    """
)


def test_a_window_closed_mid_answer_and_mid_upload_quits_without_a_traceback(tmp_path: Path) -> None:
    script = tmp_path / "close_window.py"
    script.write_text(WINDOW, encoding="utf-8")
    root = Path(__file__).parents[2]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(root)}
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", "ASSISTANT_DATA_DIR"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "closed mid-answer and mid-upload" in done.stdout
    assert "Traceback" not in done.stderr and "RuntimeError" not in done.stderr, done.stderr
