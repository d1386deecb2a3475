"""Source pane benchmarks (``make bench``, issue 13): a citation to its highlighted PDF page painted,
beside ``pdftoppm`` rendering the same page at the same size in the same run; a 2,000-page PDF opened
at its 1,000th page with the growth of peak memory; a 50 MB log opened at a citation near its end, with
the GUI thread's share of the work. Each figure is printed with its baseline, then checked against the
issue's limit.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from assistant.bridge import TaskRunner
from assistant.catalog import Citation, CitationKind, FileOrigin, FileRecord, FileState
from assistant.ui.chat.citing import CitedSource
from assistant.ui.source.controller import Opened, SourceController
from assistant.ui.source.pane import SourcePane
from tests.helpers_pdf import write_pdf

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")

RUNS = 7
WORDS = "the panels were inspected and cleaned after the storm while the inverters logged their output"


def _report(title: str, lines: list[str]) -> None:
    print(f"\n== {title}")
    for line in lines:
        print(f"   {line}")


def _record(path: Path, mime: str) -> FileRecord:
    return FileRecord(
        1, "file_1", path.name, mime, path.stat().st_size, None, str(path), datetime.now(UTC), None, None,
        FileState.ACTIVE, FileOrigin.APP, kept_path=str(path),
    )  # fmt: skip


def _cited(path: Path, mime: str, kind: CitationKind, text: str, span: tuple[int, int]) -> CitedSource:
    citation = Citation(kind, text, 0, path.name, "file_1", *span)
    return CitedSource(_record(path, mime), citation, 1, 1, (citation,))


class _Pane:
    """A pane and its controller, wired as the window wires them, at a typical size."""

    def __init__(self, runner: TaskRunner) -> None:
        self.pane = SourcePane()
        self.pane.resize(560, 720)
        self.pane.show()
        self.controller = SourceController(runner)
        self.gui_seconds = 0.0
        self.done = False
        self.controller.opened.connect(self._show)
        self.controller.page_shown.connect(self.pane.page_turned)

    def _show(self, opened: Opened) -> None:
        start = time.perf_counter()
        self.pane.show_opened(opened)
        self.pane.repaint()  # painted, highlight included
        self.gui_seconds += time.perf_counter() - start
        self.done = True

    def open(self, qtbot: Any, cited: CitedSource) -> float:
        """Seconds from the click to the page painted."""
        self.done, self.gui_seconds = False, 0.0
        start = time.perf_counter()
        t = time.perf_counter()
        self.pane.show_opening(cited)
        fit = self.pane.page_view.fit()
        self.controller.open(cited, fit)
        self.gui_seconds += time.perf_counter() - t
        qtbot.waitUntil(lambda: self.done, timeout=60_000)
        return time.perf_counter() - start

    def close(self) -> None:
        self.controller.close()
        self.pane.close()


def _vm(field: str) -> int:
    """A field of /proc/self/status in bytes (VmRSS, VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise AssertionError(field)


def test_bench_citation_to_highlighted_pdf_page(qtbot: Any, tmp_path: Path) -> None:
    lines = [f"{n:02d}. {WORDS}." for n in range(1, 49)]
    pdf = write_pdf(tmp_path / "typical.pdf", [lines, lines, lines])
    cited_text = lines[20] + " " + lines[21]
    runner = TaskRunner(max_threads=2)
    clicks = []
    try:
        for _ in range(RUNS):
            pane = _Pane(runner)  # a fresh controller: the PDF is opened each time
            clicks.append(
                pane.open(qtbot, _cited(pdf, "application/pdf", CitationKind.PAGE, cited_text, (2, 3)))
            )
            view = pane.pane.page_view
            assert view.rects, "the passage is highlighted"
            width, height = view.canvas.image.width(), view.canvas.image.height()
            pane.close()
    finally:
        assert runner.shutdown(10_000)
    click = statistics.median(clicks)
    lines_out = [
        f"citation click to the highlighted page painted ({width}x{height} px): {click * 1000:.1f} ms"
    ]
    pdftoppm = shutil.which("pdftoppm")
    baseline = None
    if pdftoppm is not None:
        runs = []
        for _ in range(RUNS):
            start = time.perf_counter()
            subprocess.run(
                [pdftoppm, "-f", "2", "-l", "2", "-scale-to-x", str(width), "-scale-to-y", str(height),
                 str(pdf), str(tmp_path / "page")],
                check=True,
            )  # fmt: skip
            runs.append(time.perf_counter() - start)
        baseline = statistics.median(runs)
        lines_out.append(
            f"pdftoppm, the same page at the same size (to a file): {baseline * 1000:.1f} ms; "
            f"the click takes {click / baseline:.2f}x that (target: at most 2x)"
        )
    else:
        lines_out.append("pdftoppm is not installed here (apt: poppler-utils): no baseline in this run")
    _report("Source pane: a PDF citation", lines_out)
    if baseline is None:
        pytest.skip("no pdftoppm to measure the click against (apt: poppler-utils)")
    assert click <= 2 * baseline, f"the click took {click / baseline:.2f}x pdftoppm"


def test_bench_a_2000_page_pdf_at_its_1000th_page(qtbot: Any, tmp_path: Path) -> None:
    pages = [[f"Page {n}. {WORDS}."] * 30 for n in range(1, 2001)]
    pdf = write_pdf(tmp_path / "long.pdf", pages)
    runner = TaskRunner(max_threads=2)
    pane = _Pane(runner)
    try:
        QApplication.processEvents()
        Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from here
        before = _vm("VmRSS")
        seconds = pane.open(
            qtbot, _cited(pdf, "application/pdf", CitationKind.PAGE, f"Page 1000. {WORDS}.", (1000, 1001))
        )
        for index in (1000, 1001, 998):  # a few pages on: memory stays flat
            with qtbot.waitSignal(pane.controller.page_shown, timeout=20_000):
                pane.controller.show_page(index, pane.pane.page_view.fit())
        growth = _vm("VmHWM") - before
        assert pane.pane.page_label.text() == "Page 999 of 2000"
    finally:
        pane.close()
        assert runner.shutdown(10_000)
    _report(
        "Source pane: a 2,000-page PDF",
        [
            f"{pdf.stat().st_size / 1e6:.1f} MB file, opened at page 1,000 and painted: "
            f"{seconds * 1000:.0f} ms",
            f"peak memory growth (opening, then three more pages): {growth / 1e6:.1f} MB (limit 100 MB)",
        ],
    )
    assert growth < 100e6


def test_bench_a_50_mb_log_at_a_citation_near_its_end(qtbot: Any, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    line = "2024-05-01 12:00:00 INFO worker-3 " + WORDS + "\n"
    count = 50_000_000 // len(line)
    target = "2024-05-01 12:00:01 ERROR worker-7 the disk array reported a failed drive in bay 4\n"
    at = len(line) * (count - 20)
    with log.open("w", encoding="utf-8") as out:
        out.write(line * (count - 20) + target + line * 19)
    # the baseline, in this run: reading the log from disk and decoding it once (the pane does that in
    # a worker; the GUI thread's part should stay of that order, not grow with the file to seconds)
    reads = []
    for _ in range(3):
        start = time.perf_counter()
        log.read_text("utf-8")
        reads.append(time.perf_counter() - start)
    read = statistics.median(reads)
    runner = TaskRunner(max_threads=2)
    pane = _Pane(runner)
    try:
        seconds = pane.open(
            qtbot, _cited(log, "text/plain", CitationKind.CHAR, target.strip(), (at, at + len(target) - 1))
        )
        gui = pane.gui_seconds
        (highlight,) = pane.pane.text_view.extraSelections()
        assert highlight.cursor.selectedText() == target.strip()
    finally:
        pane.close()
        assert runner.shutdown(10_000)
    _report(
        "Source pane: a 50 MB log",
        [
            f"{log.stat().st_size / 1e6:.0f} MB, opened at a citation near its end: "
            f"{seconds * 1000:.0f} ms in all",
            "of which on the GUI thread (showing the text around it, highlighting, painting): "
            f"{gui * 1000:.0f} ms (the issue's target: under 1 s)",
            f"baseline, reading and decoding the file once: {read * 1000:.0f} ms; the GUI thread's part "
            f"is {gui / read:.2f}x that (at most 3x)",
        ],
    )
    assert gui <= 3 * read, f"the GUI thread worked {gui / read:.2f}x the time of reading the file"
