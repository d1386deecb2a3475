"""Operations on one file row that go to the API: renew (the kept copy again, a fresh expiry),
re-upload (a changed local file's current version swapped in) and a PDF sent as text or as a PDF
(``send_as``, once ``set_send_as`` gave the work). Both keep the catalog row, so the
conversations that use the file keep working.

``RowOperations(runner, files, renew=, reupload=, connected=)``: ``renew(record)`` and
``reupload(record)`` run at most one operation per row at a time, in a worker. The row says what is
happening and how it ended (``FilesController.note`` / ``replace``); ``said(text, ms)`` says it for the
status bar, and says so when there is no connection. ``busy`` is the set of rows being worked on (the
stale check leaves them alone).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from assistant.api.errors import ApiFailure, CancelToken
from assistant.bridge import TaskRunner
from assistant.catalog import FileRecord
from assistant.catalog.identity import known_name
from assistant.ui.controllers.base import Controller
from assistant.ui.controllers.files import FilesController

__all__ = ["RowOperations"]

RowWork = Callable[[int, CancelToken], FileRecord]  # (catalog row id, token) -> the row afterwards


@dataclass(frozen=True)
class _Op:
    name: str
    doing: str  # the row's note while it runs
    status: str  # the status bar's, with {name}
    done: str  # the row's note afterwards
    done_status: str  # with {name}
    not_done: str  # "was not {not_done}: why"
    current_source: bool  # what is sent afterwards is the local file as it is now


RENEW = _Op("renew", "renewing…", "Renewing {name}…", "renewed", "{name} renewed.", "renewed", False)
REUPLOAD = _Op(
    "reupload",
    "re-uploading the changed file…",
    "Re-uploading {name}…",
    "re-uploaded: the current version is in use",
    "{name}: the current version was uploaded and swapped in.",
    "re-uploaded",
    True,
)
SEND_TEXT = _Op(
    "send_text",
    "sending as text…",
    "Sending {name} as text…",
    "sent as text: citations still give its pages",
    "{name} is now sent as text (its text only: scans and figures are not seen).",
    "sent as text",
    True,
)
SEND_PDF = _Op(
    "send_pdf",
    "sending as a PDF…",
    "Sending {name} as a PDF…",
    "sent as a PDF: pages as images too",
    "{name} is now sent as a PDF (each page as an image plus its text).",
    "sent as a PDF",
    True,
)


class RowOperations(Controller):
    said = Signal(str, int)  # status text, how long to show it (ms; 0: until replaced)
    row_failed = Signal(int)  # the row id whose operation failed (a watched folder's Sync says so)

    def __init__(
        self,
        runner: TaskRunner,
        files: FilesController,
        *,
        renew: RowWork,
        reupload: RowWork,
        connected: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._files = files
        self._work = {RENEW.name: renew, REUPLOAD.name: reupload}
        self._connected = connected
        self.busy: set[int] = set()

    def renew(self, record: FileRecord) -> None:
        self._start(RENEW, record)

    def reupload(self, record: FileRecord) -> None:
        self._start(REUPLOAD, record)

    def reupload_with(self, record: FileRecord, work: RowWork) -> None:
        """Re-upload a changed file and swap it in, as ``reupload`` does, with ``work`` (a watched
        folder's: it also marks the file synced in its sets)."""
        self._start(REUPLOAD, record, work)

    def set_send_as(self, work: Callable[[int, bool, CancelToken], FileRecord]) -> None:
        """How a PDF is re-uploaded as text or as a PDF: ``work(row id, as_text, token)``."""
        self._work[SEND_TEXT.name] = lambda row, token: work(row, True, token)
        self._work[SEND_PDF.name] = lambda row, token: work(row, False, token)

    def send_as(self, record: FileRecord, as_text: bool) -> None:
        """Upload a PDF's row again as its text, or as a PDF (``set_send_as``), swapped into the row."""
        if (SEND_TEXT if as_text else SEND_PDF).name in self._work:
            self._start(SEND_TEXT if as_text else SEND_PDF, record)

    def _start(self, op: _Op, record: FileRecord, work: RowWork | None = None) -> None:
        if self.closed:
            return
        if not self._connected():
            self.said.emit("Not connected: enter an API key first.", 6000)
            return
        if record.id in self.busy:
            return
        self.busy.add(record.id)
        work = work or self._work[op.name]
        row_id, name = record.id, known_name(record)
        self._files.note(row_id, op.doing)
        self.said.emit(op.status.format(name=name), 0)

        def done(new: FileRecord) -> None:
            self._files.replace(new, op.done, current_source=op.current_source)
            self.said.emit(op.done_status.format(name=known_name(new)), 8000)

        def failed(failure: ApiFailure) -> None:
            why = failure.message
            self._files.note(row_id, f"not {op.not_done}: {why}")
            self.said.emit(f"{name} was not {op.not_done}: {why}", 15000)
            self.row_failed.emit(row_id)

        self.run(
            lambda token: work(row_id, token),
            on_result=done,
            on_failed=failed,
            on_ended=lambda: self.busy.discard(row_id),
            name=op.name,
        )
