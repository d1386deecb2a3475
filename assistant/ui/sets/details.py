"""The sets' read-only views: ``SyncDetailsDialog`` (every path of a set's linked folder that is not
synced, with why, Retry failed and clean-up of files deleted locally) and ``StorageDialog`` (how much
each set holds remotely, what expires this week, the organisation's quota as far as the API says).
Both are filled from records read in a worker; they read nothing themselves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assistant.catalog import FileRecord, Store
from assistant.catalog.set_records import (
    ORGANISATION_QUOTA,
    PathSync,
    SetStorage,
    SetSummary,
    SyncStatus,
    format_summary,
)
from assistant.ui.formatting import format_size
from assistant.ui.sets.views import plural

__all__ = ["SetSync", "StorageDialog", "StorageRow", "SyncDetailsDialog", "read_storage", "read_sync"]

SHOWN_PATHS = 2000  # more problem paths than this: the first ones, and how many more
_ORDER = {
    s: i
    for i, s in enumerate(
        (
            SyncStatus.FAILED,
            SyncStatus.MISSING,
            SyncStatus.UPLOADING,
            SyncStatus.WAITING,
            SyncStatus.SKIPPED,
            SyncStatus.SYNCED,
        )
    )
}


@dataclass(frozen=True)
class SetSync:
    set_id: int
    name: str
    folder: str
    summary: SetSummary
    paths: tuple[PathSync, ...]  # not synced, the ones that need attention first
    missing: tuple[FileRecord, ...]  # remote copies of files gone locally


def read_sync(store: Store, set_id: int) -> SetSync:
    doc_set = store.required_set(set_id)
    paths = sorted(
        (p for p in store.sync_paths(set_id) if p.state.status is not SyncStatus.SYNCED),
        key=lambda p: (_ORDER[p.state.status], str(p.path)),
    )
    return SetSync(
        set_id,
        doc_set.name,
        str(doc_set.folder or ""),
        store.set_summary(set_id),
        tuple(paths),
        tuple(store.missing_records(set_id)),
    )


class _Table(QTableWidget):
    def __init__(self, headers: Sequence[str], name: str) -> None:
        super().__init__(0, len(headers))
        self.setObjectName(name)
        self.setHorizontalHeaderLabels(list(headers))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().hide()
        self.setWordWrap(False)
        self.horizontalHeader().setStretchLastSection(True)  # the last column (why) takes what is left
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)

    def fill(self, rows: Sequence[Sequence[str]], tips: Sequence[str] = ()) -> None:
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c == 0 and r < len(tips):
                    item.setToolTip(tips[r])
                self.setItem(r, c, item)
        for c in range(self.columnCount() - 1):
            self.resizeColumnToContents(c)
            self.setColumnWidth(c, min(self.columnWidth(c), 280))
        for r in range(len(rows)):  # the last column's whole text in its tooltip
            last = self.item(r, self.columnCount() - 1)
            if last is not None and last.text():
                last.setToolTip(last.text())


class SyncDetailsDialog(QDialog):
    retry_requested = Signal(int)
    cleanup_requested = Signal(list)  # FileRecords of files deleted locally
    rescan_requested = Signal()

    def __init__(self, sync: SetSync, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncDetailsDialog")
        self.setWindowTitle(f"Sync status of “{sync.name}”")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.sync = sync
        column = QVBoxLayout(self)
        head = QLabel(f"{sync.folder}\n{format_summary(sync.summary)}")
        head.setObjectName("syncSummary")
        head.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(head)
        self.table = _Table(("File", "Sync", "Why"), "syncPaths")
        shown = sync.paths[:SHOWN_PATHS]
        root = Path(sync.folder) if sync.folder else None
        self.table.fill(
            [(_relative(p.path, root), p.state.label, p.state.message or "") for p in shown],
            [str(p.path) for p in shown],
        )
        column.addWidget(self.table, 1)
        if len(sync.paths) > SHOWN_PATHS:
            column.addWidget(QLabel(f"…and {len(sync.paths) - SHOWN_PATHS} more not shown."))
        if not sync.paths:
            column.addWidget(QLabel("Every file of the folder is synced."))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.retry_button = self._add(buttons, "Retry failed", "retrySyncButton", sync.summary.failed > 0)
        self.retry_button.clicked.connect(lambda: self.retry_requested.emit(sync.set_id))
        missing = len(sync.missing)
        self.cleanup_button = self._add(
            buttons,
            f"Clean up {plural(missing, 'file')} no longer in the folder…" if missing else "Clean up…",
            "cleanupMissingButton",
            missing > 0,
        )
        self.cleanup_button.setToolTip("Their remote copies are kept until you confirm in Clean up")
        self.cleanup_button.clicked.connect(self._clean_up)
        rescan = self._add(buttons, "Look again now", "rescanButton", True)
        rescan.clicked.connect(self.rescan_requested)
        column.addWidget(buttons)
        self.resize(620, 380)

    def _clean_up(self) -> None:
        self.cleanup_requested.emit(list(self.sync.missing))
        self.accept()

    @staticmethod
    def _add(buttons: QDialogButtonBox, text: str, name: str, enabled: bool) -> QPushButton:
        button = buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.setObjectName(name)
        button.setEnabled(enabled)
        return button


def _relative(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.relative_to(root))
        except ValueError:
            pass
    return str(path)


@dataclass(frozen=True)
class StorageRow:
    name: str
    storage: SetStorage


def read_storage(store: Store) -> tuple[list[StorageRow], SetStorage]:
    """Each set's storage, and all the active files the app knows of (as set id 0)."""
    from assistant.catalog import FileState
    from assistant.catalog.schema import now

    rows = [StorageRow(s.name, store.set_storage(s.id)) for s in store.list_sets()]
    active = store.list_files([FileState.ACTIVE])
    at = now()
    soon = tuple(
        sorted(
            (r for r in active if r.expires_at is not None and (r.expires_at - at).days < 7),
            key=lambda r: (r.expires_at, r.id),
        )
    )
    return rows, SetStorage(0, len(active), sum(r.size_bytes for r in active), soon)


class StorageDialog(QDialog):
    def __init__(self, rows: Sequence[StorageRow], total: SetStorage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storageDialog")
        self.setWindowTitle("Storage")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        column = QVBoxLayout(self)
        self.table = _Table(("Set", "Files", "Held remotely", "Expires this week"), "storageTable")
        lines = [("All files", *self._figures(total))]
        lines += [(row.name, *self._figures(row.storage)) for row in rows]
        self.table.fill(lines)
        column.addWidget(self.table, 1)
        quota = ORGANISATION_QUOTA
        used = "not reported by the API" if quota.used_bytes is None else format_size(quota.used_bytes)
        note = QLabel(f"Organisation quota: {format_size(quota.limit_bytes)}; used: {used}.\n{quota.note}")
        note.setObjectName("quotaNote")
        note.setWordWrap(True)
        column.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        column.addWidget(buttons)
        self.resize(560, 320)

    @staticmethod
    def _figures(storage: SetStorage) -> tuple[str, str, str]:
        soon = storage.expiring_this_week
        expiring = f"{plural(len(soon), 'file')}, {format_size(storage.expiring_bytes)}" if soon else "none"
        return str(storage.files), format_size(storage.remote_bytes), expiring
