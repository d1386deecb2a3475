"""``ChatPanel``: the conversation list, the transcript and the composer, wired to the services.

Threads: the answer streams through the bridge (``TaskRunner.stream`` over ``ChatService.ask``, which
writes the question to the catalog before the request goes out and saves the answer as it grows);
an ``EventRelay`` hands the service's typed events over in batches (one queued signal per burst, not
per token); this module takes them on the GUI thread, feeds their text to a ``TextBatcher`` (one
transcript update per ~40 ms tick, whatever the token rate) and never touches the network. Short
catalog calls (list, rename, attach) run on the GUI thread; each is one small SQLite statement.

Stop is immediate: the task is cancelled (the service closes the stream and saves what arrived as
incomplete), and the transcript shows what arrived, marked incomplete, without waiting for the worker.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assistant.api.chat import CitationEvent, Done, Failed, Started, TextDelta
from assistant.api.errors import ApiFailure, CancelToken, FailureKind
from assistant.api.lifecycle import can_renew, gone_files_for, replace_attachment
from assistant.catalog import Citation, Conversation, FileRecord, FileState, Turn, TurnState
from assistant.ui.chat.batcher import TextBatcher
from assistant.ui.chat.composer import Composer
from assistant.ui.chat.conversations import ConversationList
from assistant.ui.chat.format import (
    MarkPlacer,
    conversation_markdown,
    gone_reason,
    place_marks,
    plain_answer,
)
from assistant.ui.chat.notice import GoneFilesNotice, ReplacementPicker
from assistant.ui.chat.relay import EventRelay
from assistant.ui.chat.services import ChatServices
from assistant.ui.chat.transcript import StreamingAnswer, Transcript, TurnView

__all__ = ["ChatPanel"]

log = logging.getLogger(__name__)

DEFAULT_TITLE = "New conversation"
_CONTEXT_WARNING = "The attached files are"
_NOT_SENT = "Not sent:"
_DRAIN_LIMIT = 1000  # events handled per slot; a burst beyond that continues in the next slot


@dataclass
class _Job:
    """The answer streaming now."""

    conversation_id: int
    question: str
    model: str
    stream: StreamingAnswer
    turn_id: int = 0
    parts: list[str] = field(default_factory=list)  # the answer as it came
    citations: list[Citation] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)  # the answer with its marks, as rendered
    placer: MarkPlacer = field(default_factory=MarkPlacer)
    relay: EventRelay = field(default_factory=EventRelay)
    task: Any = None
    closed: bool = False  # the transcript has its final state; later events are ignored
    stopped: bool = False

    @property
    def text(self) -> str:
        return "".join(self.parts)


class ChatPanel(QWidget):
    """The chat pane. See ``assistant.ui.chat`` for the interface the main window uses."""

    attachments_changed = Signal(list)
    open_citation = Signal(object, object)
    conversation_changed = Signal(int)  # the shown conversation's id (0 = none yet)
    busy_changed = Signal(bool)
    file_states_changed = Signal(list)  # FileRecords whose state the pane learnt from the API

    def __init__(self, services: ChatServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatPanel")
        self._services = services
        self._conversation: Conversation | None = None
        self._attached: list[FileRecord] = []
        self._turns: dict[int, Turn] = {}
        self._job: _Job | None = None
        self._models: dict[str, Any] = {}  # model id -> ModelInfo (max_input_tokens, ...)
        self.context_tokens: int | None = None  # the last token count of the attached files
        self._context_over: tuple[str, tuple[int, ...], str] | None = None  # (model, files, warning)
        self._context_task: Any = None
        self._live: StreamingAnswer | None = None  # where batched text goes
        self._finishing: TurnView | None = None  # an ended answer whose last text is still showing
        self._message_box: QMessageBox | None = None
        self._file_dialog: QFileDialog | None = None
        self._picker: ReplacementPicker | None = None

        self.conversations = ConversationList(self)
        self.transcript = Transcript(self)
        self.composer = Composer(self)
        self.title_label = ElidedLabel(self)
        self.title_label.setObjectName("conversationTitle")
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.totals_label = ElidedLabel(self)
        self.totals_label.setObjectName("conversationTotals")
        self.totals_label.setAccessibleName("Conversation cost")
        self.export_button = QToolButton(self)
        self.export_button.setObjectName("exportButton")
        self.export_button.setText("Export…")
        self.export_button.setToolTip("Export this conversation to Markdown")
        self.export_button.setAccessibleName("Export conversation to Markdown")

        chat = QWidget(self)
        chat_layout = QVBoxLayout(chat)
        chat_layout.setContentsMargins(0, 0, 0, 0)
        chat_layout.setSpacing(4)
        header = QHBoxLayout()
        header.addWidget(self.title_label, 1)
        header.addWidget(self.export_button)
        chat_layout.addLayout(header)
        chat_layout.addWidget(self.transcript, 1)
        self.gone_notice = GoneFilesNotice(chat)
        chat_layout.addWidget(self.gone_notice)
        chat_layout.addWidget(self.composer)
        self.composer.bottom_row.addWidget(self.totals_label, 1)  # next to the model: room to be read
        self.totals_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("chatSplitter")
        self.splitter.addWidget(self.conversations)
        self.splitter.addWidget(chat)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([200, 600])
        self.splitter.setChildrenCollapsible(False)
        self.conversations.setMinimumWidth(150)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self._batcher = TextBatcher(self._render_batch, parent=self)

        # Actions the window may also put in its menus and toolbar (same objects: no shortcut clash).
        self.new_conversation_action = QAction("New Conversation", self)
        self.new_conversation_action.setObjectName("newConversationAction")
        self.new_conversation_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_conversation_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.new_conversation_action.triggered.connect(self.new_conversation)
        self.stop_action = QAction("Stop Answer", self)
        self.stop_action.setObjectName("stopAction")
        self.stop_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.stop_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.stop_action.setEnabled(False)
        self.stop_action.triggered.connect(self.stop)
        self.export_action = QAction("Export Conversation…", self)
        self.export_action.setObjectName("exportAction")
        self.export_action.triggered.connect(self.export_markdown)
        self.addAction(self.new_conversation_action)
        self.addAction(self.stop_action)

        self.conversations.selected.connect(self._on_conversation_selected)
        self.conversations.new_requested.connect(self.new_conversation)
        self.conversations.rename_requested.connect(self.rename_conversation)
        self.conversations.delete_requested.connect(self._confirm_delete)
        self.conversations.filter_changed.connect(lambda _text: self._reload_list())
        self.composer.send_requested.connect(self.ask)
        self.composer.stop_requested.connect(self.stop)
        self.composer.chip_removed.connect(self._remove_chip)
        self.gone_notice.remove.connect(self._remove_chip)
        self.gone_notice.attach_another.connect(self.pick_replacement)
        self.gone_notice.renew.connect(self._renew)
        self.composer.model_changed.connect(self._on_model_changed)
        self.transcript.action.connect(self._on_transcript_action)
        self.export_button.clicked.connect(self.export_markdown)

        self._context_timer = QTimer(self)
        self._context_timer.setSingleShot(True)
        self._context_timer.setInterval(300)
        self._context_timer.timeout.connect(self._check_context)

        default_model = services.default_model()
        self.composer.set_models([(default_model, default_model)], default_model)
        self._reload_list()
        self._show_conversation(self._first_listed())
        self._load_models()

    # ================================================================== public API

    def set_attached_files(self, records: list[FileRecord]) -> None:
        """The files the window has selected for this conversation (shown as chips, saved with it;
        with no conversation yet, attaching files starts one). Their states are read again from the
        catalog, so a file that is gone shows as such."""
        self._attached = self._fresh(records)
        self.composer.set_files(self._attached)
        if self._conversation is None and records:
            # Attaching files starts a conversation, so the context check has something to count.
            conv = self._services.store.create_conversation(
                DEFAULT_TITLE, self.composer.current_model(), [r.id for r in records]
            )
            self._conversation = conv
            self._reload_list()
            self.conversations.select(conv.id)
            self.title_label.setText(conv.title)
            self.conversation_changed.emit(conv.id)
        elif self._conversation is not None:
            self._services.store.set_conversation_files(self._conversation.id, [r.id for r in records])
            self._conversation = self._services.store.get_conversation(self._conversation.id)
        self._refresh_gone()
        self._context_timer.start()

    def attached_files(self) -> list[FileRecord]:
        return list(self._attached)

    def refresh_files(self) -> None:
        """Read the attached files again from the catalog (the window calls this after a reconcile, a
        renewal or a clean-up): chips and the notice about gone files follow their states."""
        conv = self._conversation
        if conv is not None:
            conv = self._services.store.get_conversation(conv.id)
            self._conversation = conv
        fresh = self._records(conv.file_ids) if conv is not None else self._fresh(self._attached)
        changed = [(r.id, r.state, r.file_id) for r in fresh] != [
            (r.id, r.state, r.file_id) for r in self._attached
        ]
        self._attached = fresh
        if changed:
            self.composer.set_files(self._attached)
            self.attachments_changed.emit(list(self._attached))
        self._refresh_gone()
        if changed:
            self._context_timer.start()

    def gone_files(self) -> list[FileRecord]:
        """The attached files that are expired, missing or deleted (as the notice shows them)."""
        return list(self.gone_notice.records)

    def pick_replacement(self, record: FileRecord) -> ReplacementPicker | None:
        """"Attach another…" for a gone file: a (non-blocking) list of the active files in the catalog;
        the chosen one takes the gone file's place. None when there is nothing to choose from."""
        attached = {r.id for r in self._attached}
        candidates = [
            r for r in self._services.store.list_files([FileState.ACTIVE]) if r.id not in attached
        ]
        if not candidates:
            self.composer.show_warning(
                f"No other file is on the server to attach instead of “{record.filename}”: upload one "
                "in the file list first, or remove it from this conversation."
            )
            return None
        # The likeliest replacement first: the same name (a new upload of the same document).
        names = {record.filename.casefold(), (record.original_name or record.filename).casefold()}

        def same(r: FileRecord) -> bool:
            return r.filename.casefold() in names or (r.original_name or "").casefold() in names

        candidates.sort(key=lambda r: not same(r))  # stable: newest first within each group
        if self._picker is not None:
            self._picker.close()
            self._picker.deleteLater()
        picker = ReplacementPicker(record, candidates, self)
        picker.chosen.connect(self.replace_file)
        self._picker = picker
        picker.open()
        return picker

    def replace_file(self, old: FileRecord, new: FileRecord) -> None:
        """Attach ``new`` in the place of ``old`` in the current conversation (history unchanged)."""
        conv = self._conversation
        if conv is None:
            return
        try:
            conv = replace_attachment(self._services.store, conv.id, old.id, new.id)
        except ApiFailure as failure:
            self.composer.show_warning(failure.message)
            self.refresh_files()
            return
        self._conversation = conv
        self._attached = self._records(conv.file_ids)
        self.composer.set_files(self._attached)
        self.attachments_changed.emit(list(self._attached))
        self.composer.show_warning(None)
        self.composer.show_status(f"Attached “{new.filename}” instead of “{old.filename}”")
        self._refresh_gone()
        self._context_timer.start()

    def _renew(self, record: FileRecord) -> None:
        renew = self._services.renew
        if renew is not None:
            renew(record)  # the window renews it in a worker, then calls refresh_files
            self.composer.show_status(f"Renewing “{record.filename}”…")

    def new_conversation(self) -> None:
        """Start a new conversation (the attached files carry over). An empty one is reused."""
        if self._job is not None:
            self.stop()
        store = self._services.store
        current = self._conversation
        if current is not None and current.title == DEFAULT_TITLE and not store.list_turns(current.id):
            self.focus_composer()
            return
        conv = store.create_conversation(
            DEFAULT_TITLE, self.composer.current_model(), [r.id for r in self._attached]
        )
        self._conversation = conv
        self.conversations.search.clear()  # reloads the list
        self._reload_list()
        self._show_conversation(conv.id)
        self.focus_composer()

    def focus_composer(self) -> None:
        self.composer.input.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def stop(self) -> None:
        """Stop the streaming answer now; what arrived is kept and marked incomplete."""
        job = self._job
        if job is None or job.closed:
            return
        job.stopped = True
        if job.task is not None:
            job.task.cancel()
        self._close_job(job, TurnState.INCOMPLETE)

    def set_chat_service(self, chat: Any) -> None:
        """Give (or replace) the chat service once the window has a client; reloads the model list."""
        self._services.chat = chat
        self._load_models()
        self._context_timer.start()

    def current_conversation(self) -> Conversation | None:
        return self._conversation

    @property
    def is_rendering(self) -> bool:
        """An ended answer still has text waiting to be shown (a burst drains over a few ticks)."""
        return self._finishing is not None

    @property
    def is_streaming(self) -> bool:
        return self._job is not None and not self._job.closed

    def conversation_markdown(self) -> str:
        conv = self._conversation
        if conv is None:
            return ""
        turns = self._services.store.list_turns(conv.id)
        names = [r.filename for r in self._records(conv.file_ids)]
        costs = {t.id: self._services.format_usd(t.cost_usd) for t in turns if t.cost_usd is not None}
        return conversation_markdown(
            conv, turns, file_names=names, costs=costs, exported_at=datetime.now(UTC)
        )

    def export_markdown(self, path: object = None) -> Path | None:
        """Write the conversation as Markdown to ``path``; without one, ask where (non-blocking)."""
        if self._conversation is None:
            return None
        if not isinstance(path, str | Path):  # None, or the bool of a clicked(bool) signal
            dialog = QFileDialog(self, "Export conversation", "", "Markdown (*.md)")
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setDefaultSuffix("md")
            dialog.selectFile(_safe_name(self._conversation.title) + ".md")
            dialog.fileSelected.connect(self.export_markdown)
            self._file_dialog = dialog
            dialog.open()
            return None
        target = Path(path)
        try:
            target.write_text(self.conversation_markdown(), encoding="utf-8")
        except OSError as exc:
            self.composer.show_status(f"Export failed: {exc.strerror or exc}")
            return None
        self.composer.show_status(f"Exported to {target.name}")
        return target

    def copy_answer(self, turn_id: int) -> str:
        """Copy an answer (Markdown, marks as [n]) to the clipboard; returns the copied text."""
        if self._job is not None and self._job.turn_id == turn_id:
            text = "".join(self._job.shown)
        else:
            turn = self._turns.get(turn_id) or self._services.store.get_turn(turn_id)
            text = place_marks(turn.answer, turn.citations) if turn is not None else ""
        text = plain_answer(text)
        QGuiApplication.clipboard().setText(text)
        self.composer.show_status("Answer copied")
        return text

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        title = " ".join(title.split())
        if not title:
            return
        self._services.store.rename_conversation(conversation_id, title)
        if self._conversation is not None and self._conversation.id == conversation_id:
            self._conversation = self._services.store.get_conversation(conversation_id)
            self.title_label.setText(title)
        self._reload_list()

    def delete_conversation(self, conversation_id: int) -> None:
        if self._job is not None and self._job.conversation_id == conversation_id:
            self.stop()
        self._services.store.delete_conversation(conversation_id)
        if self._conversation is not None and self._conversation.id == conversation_id:
            self._conversation = None
            self._reload_list()
            self._show_conversation(self._first_listed())
        else:
            self._reload_list()

    def retry(self, turn_id: int) -> None:
        """Ask a failed (or stopped) turn's question again; the new answer replaces that turn."""
        if self.is_streaming or self._services.chat is None:
            return
        turn = self._services.store.get_turn(turn_id)
        conv = self._conversation
        if turn is None or conv is None or turn.conversation_id != conv.id:
            return
        if self._refuse_gone():
            if not self.composer.text().strip():
                self.composer.set_text(turn.question)
            return
        if self.composer.text().strip() == turn.question.strip():
            self.composer.set_text("")
        self._render_conversation(skip=turn_id)
        chat = self._services.chat
        self._start(conv.id, turn.question, lambda token: chat.retry(turn_id, cancel=token))

    def shutdown(self) -> None:
        """Stop streaming (the window calls this when it closes, before the runner shuts down)."""
        self.stop()
        self._context_timer.stop()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and not self.is_streaming:
            QTimer.singleShot(0, self._render_conversation)  # the transcript has its new colours then
        elif event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            # Back to the app (maybe days later): the files may have expired meanwhile. A few short
            # catalog reads; the window still calls refresh_files after its own reconcile.
            QTimer.singleShot(0, self, self.refresh_files)
        super().changeEvent(event)

    # ================================================================== asking

    def ask(self, question: str) -> None:
        """Ask ``question`` in the current conversation (one is made if there is none)."""
        question = question.strip()
        if not question or self.is_streaming:
            return
        chat = self._services.chat
        if chat is None:
            self.composer.show_warning(
                "Not connected yet: enter an API key (API key…) or try it offline. Your question is kept."
            )
            return
        store = self._services.store
        model = self.composer.current_model()
        if self._refuse_gone():
            return
        file_ids = [r.id for r in self._attached]
        over = self._context_over
        if over is not None and over[:2] == (model, tuple(file_ids)):
            # The last count said the files alone exceed this model's context: the API would refuse.
            self._context_warning(f"{over[2]} Your question is kept.")
            return
        conv = self._conversation
        if conv is None:
            conv = store.create_conversation(_title_from(question), model, file_ids)
            self.conversations.search.clear()
        else:
            if conv.title == DEFAULT_TITLE:
                store.rename_conversation(conv.id, _title_from(question))
            if conv.model != model:
                store.set_conversation_model(conv.id, model)
            if tuple(file_ids) != conv.file_ids:
                store.set_conversation_files(conv.id, file_ids)
        self._conversation = store.get_conversation(conv.id) or conv
        self.title_label.setText(self._conversation.title)
        self._reload_list()
        if self.composer.text().strip() == question:
            self.composer.set_text("")
        conv_id = self._conversation.id
        self._start(conv_id, question, lambda token: chat.ask(conv_id, question, cancel=token))

    def _refuse_gone(self) -> bool:
        """Before sending: attached files that are gone are said (no turn, no API error) and the
        question stays in the box. True when the question must not be sent."""
        fresh = self._fresh(self._attached)
        if [(r.id, r.state) for r in fresh] != [(r.id, r.state) for r in self._attached]:
            self._attached = fresh
            self.composer.set_files(self._attached)
        gone = [r for r in self._attached if not r.is_active]
        self._refresh_gone()
        if not gone:
            return False
        names = ", ".join(f"“{r.filename}” {gone_reason(r)}" for r in gone)
        self.composer.show_warning(
            f"{_NOT_SENT} {names}. Attach another file or remove it, then send again — your question is kept."
        )
        return True

    def _start(self, conversation_id: int, question: str, work: Any) -> None:
        self._finish_pending()
        self.composer.show_warning(None)
        stream = self.transcript.begin_stream(0, question)
        self._live = stream
        job = _Job(conversation_id, question, self.composer.current_model(), stream)
        self._job = job
        self._set_busy(True)

        relay = job.relay

        def run(token: CancelToken) -> Any:
            return relay.wrap(work(token))

        task = self._services.runner.stream(run, name="chat answer")
        job.task = task
        task.signals.item.connect(lambda _wake, job=job: self._drain(job))
        task.signals.failed.connect(lambda failure, job=job: self._on_task_failed(job, failure))
        task.signals.finished.connect(lambda job=job: self._on_task_ended(job))
        task.signals.cancelled.connect(lambda job=job: self._on_task_ended(job))
        task.start()

    def _render_batch(self, text: str) -> None:
        if self._live is not None:
            self._live.append(text)
        if self._finishing is not None and not self._batcher.pending:
            self._finish_now()

    def _show(self, job: _Job, text: str) -> None:
        if text:
            job.shown.append(text)
            self._batcher.push(text)

    def _drain(self, job: _Job, everything: bool = False) -> None:
        """Take the events the worker has gathered; a big burst is taken over several slots."""
        while True:
            items, more = job.relay.drain(limit=_DRAIN_LIMIT)
            for item in items:
                self._on_item(job, item)
            if not more:
                return
            if not everything:
                QTimer.singleShot(0, self, lambda job=job: self._drain(job))
                return

    def _on_item(self, job: _Job, item: object) -> None:
        if job.closed:
            return
        if isinstance(item, TextDelta):
            job.parts.append(item.text)
            self._show(job, job.placer.text(item.text))
        elif isinstance(item, CitationEvent):
            job.citations.append(item.citation)
            self._show(job, job.placer.citation(len(job.citations)))
        elif isinstance(item, Started):
            job.turn_id = item.turn.id
            job.stream.turn_id = item.turn.id
            self._turns[item.turn.id] = item.turn
        elif isinstance(item, Done):
            self._close_job(job, TurnState.COMPLETE, item.turn)
        elif isinstance(item, Failed):
            self._close_job(job, TurnState.FAILED, item.turn, failure=item.failure)

    def _on_task_failed(self, job: _Job, failure: ApiFailure) -> None:
        """The work raised before or outside the service's own ``Failed`` event."""
        self._drain(job, everything=True)
        if not job.closed:
            turn = self._services.store.get_turn(job.turn_id) if job.turn_id else None
            self._close_job(job, TurnState.FAILED, turn, failure=failure)

    def _on_task_ended(self, job: _Job) -> None:
        self._drain(job, everything=True)
        if not job.closed:  # ended without Done or Failed: the service saved it as incomplete
            turn = self._services.store.get_turn(job.turn_id) if job.turn_id else None
            self._close_job(job, TurnState.INCOMPLETE, turn)
            return
        if job.stopped and job.turn_id and self._job is None:
            # The worker saved what it had when it stopped; if that is more than was shown, show it.
            turn = self._services.store.get_turn(job.turn_id)
            conv = self._conversation
            if (
                turn is not None
                and conv is not None
                and conv.id == job.conversation_id
                and turn.answer != job.text
            ):
                self._render_conversation()

    def _close_job(
        self,
        job: _Job,
        state: TurnState,
        turn: Turn | None = None,
        failure: ApiFailure | None = None,
    ) -> None:
        job.closed = True
        self._show(job, job.placer.finish())
        shown = "".join(job.shown)
        if turn is not None:
            self._turns[turn.id] = turn
            view = self._view(turn, marked=shown)
        else:
            view = TurnView(
                turn_id=job.turn_id,
                question=job.question,
                answer=shown,
                citations=tuple(job.citations),
                state=state,
                model=job.model,
            )
        if view.state is not state:
            view = replace(view, state=state)
        if failure is not None:
            view = replace(view, error=str(failure))
            if not self.composer.text().strip():
                self.composer.set_text(job.question)  # the question is never lost
        if self._job is job:
            self._job = None
        self._set_busy(False)
        # The footer goes after the last text: at once, or when a burst still waiting has been shown
        # over the next few ticks (each tick's work stays bounded).
        self._finishing = view
        if self._batcher.pending_chars <= self._batcher.max_chars:
            self._batcher.flush_all()
        if self._finishing is not None and not self._batcher.pending:
            self._finish_now()
        if failure is not None and failure.kind in (FailureKind.FILE_NOT_FOUND, FailureKind.FILE_EXPIRED):
            self._failed_on_gone_files(job, failure)

    def _failed_on_gone_files(self, job: _Job, failure: ApiFailure) -> None:
        """The API (or the service's own check) said an attached file is gone although the catalog
        thought it active (not reconciled yet): mark it as the server said, and treat the question as
        not sent — the failed turn is dropped, the question is back in the box, the notice says why."""
        conv = self._conversation
        if conv is None or conv.id != job.conversation_id:
            return
        store = self._services.store
        said = failure.api_message or ""
        state = FileState.EXPIRED if failure.kind is FailureKind.FILE_EXPIRED else FileState.MISSING
        marked = []
        for record in self._records(conv.file_ids):
            if record.is_active and record.file_id and record.file_id in said:
                store.set_file_state(record.id, state)
                marked.append(store.get_file(record.id) or record)
        if marked:
            self.file_states_changed.emit(marked)
        gone = gone_files_for(store, conv.id)
        if not gone:
            return  # not one of the attached files: the failure stays as it is shown
        turn = store.get_turn(job.turn_id) if job.turn_id else None
        if turn is not None and turn.state is TurnState.FAILED and not turn.answer:
            store.delete_turn(turn.id)
            self._render_conversation()
        self.refresh_files()
        if not self.composer.text().strip():
            self.composer.set_text(job.question)
        names = ", ".join(f"“{r.filename}” {gone_reason(r)}" for r in gone)
        self.composer.show_warning(
            f"{_NOT_SENT} {names}. Attach another file or remove it, then send again — your question is kept."
        )

    def _finish_now(self) -> None:
        view, self._finishing = self._finishing, None
        self._live = None
        if view is not None:
            self.transcript.finish_stream(view)
        self._update_totals()

    def _finish_pending(self) -> None:
        """Show at once what an ended answer still has waiting, and its footer."""
        if self._finishing is not None:
            self._batcher.flush_all()
            if self._finishing is not None:
                self._finish_now()

    def _set_busy(self, busy: bool) -> None:
        self.composer.set_busy(busy)
        self.stop_action.setEnabled(busy)
        self.busy_changed.emit(busy)

    # ================================================================== showing

    def _records(self, ids: tuple[int, ...] | list[int]) -> list[FileRecord]:
        out = []
        for row_id in ids:
            record = self._services.store.get_file(row_id)
            if record is not None:
                out.append(record)
        return out

    def _fresh(self, records: list[FileRecord]) -> list[FileRecord]:
        """The same files as the catalog has them now (a row deleted from it is dropped)."""
        return self._records([r.id for r in records])

    def _refresh_gone(self) -> None:
        conv = self._conversation
        if conv is not None:
            gone = gone_files_for(self._services.store, conv.id)
        else:
            gone = [r for r in self._attached if not r.is_active]
        renewable = {r.id for r in gone if can_renew(r)} if self._services.renew is not None else set()
        self.gone_notice.set_files(gone, renewable)
        if not gone and self.composer.warning.text().startswith(_NOT_SENT):
            self.composer.show_warning(None)  # replaced or removed: the question can go now

    def _first_listed(self) -> int:
        if self.conversations.list.count() == 0:
            return 0
        return int(self.conversations.list.item(0).data(Qt.ItemDataRole.UserRole))

    def _reload_list(self) -> None:
        convs = self._services.store.list_conversations(self.conversations.filter_text() or None)
        self.conversations.fill(convs, self._conversation.id if self._conversation else 0)

    def _on_conversation_selected(self, conversation_id: int) -> None:
        if conversation_id and (self._conversation is None or conversation_id != self._conversation.id):
            self._show_conversation(conversation_id)

    def _show_conversation(self, conversation_id: int) -> None:
        if self._job is not None and self._job.conversation_id != conversation_id:
            self.stop()
        conv = self._services.store.get_conversation(conversation_id) if conversation_id else None
        self._conversation = conv
        self.conversations.select(conv.id if conv else 0)
        if conv is not None:
            self.title_label.setText(conv.title)
            self.composer.select_model(conv.model)
            self._attached = self._records(conv.file_ids)
            self.composer.set_files(self._attached)
            self.attachments_changed.emit(list(self._attached))
        else:
            self.title_label.setText("No conversation yet — ask a question to start one")
        self.composer.show_warning(None)
        self._refresh_gone()
        self._render_conversation()
        self.conversation_changed.emit(conv.id if conv else 0)
        self._context_timer.start()

    def _render_conversation(self, skip: int = 0) -> None:
        self._finish_pending()
        conv = self._conversation
        turns = self._services.store.list_turns(conv.id) if conv is not None else []
        turns = [t for t in turns if t.id != skip]
        self._turns = {t.id: t for t in turns}
        self.transcript.set_turns([self._view(t) for t in turns])
        self._update_totals()

    def _view(self, turn: Turn, marked: str | None = None) -> TurnView:
        services = self._services
        cost_text = None
        if turn.cost_usd is not None:
            cost_text = services.format_usd(turn.cost_usd)
            saved = services.saved_by_cache(turn)
            if saved > 0:
                cost_text += f" (caching saved {services.format_usd(saved)})"
        answer = marked if marked is not None else place_marks(turn.answer, turn.citations)
        return TurnView(
            turn_id=turn.id,
            question=turn.question,
            answer=answer,
            citations=turn.citations,
            state=turn.state,
            error=turn.error,
            usage=turn.usage,
            cost_text=cost_text,
            model=turn.model,
        )

    def _update_totals(self) -> None:
        turns = list(self._turns.values())
        costs = [t.cost_usd for t in turns if t.cost_usd is not None]
        if not costs:
            self.totals_label.setText("")
            return
        fmt = self._services.format_usd
        saved = sum(self._services.saved_by_cache(t) for t in turns)
        text = f"Total {fmt(sum(costs))}"
        if saved > 0:
            text += f" · caching saved {fmt(saved)}"
        elif saved < 0:
            text += f" · cache writes {fmt(-saved)} so far"
        self.totals_label.setText(text)
        self.totals_label.setToolTip(
            "What this conversation cost. Caching: the attached files are read from the prompt cache "
            "after the first question, at a fraction of the input price; the first write costs a "
            "little more, and later questions repay it."
        )

    # ================================================================== actions

    def _on_transcript_action(self, kind: str, turn_id: int, number: int) -> None:
        if kind == "cite":
            self._open_citation(turn_id, number)
        elif kind == "retry":
            self.retry(turn_id)
        elif kind == "copy":
            self.copy_answer(turn_id)

    def citation(self, turn_id: int, number: int) -> Citation | None:
        job = self._job
        if job is not None and job.turn_id == turn_id:
            citations: tuple[Citation, ...] | list[Citation] = job.citations
        else:
            turn = self._turns.get(turn_id) or self._services.store.get_turn(turn_id)
            citations = turn.citations if turn is not None else ()
        if 1 <= number <= len(citations):
            return citations[number - 1]
        return None

    def _open_citation(self, turn_id: int, number: int) -> None:
        citation = self.citation(turn_id, number)
        if citation is None:
            return
        record = None
        if citation.file_id:
            record = self._services.store.file_by_file_id(citation.file_id)
        if record is None:
            # The file id changed (renewed, refreshed): the same document by its title, else by place.
            documents = [r for r in self._attached if not r.is_image]
            titled = [r for r in documents if r.filename == citation.document_title]
            if len(titled) == 1:
                record = titled[0]
            elif 0 <= citation.document_index < len(documents):
                record = documents[citation.document_index]
        page = citation.start if citation.kind == "page" else None
        self.open_citation.emit(record, page)

    def _remove_chip(self, record: FileRecord) -> None:
        self.set_attached_files([r for r in self._attached if r.id != record.id])
        self.attachments_changed.emit(list(self._attached))

    def _confirm_delete(self, conversation_id: int) -> None:
        conv = self._services.store.get_conversation(conversation_id)
        if conv is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete conversation",
            f"Delete “{conv.title}” and all its answers? This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("deleteConversationBox")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def done(result: int) -> None:
            if result == QMessageBox.StandardButton.Yes:
                self.delete_conversation(conversation_id)

        box.finished.connect(done)
        self._message_box = box
        box.open()

    def _on_model_changed(self, model: str) -> None:
        if self._conversation is not None and model:
            self._services.store.set_conversation_model(self._conversation.id, model)
            self._conversation = self._services.store.get_conversation(self._conversation.id)
        self._context_timer.start()

    # ================================================================== models and context

    def _load_models(self) -> None:
        if self._services.chat is None:
            return
        self._services.runner.run(
            lambda token: self._services.list_models(),
            on_result=self._models_loaded,
            on_failed=lambda failure: log.info("model list unavailable: %s", failure),
            name="list models",
        )

    def _models_loaded(self, models: object) -> None:
        infos = list(models) if isinstance(models, list | tuple) else []
        self._models = {str(m.id): m for m in infos}
        current = self.composer.current_model() or self._services.default_model()
        pairs = [(mid, str(m.display_name or mid)) for mid, m in self._models.items()]
        if pairs and not self.is_streaming:
            self.composer.set_models(pairs, current)
        self._context_timer.start()

    def _check_context(self) -> None:
        """Flag, before sending, attached files that exceed the model's context (a token count)."""
        chat = self._services.chat
        conv = self._conversation
        model = self.composer.current_model()
        info = self._models.get(model)
        limit = info.max_input_tokens if info is not None else None
        if (
            chat is None
            or conv is None
            or not limit
            or not self._attached
            or self.is_streaming
            or self.gone_notice.records  # the request cannot be built; the notice says why
        ):
            self._context_warning(None)
            return
        if self._context_task is not None:
            self._context_task.cancel()
        if conv.model != model:
            self._services.store.set_conversation_model(conv.id, model)
        conv_id = conv.id
        max_input = int(limit)

        def count(token: CancelToken) -> tuple[str, int]:
            return model, chat.count_tokens(conv_id, "?")

        self._context_task = self._services.runner.run(
            count,
            on_result=lambda result: self._context_checked(result, max_input),
            on_failed=lambda failure: self._context_warning(None),
            name="count tokens",
        )

    def _context_warning(self, text: str | None) -> None:
        """Show or clear the context warning; clearing never hides another warning (a question that
        was not sent, "Not connected")."""
        if text:
            self.composer.show_warning(text)
        elif self.composer.warning.text().startswith(_CONTEXT_WARNING):
            self.composer.show_warning(None)

    def _context_checked(self, result: tuple[str, int], limit: int) -> None:
        model, tokens = result
        self.context_tokens = tokens
        if model != self.composer.current_model():
            return
        if tokens > limit:
            text = (
                f"{_CONTEXT_WARNING} about {tokens:,} tokens, more than {model} can read "
                f"({limit:,}). Remove some files or pick a model with a larger context."
            )
            self._context_over = (model, tuple(r.id for r in self._attached), text)
            self._context_warning(text)
        else:
            self._context_over = None
            self._context_warning(None)


class ElidedLabel(QLabel):
    """A one-line label that never widens its layout: long text is elided, the full text is a tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)

    def setText(self, text: str) -> None:
        self._full = text
        self.setToolTip(text if text else "")
        self._elide()

    def text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(0, self.width() - 2)
        QLabel.setText(self, self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width))


def _title_from(question: str) -> str:
    line = " ".join(question.split())
    return line if len(line) <= 60 else line[:59].rstrip() + "…"


def _safe_name(title: str) -> str:
    keep = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in title).strip()
    return keep[:80] or "conversation"
