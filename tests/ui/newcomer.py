"""The window as a newcomer finds it, on a real X server: a first run offline on the sandbox, the two
samples and a third file attached, one question answered; then what the window looks like (a
screenshot) and how its parts are laid out (figures, for tests/ui/test_screen_sizes.py).

Run under Xvfb at the screen size to look at (the README's pictures are made so):

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python -m tests.ui.newcomer --theme dark \\
        --shot assets/screenshots/main-1366x768-dark.png

The window opens as the app opens it on that screen (a first run: fitted to it), and the whole screen
is saved, so what does not fit shows. ``--measure FILE`` writes the layout's figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

QUESTION = "How often should the panels be cleaned, and who may work remotely?"
THIRD_FILE = "quarterly-maintenance-log-for-the-north-field.txt"


def _wait(done: Callable[[], bool], timeout: float = 60.0) -> bool:
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        QApplication.processEvents()
        if done():
            return True
        time.sleep(0.02)
    return False


def drive(window: Any, folder: Path, question: str) -> None:
    """Attach every listed file (the samples and one more) and ask one question, as a person would."""
    from PySide6.QtWidgets import QApplication, QDialog

    third = folder / THIRD_FILE
    third.write_text(
        "North field maintenance log. The inverters were inspected in March; panel rows 4 to 9 were "
        "cleaned twice this quarter after dust storms.\n",
        "utf-8",
    )
    if not _wait(lambda: window.files_model.rowCount() >= 2):
        raise SystemExit("the samples were not listed")
    for widget in QApplication.topLevelWidgets():  # the first run's key dialog: keep the sandbox
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.reject()
    window.add_paths([third])
    if not _wait(lambda: window.files_model.rowCount() >= 3):
        raise SystemExit("the third file was not uploaded")
    window.files_panel.table.selectAll()
    window.files_panel.ask_selected()
    chat = window.chat_panel
    _wait(lambda: len(chat.attached_files()) >= 3, 20)
    chat.ask(question)
    _wait(lambda: chat.is_streaming, 10)
    _wait(lambda: not chat.is_streaming, 120)
    _wait(lambda: False, 1.0)  # the last repaints


def cite(window: Any, number: int) -> None:
    """Open the last answer's citation ``number`` in the source pane, as a click on its mark does."""
    from PySide6.QtWidgets import QLabel

    chat = window.chat_panel
    turn = chat.controller.turns[-1]
    chat.citing.open(turn.id, number)
    label = window.findChild(QLabel, "sourcePageLabel")
    if not _wait(lambda: label.isVisible() and label.text() not in ("", "Opening…"), 30):
        raise SystemExit("the source pane did not show the citation")
    _wait(lambda: False, 1.0)  # the last repaints


def _fits(label: Any) -> bool:
    return bool(label.fontMetrics().horizontalAdvance(label.text()) <= label.width())


def _whole(widget: Any) -> bool:
    """Not cut by any parent (a scroll area's viewport, the window's edge)."""
    from PySide6.QtCore import QPoint, QRect

    window = widget.window()
    mine = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    seen, parent = QRect(mine), widget.parentWidget()
    while parent is not None:
        seen = seen.intersected(QRect(parent.mapTo(window, QPoint(0, 0)), parent.size()))
        parent = parent.parentWidget() if parent is not window else None
    return seen == mine


def measure(window: Any) -> dict[str, Any]:
    """Where the parts are, in the window's own pixels (device-independent)."""
    from PySide6.QtGui import QFont, QFontMetrics

    from assistant.ui.chat.composer import Chip
    from assistant.ui.files_model import Col

    chat, table = window.chat_panel, window.files_panel.table
    header, proxy = table.horizontalHeader(), window.files_panel.proxy
    bold = QFont(table.font())
    bold.setBold(True)
    names = [str(proxy.index(row, Col.NAME).data()) for row in range(proxy.rowCount())]
    icon = table.iconSize().width() if table.iconSize().isValid() else 16
    need = {name: QFontMetrics(bold).horizontalAdvance(name) + icon + 10 for name in names}
    last = max(
        (c for c in range(header.count()) if not header.isSectionHidden(c)), key=header.sectionPosition
    )
    frame, free = window.frameGeometry(), window.screen().availableGeometry()
    chips = [c for c in chat.findChildren(Chip) if not c.isHidden()]
    chat.composer.show_status("Attached 3 files to the conversation")  # a passing note beside the totals
    _wait(lambda: False, 0.3)
    return {
        "screen": [free.x(), free.y(), free.width(), free.height()],
        "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
        "window_width": window.width(),
        "transcript_width": chat.transcript.width(),
        "conversation_list_shown": chat.conversations.isVisible(),
        "name_width": header.sectionSize(Col.NAME),
        "names_whole": sorted(name for name, width in need.items() if width <= header.sectionSize(Col.NAME)),
        "shown_columns": [c for c in range(header.count()) if not header.isSectionHidden(c)],
        "columns_right": header.sectionViewportPosition(last) + header.sectionSize(last),
        "table_viewport_width": table.viewport().width(),
        "chips": len(chips),
        "chips_whole": sum(_whole(c) for c in chips),
        "totals": chat.totals_label.text(),
        "totals_whole": _fits(chat.totals_label),
        "model_whole": chat.composer.model_picker.width() >= chat.composer.model_picker.sizeHint().width(),
        **_source(window),
    }


def _source(window: Any) -> dict[str, Any]:
    """The source pane, where a citation is open: its width and the page's zoom."""
    from PySide6.QtWidgets import QLabel

    pane = window.source.pane
    if not pane.isVisible():
        return {"source_shown": False}
    return {
        "source_shown": True,
        "source_width": pane.width(),
        "source_page": window.findChild(QLabel, "sourcePageLabel").text(),
        "source_zoom": pane.page_view.zoom_percent,
        "files_width": window.splitter.sizes()[0],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shot", type=Path, help="save a screenshot here (PNG)")
    parser.add_argument("--measure", type=Path, help="write the layout's figures here (JSON)")
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument(
        "--cite", type=int, default=0, help="then open the answer's citation N in the source pane"
    )
    args = parser.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    from assistant.app import build_main_window
    from assistant.secrets import KeyStore
    from assistant.settings import Theme
    from assistant.ui.theme import apply_theme
    from tests.support import MemoryKeyring

    with tempfile.TemporaryDirectory() as tmp:
        window = build_main_window(
            ["--data-dir", str(Path(tmp) / "data"), "--sandbox"],
            key_store=KeyStore(environ={}, backend=MemoryKeyring()),
        )
        apply_theme(Theme(args.theme))
        try:
            drive(window, Path(tmp), args.question)
            if args.cite:
                cite(window, args.cite)
            if args.shot is not None:
                args.shot.parent.mkdir(parents=True, exist_ok=True)
                window.screen().grabWindow(0).save(str(args.shot))
                print(f"saved {args.shot}")
            if args.measure is not None:
                args.measure.write_text(json.dumps(measure(window), indent=1), "utf-8")
            QApplication.processEvents()
        finally:
            window.close()
            window.composition.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
