"""The way of a question: checks before it is sent, saving it (the controller, in a worker), its
answer streaming (``AnswerStream``), and what a failure leaves behind (the question back in the box;
a file the API says is gone marked, the question treated as not sent).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from assistant.api.errors import CancelToken, FailureKind
from assistant.catalog import FileRecord, Turn
from assistant.ui.chat.composer import Composer
from assistant.ui.chat.context import ContextCheck
from assistant.ui.chat.controller import ConversationController
from assistant.ui.chat.services import ChatServices
from assistant.ui.chat.snapshot import Prepared, not_sent_text
from assistant.ui.chat.state import Phase, WarningKind
from assistant.ui.chat.stream import AnswerStream, Ended

if TYPE_CHECKING:
    from assistant.api.chat import ChatEvent

__all__ = ["CONTINUE_QUESTION", "Questions"]

CONTINUE_QUESTION = "Continue your previous answer from exactly where it stopped."


class Questions(QObject):
    """Ask and retry; ``new_conversation()`` when a question will start one (the pane clears its
    search)."""

    sending = Signal(object)  # the Conversation, as the answer starts streaming
    retrying = Signal(int)  # a turn is asked again: the transcript shows the others
    new_conversation = Signal()

    def __init__(
        self,
        services: ChatServices,
        *,
        controller: ConversationController,
        answer: AnswerStream,
        composer: Composer,
        context: ContextCheck,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._controller = controller
        self._answer = answer
        self._composer = composer
        self._context = context
        self._sending = 0  # the ticket of the question being prepared
        self._recheck: Ended | None = None  # a stopped answer: show what the worker saved, if more
        controller.send_ready.connect(self._on_send_ready)
        controller.not_sent.connect(self._on_not_sent)
        answer.ended.connect(self._on_answer_ended)
        answer.worker_done.connect(self._on_worker_done)

    def ask(self, question: str) -> None:
        """Ask ``question`` in the current conversation (one is made if there is none)."""
        question = question.strip()
        if not question or self._answer.is_streaming:
            return
        if self._services.chat is None:
            self._composer.show_warning(
                "Not connected yet: enter an API key (API key…) or try it offline. Your question is kept.",
                WarningKind.NOT_CONNECTED,
            )
            return
        if self._refuse_gone():
            return
        model = self._composer.current_model()
        over = self._context.refusal(model, tuple(r.id for r in self._controller.attached))
        if over is not None:  # the files alone exceed this model's context: the API would refuse
            self._composer.show_warning(f"{over} Your question is kept.", WarningKind.CONTEXT)
            return
        if self._controller.conversation is None:
            self.new_conversation.emit()
        if self._composer.text().strip() == question:
            self._composer.set_text("")
        self._send(question, 0)

    def retry(self, turn_id: int) -> None:
        """Ask a failed (or stopped) turn's question again; the new answer replaces that turn."""
        turn = self._controller.turn(turn_id)
        conv = self._controller.conversation
        if self._answer.is_streaming or self._services.chat is None or turn is None or conv is None:
            return
        if turn.conversation_id != conv.id:
            return
        if self._refuse_gone():
            if not self._composer.text().strip():
                self._composer.set_text(turn.question)
            return
        if self._composer.text().strip() == turn.question.strip():
            self._composer.set_text("")
        self._send(turn.question, turn_id)

    def go_on(self, turn_id: int) -> None:
        """An answer cut at the length limit: ask the model to continue it (a new question)."""
        if self._controller.turn(turn_id) is not None:
            self.ask(CONTINUE_QUESTION)

    def take_recheck(self, turn: Turn | None) -> bool:
        """After a stop, the turns were read again: whether the transcript must show them (the
        worker saved more than was shown)."""
        recheck, self._recheck = self._recheck, None
        return recheck is None or (turn is not None and turn.answer != recheck.text)

    @property
    def recheck_turn(self) -> int:
        return self._recheck.turn_id if self._recheck is not None else 0

    def _refuse_gone(self) -> bool:
        """Attached files known to be gone refuse the question here (the controller checks again with
        the catalog before it goes out). True when the question must not be sent."""
        gone = [r for r in self._controller.attached if not r.is_active]
        if gone:
            self._composer.show_warning(not_sent_text(gone), WarningKind.NOT_SENT)
        return bool(gone)

    def _send(self, question: str, retry_of: int) -> None:
        self._sending += 1
        if retry_of:
            self.retrying.emit(retry_of)
        self._answer.prepare(question)
        model = self._composer.current_model()
        self._controller.prepare_send(question, model, retry_of=retry_of, ticket=self._sending)

    def _on_send_ready(self, prepared: Prepared) -> None:
        chat, conv, turn = self._services.chat, prepared.conversation, prepared.turn
        if prepared.ticket != self._sending or self._answer.phase is not Phase.PREPARING:
            self._controller.unsend(prepared)  # stopped while it was being saved
            return
        if prepared.refused or chat is None or conv is None or turn is None:
            self._controller.unsend(prepared)
            self._answer.abandon()
            if not self._composer.text().strip():
                self._composer.set_text(prepared.question)
            if prepared.refused:
                self._composer.show_warning(not_sent_text(prepared.refused), WarningKind.NOT_SENT)
            return
        self.sending.emit(conv)
        self._composer.show_warning(None)

        def work(token: CancelToken) -> Iterator[ChatEvent]:
            return chat.answer(turn, cancel=token)  # the question is in the catalog already

        self._answer.start(conv.id, prepared.question, self._composer.current_model(), work)

    def _on_answer_ended(self, ended: Ended) -> None:
        failure = ended.failure
        if failure is None:
            return
        if not self._composer.text().strip():
            self._composer.set_text(ended.question)  # the question is never lost
        conv = self._controller.conversation
        gone_kinds = (FailureKind.FILE_NOT_FOUND, FailureKind.FILE_EXPIRED)
        if failure.kind in gone_kinds and conv is not None and conv.id == ended.conversation_id:
            self._controller.failed_on_gone_files(ended.question, ended.turn_id, failure)

    def _on_worker_done(self, ended: Ended) -> None:
        conv = self._controller.conversation
        if not (ended.stopped and ended.turn_id and conv is not None) or self._answer.is_streaming:
            return
        if conv.id == ended.conversation_id:  # the worker saved what it had: more than was shown?
            self._recheck = ended
            self._controller.reload_turns()

    def _on_not_sent(self, question: str, gone: list[FileRecord]) -> None:
        if not self._composer.text().strip():
            self._composer.set_text(question)
        self._composer.show_warning(not_sent_text(gone), WarningKind.NOT_SENT)
