"""``ReviewPanel``: the Review tab. It assembles the questions, the cost and the run buttons, the state of
the run, the grid (``reviewGrid``), the chosen cell in full and its source, and routes them to and
from its ``ReviewController`` (which does the work, in workers).

Public: ``export(path)`` writes the grid as CSV, XLSX or Markdown, picked by the suffix (in a worker;
``exported(path)`` when it is written, or the view says why not).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from assistant.bridge import Task, TaskRunner
from assistant.catalog import FileRecord
from assistant.review import (
    EXPORT_SUFFIXES,
    BatchProgress,
    CellKey,
    CellState,
    ReviewEstimate,
    ReviewGrid,
)
from assistant.ui.chat.label import ElidedLabel
from assistant.ui.review.columns import GridColumns
from assistant.ui.review.controller import ReviewController
from assistant.ui.review.costline import CostLine
from assistant.ui.review.detail import CellDetail
from assistant.ui.review.frozen import ReviewGridView
from assistant.ui.review.grid_model import CELL_ROLE, ROW_ROLE, GridModel
from assistant.ui.review.picker import ReviewPicker
from assistant.ui.review.questions import QuestionEditor
from assistant.ui.review.source import ReviewSource
from assistant.ui.review.texts import cost_after, cost_before, grid_summary, progress_text

__all__ = ["ReviewPanel"]


class ReviewPanel(QWidget):
    exported = Signal(object)  # Path
    renew_requested = Signal(object)  # FileRecord

    def __init__(
        self, controller: ReviewController, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPanel")
        self.controller = controller
        self._progress: dict[str, BatchProgress] = {}
        self._is_running = False  # a batch of the review on show is open, or cells run now
        self._build()
        self.source = ReviewSource(runner, self.splitter, self.say, self)
        self._connect()

    # ------------------------------------------------------------------------------------- build
    def _build(self) -> None:
        self.title = ElidedLabel(self)  # cut to its room: a new title never lays the window out again
        self.title.setText("No review yet")
        self.title.setObjectName("reviewTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.export_button = QPushButton("Export…")
        self.export_button.setObjectName("reviewExportButton")
        self.export_button.setToolTip("Export the grid as CSV, Excel (XLSX) or Markdown")
        self.export_button.clicked.connect(self._choose_export)
        self.picker = ReviewPicker(self)
        self.picker.hide()  # shown once there are two reviews to choose from
        top = QHBoxLayout()
        top.addWidget(self.picker)
        top.addWidget(self.title, 1)
        top.addWidget(self.export_button)

        self.questions = QuestionEditor(self)

        self.cost = CostLine(self)  # wraps to a second line rather than being cut: the whole is read
        self.run_button = QPushButton("Run as batch (half price)")
        self.run_button.setObjectName("runReviewButton")
        self.run_button.setToolTip(
            "Send every cell not answered yet as a Message Batch: half the price; most finish within an hour"
        )
        self.run_button.setDefault(True)
        self.now_button = QPushButton("Run now")
        self.now_button.setObjectName("runReviewNowButton")
        self.now_button.setToolTip(
            "Ask every cell not answered yet now, at full price; cells fill as answers come"
        )
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelReviewButton")
        self.cancel_button.setToolTip(
            "Cancel the batch (requests not yet run end canceled) or the cells asked now"
        )
        self.cancel_button.setEnabled(False)
        self._buttons()  # no review yet: nothing to run or export
        self.status = QLabel(self)  # beside the run buttons: wraps to a second line rather than cut
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setMinimumWidth(40)  # (a first run fits an 800 px screen)
        self.status.setSizePolicy(self.cost.sizePolicy())  # wide as it may be, as tall as its lines
        self.status.setObjectName("reviewStatus")
        self.status.setAccessibleName("Review state")
        # the cost line has the panel's whole width (wrapping to a second line on a small screen); the
        # state of the run sits beside the buttons that change it
        run = QHBoxLayout()
        run.addWidget(self.status, 1)
        run.addWidget(self.run_button)
        run.addWidget(self.now_button)
        run.addWidget(self.cancel_button)
        self.message = QLabel(self)
        self.message.setObjectName("reviewMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setProperty("notice", "warning")
        self.message.hide()

        self.model = GridModel(self)
        self._resets = 0
        self.model.modelReset.connect(self._reset_seen)
        self.grid = ReviewGridView(self)  # its File column frozen: values stay beside their file
        self.grid.setObjectName("reviewGrid")
        self.grid.setAccessibleName("Review grid: one row per file, one column per question")
        self.grid.setModel(self.model)
        self.grid.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)  # by name, A to Z
        self.grid.setSortingEnabled(True)
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setWordWrap(False)
        self.grid.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.grid.verticalHeader().hide()
        # one default height (no per-row resize mode: a header keeps every non-default row through a sort)
        self.grid.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.columns = GridColumns(self.grid)  # left-aligned headers cut at the right; widths kept
        self.grid.setMinimumHeight(48)
        self.detail = CellDetail(self)
        self.grid_split = QSplitter(Qt.Orientation.Vertical)
        self.grid_split.setObjectName("reviewGridSplitter")
        self.grid_split.addWidget(self.grid)
        self.grid_split.addWidget(self.detail)
        self.grid_split.setStretchFactor(0, 3)
        self.grid_split.setStretchFactor(1, 2)
        self.grid_split.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("reviewSplitter")
        self.splitter.addWidget(self.grid_split)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.questions)
        layout.addWidget(self.cost)
        layout.addLayout(run)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)

    def _connect(self) -> None:
        c, q, d = self.controller, self.questions, self.detail
        q.add_requested.connect(self._quiet(c.questions.add))
        q.update_requested.connect(self._quiet(c.questions.update))
        q.move_requested.connect(c.questions.move)
        q.remove_requested.connect(c.questions.remove)
        q.save_set_requested.connect(c.questions.save_set)
        q.load_set_requested.connect(c.questions.load_set)
        q.said.connect(self.say)
        c.question_accepted.connect(q.accepted)
        c.set_names.connect(q.set_names)
        c.grid_loaded.connect(self.show_grid)
        c.cells_changed.connect(self._cells)
        c.estimating.connect(self.cost.counting)
        c.estimated.connect(self._estimated)
        c.cost_known.connect(lambda cost: self.cost.cost_known(cost_after(cost, offline=c.offline)))
        c.progress.connect(self._show_progress)
        c.status.connect(self.status.setText)
        c.said.connect(self.say)
        c.running_changed.connect(self._running)
        c.exported.connect(self._exported)
        c.reviews_listed.connect(lambda reviews: self.picker.fill(reviews, c.review_id))
        self.picker.chosen.connect(self._quiet(c.open_review))
        self.run_button.clicked.connect(self._quiet(lambda *_: c.run_batch()))
        self.now_button.clicked.connect(self._quiet(lambda *_: c.run_now()))
        self.cancel_button.clicked.connect(c.cancel)
        selection = self.grid.selectionModel()
        selection.currentChanged.connect(lambda current, _previous: self._chosen(current))
        self.model.dataChanged.connect(
            lambda *_: self._chosen(self.grid.currentIndex(), only_if_changed=True)
        )
        self.model.modelReset.connect(lambda: self._chosen(self.grid.currentIndex()))
        d.citation_clicked.connect(self._open_citation)
        d.rerun_cell.connect(self._rerun_cell)
        d.rerun_failed.connect(self._quiet(lambda now: c.rerun_failed(now=now)))
        d.renew.connect(self._renew)

    def _quiet(self, slot: Callable[..., object]) -> Callable[..., None]:
        """A new request clears the last message first."""

        def call(*args: object) -> None:
            self.say("")
            slot(*args)

        return call

    # ----------------------------------------------------------------------------------- showing
    def say(self, text: str) -> None:
        """A clear message in the view (what failed, why, what to do); empty hides it."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def show_grid(self, grid: ReviewGrid) -> None:
        files = ", ".join(r.name for r in grid.rows[:3]) + ("…" if len(grid.rows) > 3 else "")
        self.title.setText(f"Review of {len(grid.rows)} file{'s' if len(grid.rows) != 1 else ''}: {files}")
        self.title.setToolTip("\n".join(r.name for r in grid.rows))
        new_review = grid.review.id != self.model.review_id
        if new_review:
            self.cost.reset()
        resets = self._resets
        self.model.set_grid(grid)
        if self._resets != resets:  # new rows or columns: in the order the header shows, at their widths
            self.columns.set_questions(
                grid.review.questions, new_review=new_review, names=[r.name for r in grid.rows]
            )
            header = self.grid.horizontalHeader()
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.questions.set_questions(grid.review.questions)
        self._progress = {k: v for k, v in self._progress.items() if v.review_id == grid.review.id}
        self._summary()
        self._failed_count()
        self._buttons()
        if not self.grid.currentIndex().isValid() and grid.rows and grid.review.questions:
            self.grid.setCurrentIndex(self.model.index(0, 1))

    def _reset_seen(self) -> None:
        self._resets += 1

    def _cells(self, cells: list[object]) -> None:
        self.model.update_cells(cells)  # type: ignore[arg-type]
        self._failed_count()

    def _failed_count(self) -> None:
        self.detail.set_failed(sum(1 for c in self.model.cells() if c.state.failed))

    def _summary(self) -> None:
        grid = self.controller.grid
        if self._progress and self.controller.is_running:
            self.status.setText(progress_text(self._progress.values()))
        elif grid is not None:
            self.status.setText(grid_summary(grid))

    def _show_progress(self, progress: BatchProgress) -> None:
        self._progress[progress.batch_id] = progress
        self.status.setText(progress_text(self._progress.values()))
        if self._is_running:
            self.cost.flight(self._progress.values(), now=self.controller.running_now)

    def _running(self, running: bool) -> None:
        self._is_running = running
        self.cost.set_running(running, self._progress.values(), now=self.controller.running_now)
        self._buttons()
        if not running:
            self._progress.clear()
            self._summary()

    def _buttons(self) -> None:
        """The buttons follow what exists: Run with files and questions and nothing running, Cancel while
        something runs, Export once there is a review."""
        grid = self.controller.grid
        ready = grid is not None and bool(grid.rows) and bool(grid.review.questions)
        self.cancel_button.setEnabled(self._is_running)
        self.run_button.setEnabled(ready and not self._is_running)
        self.now_button.setEnabled(ready and not self._is_running)
        self.export_button.setEnabled(grid is not None)

    def _estimated(self, estimate: ReviewEstimate) -> None:
        pending = sum(1 for c in self.model.cells() if c.state.pending)
        self.cost.estimated(cost_before(estimate, offline=self.controller.offline, pending=pending))

    def _chosen(self, index: QModelIndex, *, only_if_changed: bool = False) -> None:
        cell = index.data(CELL_ROLE) if index.isValid() else None
        row = index.data(ROW_ROLE) if index.isValid() else None
        if only_if_changed and cell is self.detail.cell and row == self.detail.row:
            return  # (a row changes alone when its file is renewed or gone)
        questions = self.model.questions
        question = (
            questions[index.column() - 1]
            if index.isValid() and 0 < index.column() <= len(questions)
            else None
        )
        self.detail.show_cell(question, row, cell)
        if row is not None and not only_if_changed:  # the source pane shows the chosen cell's file
            said = self.source.follow(row.record, cell.citations if cell is not None else (), row.name)
            if said:
                self.status.setText(said)

    # ------------------------------------------------------------------------------------ actions
    def _open_citation(self, number: int) -> None:
        cell, row = self.detail.cell, self.detail.row
        if cell is None or row is None:
            return
        self.source.open(row.record, cell.citations, number)

    def _rerun_cell(self, now: bool) -> None:
        cell, row = self.detail.cell, self.detail.row
        if cell is None or self.controller.grid is None:
            return
        self.say("")
        if now and self.controller.running_now:
            self.say(
                "Cells are being asked now: re-run this one when they have their answers, or as a batch."
            )
            return
        self.controller.rerun([CellKey(cell.file_row_id, cell.question_id)], now=now)
        # seen at once: the cell says it runs until its new answer arrives (or the run says why not)
        state = CellState.RUNNING if now else CellState.QUEUED
        self._cells([replace(cell, state=state, why="", error=None)])
        name = row.name if row is not None else "the file"
        self.status.setText(
            f"Asking this cell of {name} again now…" if now else f"Sending this cell of {name} as a batch…"
        )

    def _renew(self) -> None:
        row = self.detail.row
        if row is not None and row.record is not None:
            self.renew_requested.emit(row.record)
            self.status.setText(f"Renewing {row.name}…; then re-run its cells.")

    def _choose_export(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export the review", "review.xlsx", "Excel (*.xlsx);;CSV (*.csv);;Markdown (*.md)"
        )
        if path:
            self.export(Path(path))

    def export(self, path: Path | str) -> Task[Path] | None:
        """Write the grid to ``path`` as CSV, XLSX or Markdown by its suffix (in a worker; ``exported``
        follows). Another suffix: the view says which ones work, and nothing is written."""
        path = Path(path)
        self.say("")  # one message, of this export: neither an old error nor an old "Exported to"
        self._summary()
        if path.suffix.lower() not in EXPORT_SUFFIXES:
            self.say(f"Export as {', '.join(EXPORT_SUFFIXES)}: “{path.name}” has none of these suffixes.")
            return None
        return self.controller.export(path, self.view_order())

    def view_order(self) -> list[int] | None:
        """The rows' file row ids in the order the grid shows them (sorted as the user chose); ``None``
        when the grid is not sorted (the catalog's order)."""
        if self.grid.horizontalHeader().sortIndicatorSection() < 0:
            return None
        return [row.file_row_id for row in self.model.rows]

    def _exported(self, path: Path) -> None:
        self.say("")
        self.status.setText(f"Exported to {path}")
        self.exported.emit(path)

    def review_files(self, records: list[FileRecord]) -> None:
        self.say("")
        self.controller.review_files(records)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:  # light or dark: the cells' colours follow
            self.model.follow_palette()
        super().changeEvent(event)

    def shutdown(self) -> None:
        """No more work: the source pane's and the controller's tasks are cancelled."""
        self.source.close()
        self.controller.close()
