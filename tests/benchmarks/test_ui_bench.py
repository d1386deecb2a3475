"""Window benchmarks (``make bench``): time to first paint against a bare PySide6 window, GUI-thread
stalls while files upload and while a 50-page .docx and a 10,000-row .xlsx convert, and the files
table with 10,000 rows. Each figure is printed with its baseline, measured in the same run, then
checked against the issue's limit.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from assistant.catalog import FileOrigin, FileRecord, FileState
from assistant.ui.files_model import FilesModel
from assistant.ui.files_panel import FilesPanel
from tests.benchmarks.stalls import StallProbe
from tests.support import SANDBOX_KEY

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def _report(title: str, lines: list[str]) -> None:
    print(f"\n== {title}")
    for line in lines:
        print(f"   {line}")


# ------------------------------------------------------------------------------ first paint

_PAINT_PROBE = textwrap.dedent(
    """
    from PySide6.QtCore import QEvent, QObject, QTimer

    class _FirstPaint(QObject):
        # "PAINTED" at the first paint of anything; then, for the app, "TABLE" when the files table
        # itself has painted (the window fully assembled), and quit.
        painted = False

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                import sys
                if not self.painted:
                    self.painted = True
                    print("PAINTED", "anthropic" in sys.modules, flush=True)
                    if not WAIT_FOR_TABLE:
                        QTimer.singleShot(0, QApplication.instance().quit)
                parent = obj.parent()
                if WAIT_FOR_TABLE and parent is not None and parent.objectName() == "fileTable":
                    print("TABLE", "anthropic" in sys.modules, flush=True)
                    QApplication.instance().removeEventFilter(self)
                    QTimer.singleShot(0, QApplication.instance().quit)
            return False
    """
)

_BARE = (
    "from PySide6.QtWidgets import QApplication, QMainWindow\nWAIT_FOR_TABLE = False\n"
    + _PAINT_PROBE
    + textwrap.dedent(
        """
        app = QApplication([])
        window = QMainWindow()
        window.resize(1280, 800)
        probe = _FirstPaint()
        app.installEventFilter(probe)
        window.show()
        app.exec()
        """
    )
)

_APP = (
    "from PySide6.QtWidgets import QApplication\nWAIT_FOR_TABLE = True\n"
    + _PAINT_PROBE
    + textwrap.dedent(
        """
        import sys
        from assistant.app import build_main_window

        app = QApplication([])
        probe = _FirstPaint()
        app.installEventFilter(probe)  # before the window exists: its very first paint counts
        # offline (--sandbox): the sandbox's own key is used, the keyring is never read
        window = build_main_window(["--data-dir", sys.argv[1], "--sandbox"])
        app.exec()
        """
    )
)


def _time_to_paint(script: str, *args: str) -> tuple[float, bool, float]:
    """(seconds to the first paint, anthropic imported by then, seconds to the files table's paint)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - start
    table = proc.stdout.readline()
    assembled = time.perf_counter() - start
    proc.communicate(timeout=60)
    assert line.startswith("PAINTED"), f"no paint: {line!r}"
    return elapsed, line.split()[1] == "True", assembled if table.startswith("TABLE") else float("nan")


def test_time_to_first_paint_against_a_bare_window(tmp_path: Path) -> None:
    bare: list[float] = []
    app: list[float] = []
    full: list[float] = []
    imported: list[bool] = []
    _time_to_paint(_BARE)  # warm the file cache
    _time_to_paint(_APP, str(tmp_path / "warm"))
    for i in range(5):
        bare.append(_time_to_paint(_BARE)[0])
        seconds, had_anthropic, assembled = _time_to_paint(_APP, str(tmp_path / f"run{i}"))
        app.append(seconds)
        full.append(assembled)
        imported.append(had_anthropic)
    ratio = statistics.median(app) / statistics.median(bare)
    _report(
        "time to first paint (process start -> first paint event, median of 5)",
        [
            f"bare PySide6 QMainWindow: {statistics.median(bare) * 1000:.0f} ms",
            f"Document Assistant, first paint (the window's shell at its size, title, status bar): "
            f"{statistics.median(app) * 1000:.0f} ms",
            "Document Assistant, files table painted (fully assembled): "
            f"{statistics.median(full) * 1000:.0f} ms "
            f"(ratio {statistics.median(full) / statistics.median(bare):.2f}, not limited)",
            f"ratio: {ratio:.2f} (limit 1.5); anthropic imported before the paint: {any(imported)}",
        ],
    )
    assert not any(imported), "the window must paint before anthropic is imported"
    assert ratio <= 1.5


# ---------------------------------------------------------------------------- GUI stalls


def _long_answer(store: Any, conversation_id: int, tokens: int, per_second: float) -> Callable[..., Any]:
    """Chat events of a 10,000-token answer (Markdown-ish pieces), paced, for the pane's real path."""
    from assistant.api.chat import Done, Started, TextDelta
    from assistant.catalog import TurnState, Usage

    words = ["the", "inverter", "panels", "budget", "**", "report", "\n\n", "- ", "page", "expiry"]
    pieces = [
        words[i % len(words)] + ("" if words[i % len(words)] in ("**", "- ", "\n\n") else " ")
        for i in range(tokens)
    ]

    def events(token: Any) -> Iterator[object]:
        turn = store.start_turn(conversation_id, "Tell me everything.", "claude-sonnet-5-5")
        yield Started(turn)
        start = time.perf_counter()
        for i, piece in enumerate(pieces):
            delay = start + i / per_second - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            yield TextDelta(piece)
        usage = Usage(input_tokens=100, output_tokens=tokens)
        done = store.finish_turn(turn.id, state=TurnState.COMPLETE, answer="".join(pieces), usage=usage)
        yield Done(done, usage, None, "end_turn")

    return events


def test_gui_thread_never_stalls_while_20_files_upload_and_an_answer_streams(
    qtbot: Any, sandbox: Any, tmp_path: Path
) -> None:
    from assistant.app import build_main_window
    from assistant.secrets import KeyStore
    from tests.support import MemoryKeyring, drop

    folder = tmp_path / "docs"
    folder.mkdir()
    line = "The quick brown fox jumps over the lazy dog, and the inspection is due in October.\n"
    for i in range(20):
        (folder / f"doc-{i:02d}.txt").write_text(f"Document {i}\n" + line * 25_000, "utf-8")  # ~2 MB each
    window = build_main_window(
        ["--data-dir", str(tmp_path / "app"), "--base-url", sandbox.base_url],
        key_store=KeyStore(environ={"ANTHROPIC_API_KEY": SANDBOX_KEY}, backend=MemoryKeyring()),
    )
    try:
        qtbot.waitUntil(lambda: window.session.services is not None, timeout=20_000)
        probe = StallProbe()
        idle = probe.idle(qtbot)

        # 1. twenty files upload
        started = probe.measure()
        drop(window.files_panel.table.viewport(), [folder])
        qtbot.waitUntil(lambda: window.files_model.rowCount() == 20, timeout=60_000)
        uploads = probe.stop()
        upload_seconds = time.perf_counter() - started

        # 2. the same again (new content) while a 10,000-token answer streams through the chat pane
        for i in range(20):
            (folder / f"doc-{i:02d}.txt").write_text(f"Revised {i}\n" + line * 25_000, "utf-8")
        chat = window.chat_panel
        store = window.ctx.store
        conversation = store.create_conversation("Bench", "claude-sonnet-5-5")
        with qtbot.waitSignal(chat.controller.shown, timeout=20_000):
            chat.controller.open(conversation.id)  # the pane's own streaming path, fed paced events
        started = probe.measure()
        chat.answer.start(
            conversation.id,
            "Tell me everything.",
            "claude-sonnet-5-5",
            _long_answer(store, conversation.id, 10_000, 2000.0),
        )
        drop(window.files_panel.table.viewport(), [folder])
        qtbot.waitUntil(lambda: window.files_model.rowCount() == 40, timeout=60_000)
        qtbot.waitUntil(lambda: not chat.is_streaming and not chat.is_rendering, timeout=60_000)
        both = probe.stop()
        both_seconds = time.perf_counter() - started
        _report(
            "GUI thread while files upload and an answer streams (5 ms timer probe, longest gap)",
            [
                f"idle baseline: {idle * 1000:.1f} ms",
                f"20 files (40 MB) uploading, {upload_seconds:.1f} s: {uploads * 1000:.1f} ms "
                f"(limit 50 ms), ratio to idle {uploads / max(idle, 1e-3):.1f}",
                f"20 more files + a 10,000-token answer at 2,000 tokens/s, {both_seconds:.1f} s: "
                f"{both * 1000:.1f} ms (limit 50 ms), ratio to idle {both / max(idle, 1e-3):.1f}",
            ],
        )
        assert "Tell me everything." in chat.transcript.toPlainText()
        assert uploads < 0.050
        assert both < 0.050
    finally:
        window.close()
        window.composition.shutdown()


# ---------------------------------------------------------------------------- 10,000 rows


def _records(n: int) -> list[FileRecord]:
    now = datetime.now(UTC)
    return [
        FileRecord(
            id=i + 1,
            file_id=f"file_{i:06d}",
            filename=f"document-{i:05d}.pdf",
            mime_type="application/pdf",
            size_bytes=1000 + i * 37,
            sha256=None,
            local_path=None,
            uploaded_at=now - timedelta(minutes=i),
            expires_at=now + timedelta(days=30, minutes=-i),
            last_used_at=None,
            state=FileState.ACTIVE,
            origin=FileOrigin.APP,
        )
        for i in range(n)
    ]


def _best(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def test_ten_thousand_files_fill_the_table_and_tick(qtbot: Any) -> None:
    model = FilesModel()
    panel = FilesPanel(model)
    qtbot.addWidget(panel)
    panel.resize(900, 600)
    panel.show()
    qtbot.waitExposed(panel)
    table = panel.table
    records = _records(10_000)
    small = records[:100]

    def fill(rows: list[FileRecord]) -> Callable[[], None]:
        def run() -> None:
            model.set_records(rows)
            panel.resort()
            table.viewport().grab()  # paints synchronously (repaint() may be deferred offscreen)

        return run

    fill_100 = _best(fill(small))
    fill_10k = _best(fill(records))

    def tick() -> None:  # what the timer does: dataChanged over one column, then the view repaints it
        model.tick()
        QApplication.processEvents()

    def full_repaint() -> None:  # the baseline: every visible cell painted again
        table.viewport().grab()

    model.set_records(small)
    tick_100 = _best(tick, 20)
    model.set_records(records)
    panel.resort()
    QApplication.processEvents()
    tick_10k = _best(tick, 20)
    repaint_10k = _best(full_repaint, 20)
    model.timer.stop()
    _report(
        "files table (model + filter proxy + view, painted)",
        [
            f"fill 100 rows: {fill_100 * 1000:.1f} ms; "
            f"fill 10,000 rows: {fill_10k * 1000:.1f} ms (limit 200 ms)",
            f"countdown tick, 100 rows: {tick_100 * 1000:.2f} ms; 10,000 rows: {tick_10k * 1000:.2f} ms "
            f"(limit 5 ms); a full repaint of the visible rows: {repaint_10k * 1000:.2f} ms "
            f"(tick/full repaint {tick_10k / max(repaint_10k, 1e-6):.2f})",
        ],
    )
    assert fill_10k < 0.200
    assert tick_10k < 0.005


# ------------------------------------------------------------------------- office conversion


def test_gui_thread_never_stalls_while_a_50_page_docx_and_a_10000_row_xlsx_convert(
    qtbot: Any, sandbox: Any, tmp_path: Path
) -> None:
    """Issue 5: converting a 50-page .docx or a 10,000-row .xlsx happens in a worker and never stalls the
    GUI thread for more than 50 ms. Both are dropped onto the real window (the path people take) and
    uploaded to the in-process sandbox; the probe runs from the drop until both converted texts are in
    the catalog and the table has painted them."""
    from assistant.app import build_main_window
    from assistant.secrets import KeyStore
    from assistant.ui.controllers.uploads import JobState
    from tests.benchmarks.test_documents_bench import make_docx, make_xlsx  # the conversion bench's files
    from tests.support import MemoryKeyring, drop

    folder = tmp_path / "office"
    folder.mkdir()
    docx_path = folder / "fifty-pages.docx"
    make_docx(docx_path, 50)
    xlsx_path = folder / "ten-thousand-rows.xlsx"
    make_xlsx(xlsx_path, 10_000)
    sources = {docx_path.name, xlsx_path.name}
    window = build_main_window(
        ["--data-dir", str(tmp_path / "app"), "--base-url", sandbox.base_url],
        key_store=KeyStore(environ={"ANTHROPIC_API_KEY": SANDBOX_KEY}, backend=MemoryKeyring()),
    )
    try:
        qtbot.waitUntil(lambda: window.session.services is not None, timeout=20_000)
        probe = StallProbe()
        idle = probe.idle(qtbot)

        def converted() -> dict[str, FileRecord]:
            return {r.original_name: r for r in window.files_model.records() if r.original_name in sources}

        idle_ticks = probe.ticks
        started = probe.measure()
        drop(window.files_panel.table.viewport(), [docx_path, xlsx_path])
        qtbot.waitUntil(lambda: len(converted()) == 2, timeout=90_000)
        in_catalog = time.perf_counter() - started
        qtbot.wait(300)  # the table paints the new rows; that counts too
        stall = probe.stop()
        ticks = probe.ticks - idle_ticks

        records = converted()
        docx_text = Path(records[docx_path.name].kept_path or "").read_text("utf-8")
        xlsx_text = Path(records[xlsx_path.name].kept_path or "").read_text("utf-8")
        assert "## Section 50" in docx_text and "| r4c0p50 | r4c1p50 | r4c2p50 | r4c3p50 |" in docx_text
        assert "| 10001 | 10000 | item 10000 | 12500 | cat4 | ok |" in xlsx_text
        assert {j.path.name: j.state for j in window.upload_queue.jobs()} == dict.fromkeys(
            sources, JobState.DONE
        )
        _report(
            "GUI thread while a 50-page .docx and a 10,000-row .xlsx convert and upload "
            "(5 ms timer probe, longest gap)",
            [
                f"idle baseline: {idle * 1000:.1f} ms",
                f"both dropped -> converted text in the catalog in {in_catalog:.1f} s "
                f"(.docx {docx_path.stat().st_size // 1024} KB -> {len(docx_text) // 1024} KB of text, "
                f".xlsx {xlsx_path.stat().st_size // 1024} KB -> {len(xlsx_text) // 1024} KB of text)",
                f"longest gap over {ticks} ticks: {stall * 1000:.1f} ms (limit 50 ms), "
                f"ratio to idle {stall / max(idle, 1e-3):.1f}",
            ],
        )
        assert stall < 0.050
    finally:
        window.close()
        window.composition.shutdown()
