"""Open a local PDF at a page: with a viewer that takes a page argument when one is installed.

Desktop "open" (``QDesktopServices``) cannot ask for a page: most viewers ignore a ``#page=N`` fragment.
On Linux the common viewers take a page on their command line, so the first one found on ``PATH`` is
started detached (never waited for); elsewhere, or with none of them, the system's default viewer opens
the file at its start.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QProcess, QUrl
from PySide6.QtGui import QDesktopServices

from assistant.catalog import FileRecord
from assistant.catalog.identity import known_name

__all__ = ["local_copy", "open_file", "open_local", "page_command", "show_in_folder"]

# viewer -> its arguments for "this file at this 1-based page"
_VIEWERS: tuple[tuple[str, Callable[[str, int], list[str]]], ...] = (
    ("evince", lambda f, p: [f"--page-index={p}", f]),
    ("okular", lambda f, p: ["-p", str(p), f]),
    ("atril", lambda f, p: [f"--page-index={p}", f]),
    ("xreader", lambda f, p: [f"--page-index={p}", f]),
    ("zathura", lambda f, p: ["-P", str(p), f]),
    ("qpdfview", lambda f, p: ["--unique", f"{f}#{p}"]),
    ("mupdf", lambda f, p: [f, str(p)]),
)


def page_command(
    path: str, page: int, *, which: Callable[[str], str | None] = shutil.which, platform: str = sys.platform
) -> list[str] | None:
    """The command line that opens ``path`` at ``page`` (1-based), or None when no known viewer is here."""
    if not platform.startswith("linux") or page < 1:
        return None
    for name, args in _VIEWERS:
        program = which(name)
        if program:
            return [program, *args(path, page)]
    return None


def open_file(path: str, page: int | None = None) -> None:
    """Open ``path`` (a PDF at ``page`` when one is given and a viewer can do it); never blocks."""
    if page is not None and Path(path).suffix.lower() == ".pdf":
        command = page_command(path, page)
        if command is not None and QProcess.startDetached(command[0], command[1:])[0]:
            return
    QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def local_copy(record: FileRecord | None, say: Callable[[str], object]) -> Path | None:
    """The file's local copy on this computer, or None after ``say``-ing why there is none."""
    if record is None or not record.local_path:
        say("There is no local copy of that file on this computer.")
        return None
    path = Path(record.local_path)
    if not path.exists():
        say(f"The local copy of {known_name(record)} is not on this computer.")
        return None
    return path


def show_in_folder(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


def open_local(
    record: FileRecord | None,
    say: Callable[[str], object],
    *,
    page: int | None = None,
    in_folder: bool = False,
) -> None:
    """Open the record's local copy (at ``page`` where the viewer takes one), or show it in its
    folder; ``say`` tells why not when there is none."""
    path = local_copy(record, say)
    if path is not None and in_folder:
        show_in_folder(path)
    elif path is not None:
        open_file(str(path), page)
