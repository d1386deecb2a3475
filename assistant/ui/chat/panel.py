"""``ChatPanel``: the chat pane's layout; it builds its parts, hands them what they need, wires them.

The parts: ``ConversationController`` (conversations and attached files; every catalog call in a
worker, results as signals), ``AnswerStream`` (the streaming answer), ``ContextCheck`` (the model list
and whether the attached files fit), ``ModelPicking`` (the picker and the models' names),
``Attaching`` (rows dropped from the files table, Attach…), ``GoneFileActions`` (remove, renew or
replace a file that is gone), ``ConversationDrawer`` (when the conversation list shows),
``Exporter`` (Markdown, written in a worker) and ``CostParts`` (the estimate beside Send, the cache
meter). The widgets are the ``ConversationList``, the ``Transcript``, the ``GoneFilesNotice`` and
the ``Composer``. Nothing here reads state back from a widget's text: what a warning is about is
``Composer.warning_kind``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from assistant.catalog import Citation, Conversation, FileRecord, Turn
from assistant.catalog.rules import can_renew
from assistant.ui.chat.asking import Questions
from assistant.ui.chat.attaching import Attaching
from assistant.ui.chat.citing import Citing
from assistant.ui.chat.context import ContextCheck, ContextQuery
from assistant.ui.chat.controller import ConversationController
from assistant.ui.chat.cost_parts import CostParts
from assistant.ui.chat.costs import totals_text, totals_tip, turn_view
from assistant.ui.chat.drawer import ConversationDrawer
from assistant.ui.chat.export import Exporter
from assistant.ui.chat.format import place_marks, plain_answer
from assistant.ui.chat.jobs import CatalogJobs
from assistant.ui.chat.layout import ChatLayout
from assistant.ui.chat.notes import TranscriptNotes
from assistant.ui.chat.picking import ModelPicking
from assistant.ui.chat.replacing import GoneFileActions
from assistant.ui.chat.services import ChatServices
from assistant.ui.chat.snapshot import Files, Shown
from assistant.ui.chat.state import Phase, TurnAction, WarningKind
from assistant.ui.chat.stream import AnswerStream

if TYPE_CHECKING:
    from assistant.api.chat import ChatService

__all__ = ["ChatPanel"]

_NO_CONVERSATION = "No conversation yet — ask a question to start one"


class ChatPanel(ChatLayout):
    """The chat pane. See ``assistant.ui.chat`` for the interface the main window uses."""

    attachments_changed = Signal(list)
    files_shown = Signal(list)  # the conversation's files as the chips show them (after any change)
    conversation_changed = Signal(int)  # the shown conversation's id (0 = none yet)
    busy_changed = Signal(bool)
    file_states_changed = Signal(list)  # FileRecords whose state the pane learnt from the API

    def __init__(self, services: ChatServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services

        self.jobs = CatalogJobs(services.store, self)
        self.controller = ConversationController(self.jobs, self)
        self.notes = TranscriptNotes(self.jobs, self.controller, self.transcript, self)  # kept between runs
        self.answer = AnswerStream(
            services.runner,
            self.transcript,
            lambda t, shown: turn_view(t, services, shown),
            self,
            model_name=services.model_name,
        )
        self.context_check = ContextCheck(services, self._context_query, self)
        self.questions = Questions(
            services,
            controller=self.controller,
            answer=self.answer,
            composer=self.composer,
            context=self.context_check,
            parent=self,
        )
        self.exporter = Exporter(services, self)
        self.costs = CostParts(services, self, self._context_query)  # the estimate and the cache meter
        self.gone = GoneFileActions(self.controller, self.composer, services.renew, self)
        self.drawer = ConversationDrawer(self, self.conversations, self.conversations_button)
        self.models = ModelPicking(services, self.composer, lambda: self.is_streaming, self)
        self.conversations.model_name = services.model_name
        if services.offline:
            self.totals_label.setAccessibleName("Conversation tokens")
        say = self.composer.show_status
        self.attaching = Attaching(self.jobs, self.attached_files, self._attach, say, self)
        self.attaching.drops.watch(self)
        self.citing = Citing(self.controller, self.citation, self)  # to the source pane; mark tooltips
        self.citing.watch(self.transcript)
        self._wire()

        self.controller.load()
        self.context_check.load_models()

    def _wire(self) -> None:
        self.new_conversation_action.triggered.connect(self.new_conversation)
        self.stop_action.triggered.connect(self.stop)
        self.export_action.triggered.connect(self._export_asking)
        self.export_button.clicked.connect(self._export_asking)

        conversations, composer, notice = self.conversations, self.composer, self.gone_notice
        conversations.selected.connect(self._on_conversation_selected)
        conversations.new_requested.connect(self.new_conversation)
        conversations.rename_requested.connect(self.rename_conversation)
        conversations.delete_requested.connect(self.delete_conversation)
        conversations.filter_changed.connect(self._on_filter_changed)
        composer.send_requested.connect(lambda text: self.costs.send(text, self.ask))  # limit: asks first
        composer.stop_requested.connect(self.stop)
        composer.chip_removed.connect(self.gone.remove)
        composer.attach_requested.connect(self.attaching.pick)
        composer.files_set.connect(self.transcript.set_file_count)  # the empty conversation's hint
        composer.model_changed.connect(self._on_model_changed)
        notice.remove.connect(self.gone.remove)
        notice.attach_another.connect(self.gone.pick_replacement)
        notice.renew.connect(self.gone.renew)
        self.transcript.action.connect(self._on_transcript_action)

        ctl = self.controller
        ctl.listed.connect(self.conversations.fill)
        ctl.listed.connect(self._count_conversations)
        self.conversations_action.triggered.connect(lambda: self.drawer.set_open(not self.drawer.open))
        ctl.shown.connect(self._on_shown)
        ctl.renamed.connect(lambda conv: self.title_label.setText(conv.title))
        ctl.files_changed.connect(self._on_files)
        ctl.file_states_changed.connect(self.file_states_changed)
        ctl.turns_loaded.connect(self._on_turns_loaded)
        ctl.warning.connect(self.composer.show_warning)
        ctl.status.connect(self._on_status)

        self.answer.busy_changed.connect(self._set_busy)
        self.answer.turn_known.connect(self.controller.keep_turn)
        self.questions.sending.connect(lambda conv: self.title_label.setText(conv.title))
        self.questions.retrying.connect(lambda turn_id: self._render_conversation(skip=turn_id))
        self.answer.abandoned.connect(self._on_abandoned)
        self.questions.new_conversation.connect(self.conversations.search.clear)
        self.answer.footer_shown.connect(self._update_totals)
        self.context_check.models_loaded.connect(self.models.models_arrived)
        self.models.names_changed.connect(self._names_changed)
        self.context_check.warning.connect(self._on_context_warning)
        self.exporter.exported.connect(lambda path: self.composer.show_status(f"Exported to {path.name}"))
        self.exporter.failed.connect(self.composer.show_status)

    # ================================================================== the window's interface

    def set_attached_files(self, records: list[FileRecord]) -> None:
        """The files the window has selected for this conversation (shown as chips, saved with it;
        with no conversation yet, attaching files starts one). Their states are read again from the
        catalog, so a file that is gone shows as such."""
        self.composer.set_files(records)
        self.controller.attach(records, self.composer.current_model())

    def _attach(self, records: list[FileRecord]) -> None:
        self.set_attached_files(records)
        self.focus_composer()

    def attached_files(self) -> list[FileRecord]:
        return self.controller.attached

    def refresh_files(self) -> None:
        """Read the attached files again from the catalog (the window calls this after a reconcile, a
        renewal or a clean-up): chips and the notice about gone files follow their states."""
        self.controller.refresh_files()

    def gone_files(self) -> list[FileRecord]:
        """The attached files that are expired, missing or deleted (as the notice shows them)."""
        return list(self.gone_notice.records)

    def new_conversation(self) -> None:
        """Start a new conversation (the attached files carry over). An empty one is reused."""
        self.stop()
        search = self.conversations.search
        search.blockSignals(True)
        search.clear()
        search.blockSignals(False)
        self.controller.filter_text = ""
        self.controller.new_conversation(self.composer.current_model())
        self.focus_composer()

    def focus_composer(self) -> None:
        self.composer.input.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def stop(self) -> None:
        """Stop the streaming answer now; what arrived is kept and marked incomplete."""
        self.answer.stop()

    def set_chat_service(self, chat: ChatService | None) -> None:
        """Give (or replace) the chat service once the window has a client; reloads the model list."""
        self._services.chat = chat
        self.context_check.load_models()
        self.context_check.schedule()

    def shutdown(self) -> None:
        """Stop streaming (the window calls this when it closes, before the runner shuts down)."""
        self.answer.shutdown()
        self.context_check.stop()
        self.costs.stop()
        self.jobs.shutdown()

    # ================================================================== more (tests, menus)

    def current_conversation(self) -> Conversation | None:
        return self.controller.conversation

    @property
    def is_streaming(self) -> bool:
        return self.answer.is_streaming

    @property
    def is_rendering(self) -> bool:
        return self.answer.is_rendering

    @property
    def is_settled(self) -> bool:
        """No catalog job of the pane is queued or running."""
        return self.controller.idle

    def ask(self, question: str) -> None:
        """Ask ``question`` in the current conversation (one is made if there is none)."""
        self.questions.ask(question)

    def retry(self, turn_id: int) -> None:
        """Ask a failed (or stopped) turn's question again; the new answer replaces that turn."""
        self.questions.retry(turn_id)

    def copy_answer(self, turn_id: int) -> str:
        """Copy an answer (Markdown, marks as [n]) to the clipboard; returns the copied text."""
        text = self.answer.shown_text(turn_id)
        if text is None:
            turn = self.controller.turn(turn_id)
            text = place_marks(turn.answer, turn.citations) if turn is not None else ""
        text = plain_answer(text)
        QGuiApplication.clipboard().setText(text)
        self.composer.show_status("Answer copied")
        return text

    def citation(self, turn_id: int, number: int) -> Citation | None:
        citations = self.answer.citations(turn_id)
        if citations is None:
            turn = self.controller.turn(turn_id)
            citations = list(turn.citations) if turn is not None else []
        return citations[number - 1] if 1 <= number <= len(citations) else None

    def export_markdown(self, path: str | Path | None = None) -> None:
        """Write the conversation as Markdown to ``path`` (in a worker: ``exporter.exported(Path)``);
        without one, ask where (non-blocking)."""
        conv = self.controller.conversation
        if conv is not None:
            self.exporter.export(conv, Path(path) if path is not None else None)

    def _export_asking(self) -> None:
        self.export_markdown()  # not the clicked/triggered signal's bool as a path

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        self.controller.rename(conversation_id, title)

    def delete_conversation(self, conversation_id: int) -> None:
        if self.answer.conversation_id == conversation_id:
            self.stop()
        self.controller.delete(conversation_id)

    def pick_replacement(self, record: FileRecord) -> None:
        """ "Attach another…" for a gone file: a non-blocking list of the active files in the catalog
        (read in a worker; ``controller.replacements`` when they are there); the chosen one takes the
        gone file's place."""
        self.gone.pick_replacement(record)

    def replace_file(self, old: FileRecord, new: FileRecord) -> None:
        """Attach ``new`` in the place of ``old`` in the current conversation (history unchanged)."""
        self.controller.replace_file(old, new)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and not self.is_streaming:
            QTimer.singleShot(0, self, self._render_conversation)  # the transcript has its new colours
        elif event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            # Back to the app (maybe days later): the files may have expired meanwhile. A few short
            # catalog reads in a worker; the window still calls refresh_files after its own reconcile.
            QTimer.singleShot(0, self, self.refresh_files)
        super().changeEvent(event)

    def _on_abandoned(self, question: str) -> None:
        self._render_conversation()  # without the question shown while it was being saved
        if not self.composer.text().strip():
            self.composer.set_text(question)

    def _set_busy(self, busy: bool) -> None:
        self.composer.set_busy(busy)
        self.stop_action.setEnabled(busy)
        self.busy_changed.emit(busy)

    # ================================================================== showing

    def _on_shown(self, shown: Shown) -> None:
        conv = shown.conversation
        self.conversations.select(conv.id if conv else 0)
        if conv is not None:
            self.title_label.setText(conv.title)
            self.composer.select_model(conv.model)
        else:
            self.title_label.setText(_NO_CONVERSATION)
        self.composer.show_warning(None)
        self._on_files(shown.files, conv is not None)
        if not self.is_streaming:
            self._render_conversation()
        self.conversation_changed.emit(conv.id if conv else 0)

    def _on_files(self, files: Files, changed: bool) -> None:
        self.composer.set_files(files.attached)
        self.files_shown.emit(list(files.attached))
        renewable = set() if self._services.renew is None else {r.id for r in files.gone if can_renew(r)}
        self.gone_notice.set_files(files.gone, renewable)
        if not files.gone:
            self.composer.clear_warning(WarningKind.NOT_SENT)  # replaced or removed: it can go now
        if changed:
            self.attachments_changed.emit(list(files.attached))
        self.context_check.schedule()

    def _on_turns_loaded(self, _turns: tuple[Turn, ...]) -> None:
        turn = self.controller.turn(self.questions.recheck_turn)
        if self.questions.take_recheck(turn) and not self.is_streaming:
            self._render_conversation()

    def _render_conversation(self, skip: int = 0) -> None:
        self.answer.finish_pending()
        turns = [t for t in self.controller.turns if t.id != skip]
        self.transcript.set_turns([turn_view(t, self._services) for t in turns], self.notes.notes)
        self._update_totals()

    def _update_totals(self) -> None:
        text = totals_text(self.controller.turns, self._services)
        self.totals_label.setText(text)
        if text:
            self.totals_label.setToolTip(totals_tip(self._services))

    def _on_status(self, text: str) -> None:
        self.composer.clear_warning(WarningKind.OTHER)
        self.composer.show_status(text)

    # ================================================================== actions

    def _on_transcript_action(self, kind: TurnAction, turn_id: int, number: int) -> None:
        if kind is TurnAction.CITE:
            self.citing.open(turn_id, number)
        elif kind is TurnAction.RETRY:
            self.retry(turn_id)
        elif kind is TurnAction.COPY:
            self.copy_answer(turn_id)
        elif kind is TurnAction.CONTINUE:
            self.questions.go_on(turn_id)

    def _on_conversation_selected(self, conversation_id: int) -> None:
        conv = self.controller.conversation
        if conversation_id and (conv is None or conversation_id != conv.id):
            preparing = self.answer.phase is Phase.PREPARING
            if preparing or self.answer.conversation_id not in (0, conversation_id):
                self.stop()
            self.controller.open(conversation_id)

    def _on_filter_changed(self, text: str) -> None:
        self.controller.filter_text = text
        self.controller.reload_list()

    def _on_model_changed(self, model: str) -> None:
        if model:
            self.controller.set_model(model)
        self.context_check.schedule()

    def _count_conversations(self, conversations: tuple[Conversation, ...], _current: int) -> None:
        if not self.controller.filter_text:  # a search's hits are not how many there are
            self.drawer.set_count(len(conversations))

    # ================================================================== models and context

    def _names_changed(self) -> None:
        """The model list named a model differently from its id's spelling: footers and list again."""
        if not self.is_streaming:
            self._render_conversation()
        self.controller.reload_list()

    def _context_query(self) -> ContextQuery | None:
        conv, attached = self.controller.conversation, self.controller.attached
        if conv is None or not attached or self.is_streaming or self.gone_notice.records:
            return None  # nothing to count, or the request cannot be built (the notice says why)
        files, history = tuple(r.id for r in attached), tuple(t.id for t in self.controller.turns)
        question = self.composer.text().strip()
        return ContextQuery(conv.id, self.composer.current_model(), files, question, history)

    def _on_context_warning(self, text: str | None) -> None:
        """Show or clear the context warning; clearing never hides another warning."""
        if text:
            self.composer.show_warning(text, WarningKind.CONTEXT)
        else:
            self.composer.clear_warning(WarningKind.CONTEXT)
