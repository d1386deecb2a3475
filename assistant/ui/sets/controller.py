"""``SetsController``: the document sets, read and written in workers (``backend``), never on the GUI
thread. Reads are coalesced: while one runs, any number of further ``reload()`` calls make one more
read, a moment after it (a burst of 2,000 synced files is one read and one update of the sidebar and table).

``loaded(SetsSnapshot)`` after every read; ``said(text, ms)`` what happened or failed, for the status
bar; ``joined(set id, row ids)`` files were added to a set (the set's conversations pick them up).
``chosen`` is the set the table is filtered to (None: all files).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, QTimer, Signal

from assistant.api.errors import ApiFailure, FailureKind
from assistant.bridge import TaskRunner
from assistant.catalog import Store
from assistant.catalog.set_records import DocumentSet
from assistant.ui.controllers.base import Controller
from assistant.ui.sets.backend import SetsSnapshot, checked, read_sets
from assistant.ui.sets.views import plural

__all__ = ["SetsController"]

READ_GAP_MS = 300  # reads asked for while one runs wait this long after it (at most ~3 reads a second)


class SetsController(Controller):
    loaded = Signal(object)  # SetsSnapshot
    said = Signal(str, int)
    joined = Signal(int, list)  # (set id, catalog row ids added)

    def __init__(
        self,
        runner: TaskRunner,
        store: Store,
        parent: QObject | None = None,
        *,
        shown: Callable[[], frozenset[int]] | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._store = store
        self._shown = shown  # the rows the table lists (a set counts only those)
        self.snapshot = SetsSnapshot()
        self.chosen: int | None = None
        self.problems: dict[int, str] = {}  # set id -> what is wrong with its linked folder
        self._reading = False
        self._again = False
        self.reads = 0  # catalog reads done (the benchmark counts them)

    # -- reading -----------------------------------------------------------------------------------
    def reload(self) -> None:
        if self._reading:
            self._again = True
            return
        self._reading, self._again = True, False
        store, problems = self._store, dict(self.problems)
        shown = None if self._shown is None else self._shown()
        view = self.snapshot.view(self.chosen)
        cells_of = self.chosen if view is not None and view.folder else None
        started = self.run(
            lambda _t: read_sets(store, problems, shown=shown, cells_of=cells_of),
            on_result=self._read,
            on_ended=self._read_ended,
            name="read-sets",
        )
        if started is None:
            self._reading = False

    def _read(self, snapshot: SetsSnapshot) -> None:
        self.reads += 1
        self.snapshot = snapshot
        if self.chosen is not None and snapshot.view(self.chosen) is None:
            self.chosen = None  # deleted
        self.loaded.emit(snapshot)

    def _read_ended(self) -> None:
        self._reading = False
        if self._again and not self.closed:
            self._reading = True  # the next read starts after a short gap: a burst costs few reads
            QTimer.singleShot(READ_GAP_MS, self._read_again)

    def _read_again(self) -> None:
        self._reading = False
        if not self.closed:
            self.reload()

    def members(self, set_id: int | None) -> frozenset[int] | None:
        return None if set_id is None else self.snapshot.members.get(set_id, frozenset())

    # -- writing -----------------------------------------------------------------------------------
    def _write(
        self,
        name: str,
        work: Callable[[Store], object],
        *,
        done: Callable[[object], object] | None = None,
        said: str = "",
    ) -> None:
        store = self._store

        def ok(result: object) -> None:
            if said:
                self.said.emit(said, 6000)
            if done is not None:
                done(result)
            self.reload()

        def failed(failure: ApiFailure) -> None:
            self.said.emit(failure.message, 10000)
            self.reload()

        self.run(lambda _t: checked(lambda: work(store)), on_result=ok, on_failed=failed, name=name)

    def create(
        self, name: str, row_ids: Sequence[int] = (), then: Callable[[DocumentSet], object] | None = None
    ) -> None:
        """A new set holding these files; ``then(set)`` once it exists."""
        ids = list(dict.fromkeys(row_ids))

        def done(result: object) -> None:
            if isinstance(result, DocumentSet):
                if ids:
                    self.joined.emit(result.id, ids)
                if then is not None:
                    then(result)

        what = f"with {plural(len(ids), 'file')}" if ids else "(empty: drag files onto it)"
        self._write(
            "create-set",
            lambda s: s.create_set(name, file_ids=ids),
            done=done,
            said=f"Set “{name}” created {what}.",
        )

    def create_and_wait(self, name: str, row_ids: Sequence[int]) -> DocumentSet:
        """Create the set in a worker and return it once it exists (for automation: the GUI keeps
        painting meanwhile); raises the ``ApiFailure`` that says why it could not be made."""
        ids = list(dict.fromkeys(row_ids))
        store, loop, box = self._store, QEventLoop(), list[object]()

        def got(value: object) -> None:
            box.append(value)
            loop.quit()

        task = self.run(
            lambda _t: checked(lambda: store.create_set(name, file_ids=ids)), on_result=got, on_failed=got
        )
        if task is None:
            raise ApiFailure(FailureKind.CANCELLED, "The window is closing.")
        if not box:
            loop.exec()
        result = box[0]
        if isinstance(result, ApiFailure):
            raise result
        assert isinstance(result, DocumentSet)
        if ids:
            self.joined.emit(result.id, ids)
        self.reload()
        return result

    def rename(self, set_id: int, name: str) -> None:
        self._write("rename-set", lambda s: s.rename_set(set_id, name), said=f"Set renamed to “{name}”.")

    def delete(self, set_id: int) -> None:
        view = self.snapshot.view(set_id)
        label = f"“{view.name}”" if view else "The set"
        self._write(
            "delete-set", lambda s: s.delete_set(set_id), said=f"Set {label} deleted; its files are kept."
        )

    def add(self, set_id: int, row_ids: Sequence[int]) -> None:
        ids = list(dict.fromkeys(row_ids))
        have = self.snapshot.members.get(set_id, frozenset())
        new = [i for i in ids if i not in have]
        view = self.snapshot.view(set_id)
        name = view.name if view else "the set"
        if not new:
            self.said.emit(f"Already in “{name}”.", 5000)
            return
        self._write(
            "add-to-set",
            lambda s: s.add_to_set(set_id, new),
            done=lambda _r: self.joined.emit(set_id, new),
            said=f"{plural(len(new), 'file')} added to “{name}”.",
        )

    def remove(self, set_id: int, row_ids: Sequence[int]) -> None:
        ids = list(row_ids)
        view = self.snapshot.view(set_id)
        name = view.name if view else "the set"
        self._write(
            "remove-from-set",
            lambda s: s.remove_from_set(set_id, ids),
            said=f"{plural(len(ids), 'file')} taken out of “{name}” (the files are kept).",
        )

    def set_instructions(self, set_id: int, text: str) -> None:
        said = (
            "Instructions saved: new questions on the set follow them." if text else "Instructions removed."
        )
        self._write("set-instructions", lambda s: s.set_instructions(set_id, text), said=said)

    def link(
        self, set_id: int, folder: Path, patterns: Sequence[str], then: Callable[[], object] | None = None
    ) -> None:
        pats = list(patterns)
        self._write(
            "link-folder",
            lambda s: s.link_folder(set_id, folder, pats),
            done=lambda _r: None if then is None else then(),
            said=f"Linked to {folder}: looking through it…",
        )

    def unlink(self, set_id: int, then: Callable[[], object] | None = None) -> None:
        self._write(
            "unlink-folder",
            lambda s: s.unlink_folder(set_id),
            done=lambda _r: None if then is None else then(),
            said="The folder is no longer synced; its files stay in the set.",
        )
