"""Clean up: what would go (pure), the dialog that lists it, and nothing deleted without confirmation.

``plan_cleanup`` groups the catalog's files: expired, gone remotely, unused for more than N days, left
over by this app (an old copy a renewal could not delete), found remotely (not uploaded by this app:
orphans), and the selected ones. Expired, gone and left over are ticked at first; the selected
ones only when the person chose "Delete selected" (``only_selected``: then only
they are). A file may be in several groups; it is deleted once. ``CleanupDialog`` lists each group
with its count and size, each tickable (and each file, for a finer choice); "Delete" emits
``confirmed(records)``. The deletions run in the background (``FileService.delete_many`` as a
generator task; 404 counts as already gone); the dialog shows progress and then a summary of what
went and what failed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assistant.api.errors import ApiFailure
from assistant.api.files import DeleteOutcome
from assistant.bridge import Task
from assistant.catalog import FileOrigin, FileRecord, FileState
from assistant.catalog.identity import known_name
from assistant.catalog.rules import is_leftover
from assistant.ui.formatting import format_size

__all__ = ["CleanupDialog", "CleanupGroup", "CleanupPlan", "plan_cleanup"]


@dataclass(frozen=True)
class CleanupGroup:
    key: str  # expired | missing | unused | leftovers | orphans | selected
    title: str
    records: tuple[FileRecord, ...]
    ticked: bool = True

    @property
    def size(self) -> int:
        return sum(r.size_bytes for r in self.records)


@dataclass(frozen=True)
class CleanupPlan:
    groups: tuple[CleanupGroup, ...]

    def group(self, key: str) -> CleanupGroup | None:
        return next((g for g in self.groups if g.key == key), None)

    def records(self, keys: Iterable[str] | None = None) -> list[FileRecord]:
        """The files of the given groups (default: the ticked ones), each once."""
        wanted = set(keys) if keys is not None else {g.key for g in self.groups if g.ticked}
        seen: dict[int, FileRecord] = {}
        for g in self.groups:
            if g.key in wanted:
                for r in g.records:
                    seen.setdefault(r.id, r)
        return list(seen.values())

    @property
    def empty(self) -> bool:
        return not any(g.records for g in self.groups)


def plan_cleanup(
    records: Iterable[FileRecord],
    *,
    now: datetime,
    unused_days: int,
    selected_ids: Iterable[int] = (),
    only_selected: bool = False,
) -> CleanupPlan:
    live = [r for r in records if r.state is not FileState.DELETED]
    selected = set(selected_ids)
    cutoff = now - timedelta(days=unused_days)

    def expired(r: FileRecord) -> bool:
        if r.state is FileState.EXPIRED:
            return True
        return r.state is FileState.ACTIVE and r.expires_at is not None and r.expires_at <= now

    groups = [
        CleanupGroup("expired", "Expired", tuple(r for r in live if expired(r))),
        CleanupGroup("missing", "Gone remotely", tuple(r for r in live if r.state is FileState.MISSING)),
        CleanupGroup(
            "unused",
            f"Unused for more than {unused_days} days",
            tuple(
                r
                for r in live
                if r.state is FileState.ACTIVE
                and not expired(r)
                and (r.last_used_at or r.uploaded_at) < cutoff
            ),
            ticked=False,
        ),
        CleanupGroup(
            "leftovers",
            "Left over by this app (old copies it could not delete)",
            tuple(r for r in live if is_leftover(r) and r.state is FileState.ACTIVE),
        ),
        CleanupGroup(
            "orphans",
            "Found remotely (not uploaded by this app)",
            tuple(
                r
                for r in live
                if r.origin is FileOrigin.ADOPTED and not is_leftover(r) and r.state is FileState.ACTIVE
            ),
            ticked=False,
        ),
        # the selection is offered, never pre-ticked: only "Delete selected" means "delete these"
        CleanupGroup("selected", "Selected", tuple(r for r in live if r.id in selected), only_selected),
    ]
    if only_selected:
        groups = [
            g if g.key == "selected" else CleanupGroup(g.key, g.title, g.records, False) for g in groups
        ]
    return CleanupPlan(tuple(groups))


def _files(n: int) -> str:
    return f"{n} file" if n == 1 else f"{n} files"


@dataclass
class _Summary:
    done: list[FileRecord] = field(default_factory=list)
    failed: list[tuple[FileRecord, DeleteOutcome]] = field(default_factory=list)


class CleanupDialog(QDialog):
    """Lists the plan; ``confirmed(list[FileRecord])`` on Delete; then shows progress and a summary.

    ``delete(row_ids)`` (``controllers.cleanup.CleanupRunner.delete``) gives the deletion task, or None
    when not connected (the dialog says so); or, without it, ``start(task, total)`` hands it a running
    deletion task (items are ``DeleteOutcome``s)."""

    confirmed = Signal(list)
    deleted = Signal(object)  # one DeleteOutcome at a time, as they come

    def __init__(
        self,
        plan: CleanupPlan,
        parent: QWidget | None = None,
        *,
        delete: Callable[[list[int]], Task[DeleteOutcome] | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("cleanupDialog")
        self._delete = delete
        self.setWindowTitle("Clean up files")
        self.plan = plan
        self._by_id = {r.id: r for g in plan.groups for r in g.records}
        self._task: Task[DeleteOutcome] | None = None
        self._summary = _Summary()
        self._total = 0
        layout = QVBoxLayout(self)
        self.intro = QLabel(
            "These files would be deleted from the API and from this app's list. Your own copies on "
            "disk are not touched. Untick what you want to keep."
            if not plan.empty
            else "Nothing to clean up: no file is expired, gone remotely, unused or selected."
        )
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)

        self.tree = QTreeWidget()
        self.tree.setObjectName("cleanupTree")
        self.tree.setAccessibleName("Files that would be deleted, by group")
        # the bytes each file takes on the server (a file converted here: its text), which is what goes
        self.tree.setHeaderLabels(["What", "Files", "On the server"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self._group_items: dict[str, QTreeWidgetItem] = {}
        for group in plan.groups:
            item = QTreeWidgetItem([group.title, str(len(group.records)), format_size(group.size)])
            item.setData(0, Qt.ItemDataRole.UserRole, group.key)
            flags = item.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsAutoTristate
            if not group.records:
                flags &= ~Qt.ItemFlag.ItemIsEnabled
            item.setFlags(flags)
            for record in group.records:
                child = QTreeWidgetItem([known_name(record), "", format_size(record.size_bytes)])
                child.setData(0, Qt.ItemDataRole.UserRole, record.id)
                child.setFlags(child.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                child.setCheckState(0, Qt.CheckState.Checked if group.ticked else Qt.CheckState.Unchecked)
                child.setToolTip(0, record.file_id)
                item.addChild(child)
            if not group.records:
                item.setCheckState(0, Qt.CheckState.Unchecked)
            self.tree.addTopLevelItem(item)
            self._group_items[group.key] = item
        self.tree.resizeColumnToContents(1)
        self.tree.setColumnWidth(0, 360)
        self.tree.itemChanged.connect(lambda *_: self._update_total())
        layout.addWidget(self.tree)

        self.total_label = QLabel()
        self.total_label.setObjectName("cleanupTotal")
        layout.addWidget(self.total_label)
        self.progress = QProgressBar()
        self.progress.setObjectName("cleanupProgress")
        self.progress.setAccessibleName("Deletion progress")
        self.progress.hide()
        layout.addWidget(self.progress)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("cleanupSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label.hide()
        layout.addWidget(self.summary_label)

        self.buttons = QDialogButtonBox()
        self.delete_button = QPushButton("Delete")
        self.delete_button.setObjectName("confirmCleanupButton")
        self.delete_button.clicked.connect(self._confirm)
        self.buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.clicked.connect(self._cancel)
        # deleting takes a deliberate click (or Tab to it and Space): Enter never deletes
        self.delete_button.setAutoDefault(False)
        self.delete_button.setDefault(False)
        self.cancel_button.setDefault(True)
        layout.addWidget(self.buttons)
        self.resize(620, 420)
        self._update_total()

    # -- choosing ----------------------------------------------------------------------------------
    def set_group_ticked(self, key: str, ticked: bool) -> None:
        item = self._group_items[key]
        state = Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        for i in range(item.childCount()):
            child = item.child(i)
            assert child is not None
            child.setCheckState(0, state)

    def group_ticked(self, key: str) -> bool:
        item = self._group_items[key]
        return item.childCount() > 0 and item.checkState(0) == Qt.CheckState.Checked

    def chosen(self) -> list[FileRecord]:
        """The ticked files, each once (a file unticked in one group but ticked in another goes)."""
        by_id = {r.id: r for g in self.plan.groups for r in g.records}
        chosen: dict[int, FileRecord] = {}
        for item in self._group_items.values():
            for i in range(item.childCount()):
                child = item.child(i)
                assert child is not None
                if child.checkState(0) == Qt.CheckState.Checked:
                    row_id = int(child.data(0, Qt.ItemDataRole.UserRole))
                    chosen.setdefault(row_id, by_id[row_id])
        return list(chosen.values())

    def _update_total(self) -> None:
        chosen = self.chosen()
        size = sum(r.size_bytes for r in chosen)
        self.total_label.setText(
            f"<b>{_files(len(chosen))}, {format_size(size)}</b> will be deleted."
            if chosen
            else "Nothing ticked."
        )
        self.delete_button.setText(f"Delete {len(chosen)} file{'s' if len(chosen) != 1 else ''}")
        self.delete_button.setEnabled(bool(chosen) and self._task is None)

    def _confirm(self) -> None:
        chosen = self.chosen()
        if chosen:
            self.delete_button.setEnabled(False)
            self.tree.setEnabled(False)
            self.confirmed.emit(chosen)
            if self._delete is not None:
                self._run(self._delete, chosen)

    def _run(
        self, delete: Callable[[list[int]], Task[DeleteOutcome] | None], chosen: list[FileRecord]
    ) -> None:
        task = delete([r.id for r in chosen])
        if task is None:
            self.summary_label.setText("Not connected: enter an API key first, then clean up.")
            self.summary_label.show()
            return
        self.start(task, len(chosen))
        task.start()

    # -- progress ----------------------------------------------------------------------------------
    def start(self, task: Task[DeleteOutcome], total: int) -> None:
        self._task = task
        self._total = total
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.progress.setFormat("Deleting… %v of %m")
        self.progress.show()
        task.signals.item.connect(self._one_done)
        task.signals.failed.connect(self._task_failed)
        task.signals.ended.connect(self._all_done)

    def _one_done(self, outcome: DeleteOutcome) -> None:
        record = self._by_id.get(outcome.record_id)
        if record is None:
            return
        if outcome.ok:
            self._summary.done.append(record)
        else:
            self._summary.failed.append((record, outcome))
        self.progress.setValue(len(self._summary.done) + len(self._summary.failed))
        self.deleted.emit(outcome)

    def _task_failed(self, failure: ApiFailure) -> None:
        self.summary_label.setText(failure.message)

    def _all_done(self) -> None:
        self._task = None
        done, failed = self._summary.done, self._summary.failed
        size = sum(r.size_bytes for r in done)
        lines = [f"Deleted {len(done)} file{'s' if len(done) != 1 else ''} ({format_size(size)})."]
        left = self._total - len(done) - len(failed)
        if left > 0:
            lines.append(f"{left} not deleted (stopped).")
        if failed:
            lines.append(f"{len(failed)} could not be deleted:")
            lines += [f"• {known_name(r)}: {o.failure.message if o.failure else ''}" for r, o in failed[:20]]
            if len(failed) > 20:
                lines.append(f"… and {len(failed) - 20} more")
        self.summary_label.setText("<br>".join(lines))
        self.summary_label.show()
        self.total_label.hide()  # "… will be deleted" is over: the summary says what happened
        self.progress.setFormat("Done")
        self.cancel_button.setText("Close")
        self.delete_button.hide()

    def summary(self) -> tuple[list[FileRecord], list[tuple[FileRecord, DeleteOutcome]]]:
        return list(self._summary.done), list(self._summary.failed)

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()  # stops before the next file; the summary says what went
            return
        self.reject()
