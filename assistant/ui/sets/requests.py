"""What the sets sidebar asks for, done: ``SetRequests`` opens the dialogs (a new set's name,
instructions, linking a folder, deleting a set, its sync details, the storage view) and hands what
they say to the controllers. Nothing here reads the catalog on the GUI thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox

from assistant.api.errors import CancelToken
from assistant.catalog import FileRecord, FileState
from assistant.ui.sets.dialogs import InstructionsDialog, LinkFolderDialog, NameDialog
from assistant.ui.sets.sidebar import SetAction

if TYPE_CHECKING:
    from assistant.ui.main_window import MainWindow
    from assistant.ui.sets.wiring import DocumentSets

__all__ = ["SetRequests"]


class SetRequests(QObject):
    def __init__(self, parts: DocumentSets, window: MainWindow) -> None:
        super().__init__(parts)
        self._parts, self._window = parts, window

    def requested(self, action: str, set_id: int) -> None:
        w, view = self._window, self._parts.sets.snapshot.view(set_id)
        act = SetAction(action)
        if act is SetAction.NEW:
            self.new_set_dialog()
            return
        if view is None:
            return
        selected = [r.id for r in w.selection.records]
        if act is SetAction.ASK:
            self._parts.conversations.ask(set_id)
        elif act is SetAction.REVIEW:
            self._review(set_id)
        elif act is SetAction.ADD_SELECTED:
            self._parts.sets.add(set_id, selected)
        elif act is SetAction.REMOVE_SELECTED:
            self._parts.sets.remove(set_id, selected)
        elif act is SetAction.RENAME:
            self._parts.sidebar.rename(set_id)
        elif act is SetAction.INSTRUCTIONS:
            dialog = InstructionsDialog(view.name, view.instructions, w)
            dialog.saved.connect(lambda text: self._parts.sets.set_instructions(set_id, text))
            dialog.open()
        elif act is SetAction.LINK:
            link = LinkFolderDialog(view.name, view.folder or "", view.patterns or _defaults(), w)
            link.linked.connect(
                lambda path, pats: self._parts.sync.link(set_id, path, pats, self._parts.sets.reload)
            )
            link.open()
        elif act is SetAction.UNLINK:
            self._parts.sync.unlink(set_id, self._parts.sets.reload)
        elif act is SetAction.DETAILS:
            self.open_details(set_id)
        elif act is SetAction.RETRY:
            self._parts.sync.retry(set_id)
        elif act is SetAction.DELETE:
            self._confirm_delete(set_id, view.name, view.files)
        elif act is SetAction.DELETE_FILES:
            self._clean_up_set(set_id)

    def new_set_dialog(self) -> NameDialog:
        w = self._window
        records = list(w.selection.records)
        n = len(records)
        explain = (
            f"A set of the {n} selected files."
            if n
            else "An empty set: drag files onto it, or link a folder."
        )
        dialog = NameDialog("New set", "", explain, w)
        dialog.named.connect(
            lambda name: self._parts.sets.create(
                name, [r.id for r in records], then=self._parts.choose_when_listed
            )
        )
        dialog.open()
        return dialog

    def _confirm_delete(self, set_id: int, name: str, files: int) -> QMessageBox:
        box = QMessageBox(self._window)
        box.setObjectName("deleteSetBox")
        box.setWindowTitle("Delete set")
        kept = "Its file is" if files == 1 else f"Its {files} files are"
        box.setText(
            f"Delete the set “{name}”? {kept} kept (in All files and other sets)."
            if files
            else f"Delete the set “{name}”? It holds no files."
        )
        keep = box.addButton("Delete the set", QMessageBox.ButtonRole.AcceptRole)
        also = box.addButton("Delete the set and clean up its files…", QMessageBox.ButtonRole.DestructiveRole)
        also.setEnabled(files > 0)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def clicked(button: object) -> None:
            if button is also:
                self._clean_up_set(set_id, then_delete=True)
            elif button is keep:
                self._parts.sets.delete(set_id)

        box.buttonClicked.connect(clicked)
        box.open()
        return box

    def _clean_up_set(self, set_id: int, then_delete: bool = False) -> None:
        """The set's files in the existing Clean up dialog, selected (nothing is deleted before OK)."""
        store = self._window.ctx.store

        def work(_t: CancelToken) -> list[FileRecord]:
            return store.set_records(set_id, [FileState.ACTIVE, FileState.EXPIRED, FileState.MISSING])

        def got(records: list[FileRecord]) -> None:
            if then_delete:
                self._parts.sets.delete(set_id)
            if records:
                self._parts.sidebar.choose(None)
                self._window.delete_files(records)

        self._parts.sets.run(work, on_result=got, name="set-files-for-cleanup")

    def _review(self, set_id: int) -> None:
        """The set's active files, read in a worker, handed on to whoever opens reviews."""
        store = self._window.ctx.store

        def work(_t: CancelToken) -> list[FileRecord]:
            return store.set_records(set_id, [FileState.ACTIVE])

        self._parts.sets.run(work, on_result=self._parts.review_requested.emit, name="set-files-for-review")

    def open_details(self, set_id: int) -> None:
        from assistant.ui.sets.details import SyncDetailsDialog, read_sync

        store, w = self._window.ctx.store, self._window

        def show(sync: object) -> None:
            dialog = SyncDetailsDialog(sync, w)  # type: ignore[arg-type]
            dialog.retry_requested.connect(self._parts.sync.retry)
            dialog.rescan_requested.connect(self._parts.sync.rescan)
            dialog.cleanup_requested.connect(w.delete_files)
            dialog.open()
            self.details = dialog

        self._parts.sets.run(lambda _t: read_sync(store, set_id), on_result=show, name="read-sync-details")

    def open_storage(self) -> None:
        from assistant.catalog.set_records import SetStorage
        from assistant.ui.sets.details import StorageDialog, StorageRow, read_storage

        store, w = self._window.ctx.store, self._window

        def show(found: tuple[list[StorageRow], SetStorage]) -> None:
            rows, total = found
            self.storage = StorageDialog(rows, total, w)
            self.storage.open()

        self._parts.sets.run(lambda _t: read_storage(store), on_result=show, name="read-storage")


def _defaults() -> tuple[str, ...]:
    from assistant.catalog.set_records import DEFAULT_IGNORE_PATTERNS

    return DEFAULT_IGNORE_PATTERNS
