"""``AnswerStream``: the streaming answer's state machine, from "asked" to its footer in the transcript.

Threads: the answer streams through the bridge (``TaskRunner.stream`` over ``ChatService.ask``, which
writes the question to the catalog before the request goes out and saves the answer as it grows).
The bridge hands the service's events over in batches (``TaskSignals.items``: one list per ~10 ms
while they keep coming); this object takes them on the GUI thread, feeds their text to a
``TextBatcher`` (one transcript update per ~40 ms tick, whatever the token rate, each tick bounded)
and never touches the network or the catalog.

Phases (``Phase``): IDLE → PREPARING (the controller saves the question and checks the files in a
worker) → STREAMING → IDLE. Stop is immediate: the task is cancelled (the service closes the stream
and saves what arrived as incomplete), and the transcript shows what arrived, marked incomplete,
without waiting for the worker. After an answer has ended, its last burst may still be drawing over
a few ticks (``is_rendering``); its footer goes in after it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from assistant.api.chat import ChatEvent, CitationEvent, Done, Failed, Started, TextDelta
from assistant.api.errors import ApiFailure, CancelToken
from assistant.catalog import Citation, Turn, TurnState
from assistant.ui.chat.batcher import TextBatcher
from assistant.ui.chat.format import MarkPlacer
from assistant.ui.chat.state import Phase
from assistant.ui.chat.transcript import StreamingAnswer, Transcript, TurnView

if TYPE_CHECKING:
    from assistant.bridge import Task, TaskRunner

__all__ = ["AnswerStream", "Ended", "Work"]

Work = Callable[[CancelToken], Iterator[ChatEvent]]


@dataclass(frozen=True)
class Ended:
    """How an answer ended (``AnswerStream.ended``), when the transcript has its final state."""

    conversation_id: int
    question: str
    turn_id: int
    state: TurnState
    failure: ApiFailure | None
    stopped: bool
    text: str  # the answer as it came


@dataclass
class _Answer:
    """The answer streaming now."""

    conversation_id: int
    question: str
    model: str
    view: StreamingAnswer
    turn: Turn | None = None
    parts: list[str] = field(default_factory=list)  # the answer as it came
    citations: list[Citation] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)  # the answer with its marks, as rendered
    placer: MarkPlacer = field(default_factory=MarkPlacer)
    task: Task[ChatEvent] | None = None
    closed: bool = False  # the transcript has its final state; later events are ignored
    stopped: bool = False

    @property
    def turn_id(self) -> int:
        return self.turn.id if self.turn is not None else 0


class AnswerStream(QObject):
    """One answer at a time: ``prepare``, then ``start`` (or ``abandon``), ``stop`` at any time."""

    busy_changed = Signal(bool)
    turn_known = Signal(object)  # Turn: the service saved the question, or the answer
    ended = Signal(object)  # Ended: the transcript shows the final state (its footer may follow)
    worker_done = Signal(object)  # Ended: the worker has stopped too (it saved what it had)
    footer_shown = Signal()
    abandoned = Signal(
        str
    )  # the question, not sent after all  # an ended answer's last text and its footer are in the transcript

    def __init__(
        self,
        runner: TaskRunner,
        transcript: Transcript,
        view_of: Callable[[Turn, str], TurnView],
        parent: QObject | None = None,
        *,
        model_name: Callable[[str], str] = str,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._transcript = transcript
        self._view_of = view_of  # a turn's view, with its answer as it was shown
        self._model_name = model_name  # an answer never saved as a turn names its model with this
        self._answer: _Answer | None = None
        self._prepared: tuple[str, StreamingAnswer] | None = None  # the question shown, being saved
        self._phase = Phase.IDLE
        self._live: StreamingAnswer | None = None  # where batched text goes
        self._finishing: TurnView | None = None  # an ended answer whose last text is still showing
        self.batcher = TextBatcher(self._render_batch, parent=self)

    # ------------------------------------------------------------------ state

    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def is_streaming(self) -> bool:
        return self._phase is not Phase.IDLE

    @property
    def is_rendering(self) -> bool:
        """An ended answer still has text waiting to be shown (a burst drains over a few ticks)."""
        return self._finishing is not None

    @property
    def conversation_id(self) -> int:
        """The conversation of the answer streaming now (0 = none)."""
        return self._answer.conversation_id if self._answer is not None else 0

    def citations(self, turn_id: int) -> list[Citation] | None:
        """The citations so far of the streaming answer, when it is ``turn_id``."""
        answer = self._answer
        return list(answer.citations) if answer is not None and answer.turn_id == turn_id else None

    def shown_text(self, turn_id: int) -> str | None:
        """The streaming answer with its marks as shown, when it is ``turn_id``."""
        answer = self._answer
        return "".join(answer.shown) if answer is not None and answer.turn_id == turn_id else None

    # ------------------------------------------------------------------ life

    def prepare(self, question: str) -> None:
        """``question`` was sent and shows at once; it is being saved (``start`` or ``abandon``)."""
        self.finish_pending()
        self._prepared = (question, self._transcript.begin_stream(0, question))
        self._phase = Phase.PREPARING
        self._set_busy(True)

    def abandon(self) -> None:
        """The question was not sent after all (gone files, or stopped before it went out):
        ``abandoned(question)``; the transcript is to be shown again without it."""
        if self._phase is Phase.PREPARING and self._prepared is not None:
            question, self._prepared = self._prepared[0], None
            self._phase = Phase.IDLE
            self._set_busy(False)
            self.abandoned.emit(question)

    def start(self, conversation_id: int, question: str, model: str, work: Work) -> None:
        """Stream ``work``'s events as the answer to ``question``."""
        prepared, self._prepared = self._prepared, None
        if prepared is not None and prepared[0] == question:
            view = prepared[1]
        else:
            self.finish_pending()
            view = self._transcript.begin_stream(0, question)
        self._live = view
        answer = _Answer(conversation_id, question, model, view)
        self._answer = answer
        self._phase = Phase.STREAMING
        self._set_busy(True)
        task = self._runner.stream(work, name="chat answer")
        answer.task = task
        task.signals.items.connect(lambda batch, a=answer: self.feed(a, batch))
        task.signals.failed.connect(lambda failure, a=answer: self._task_failed(a, failure))
        task.signals.finished.connect(lambda a=answer: self._task_ended(a))
        task.signals.cancelled.connect(lambda a=answer: self._task_ended(a))
        task.start()

    def stop(self) -> None:
        """Stop now; what arrived is kept and marked incomplete."""
        if self._phase is Phase.PREPARING:
            self.abandon()
            return
        answer = self._answer
        if answer is None or answer.closed:
            return
        answer.stopped = True
        if answer.task is not None:
            answer.task.cancel()
        self._close(answer, TurnState.INCOMPLETE)

    def feed(self, answer: _Answer, events: list[ChatEvent]) -> None:
        """The service's events, in order, as the bridge delivers them (on the GUI thread)."""
        for event in events:
            if answer.closed:
                return
            if isinstance(event, TextDelta):
                answer.parts.append(event.text)
                self._show(answer, answer.placer.text(event.text))
            elif isinstance(event, CitationEvent):
                answer.citations.append(event.citation)
                self._show(answer, answer.placer.citation(len(answer.citations)))
            elif isinstance(event, Started):
                answer.turn = event.turn
                answer.view.turn_id = event.turn.id
                self.turn_known.emit(event.turn)
            elif isinstance(event, Done):
                self._close(answer, TurnState.COMPLETE, event.turn)
            elif isinstance(event, Failed):
                self._close(answer, TurnState.FAILED, event.turn, failure=event.failure)

    def feed_current(self, events: list[ChatEvent]) -> None:
        """``feed`` for the answer streaming now (nothing when none is)."""
        if self._answer is not None:
            self.feed(self._answer, events)

    def finish_pending(self) -> None:
        """Show at once what an ended answer still has waiting, and its footer."""
        if self._finishing is not None:
            self.batcher.flush_all()
            if self._finishing is not None:
                self._finish_now()

    def shutdown(self) -> None:
        self.stop()
        self.batcher.discard()

    # ------------------------------------------------------------------ inside

    def _set_busy(self, busy: bool) -> None:
        self.busy_changed.emit(busy)

    def _show(self, answer: _Answer, text: str) -> None:
        if text:
            answer.shown.append(text)
            self.batcher.push(text)

    def _render_batch(self, text: str) -> None:
        if self._live is not None:
            self._live.append(text)
        if self._finishing is not None and not self.batcher.pending:
            self._finish_now()

    def _finish_now(self) -> None:
        view, self._finishing = self._finishing, None
        self._live = None
        if view is not None:
            self._transcript.finish_stream(view)
        self.footer_shown.emit()

    def _task_failed(self, answer: _Answer, failure: ApiFailure) -> None:
        """The work raised before or outside the service's own ``Failed`` event."""
        if not answer.closed:
            self._close(answer, TurnState.FAILED, None, failure=failure)
        self.worker_done.emit(self._ended(answer, TurnState.FAILED, failure))

    def _task_ended(self, answer: _Answer) -> None:
        if not answer.closed:  # ended without Done or Failed: the service saved it as incomplete
            self._close(answer, TurnState.INCOMPLETE)
        self.worker_done.emit(self._ended(answer, TurnState.INCOMPLETE, None))

    def _ended(self, answer: _Answer, state: TurnState, failure: ApiFailure | None) -> Ended:
        return Ended(
            answer.conversation_id,
            answer.question,
            answer.turn_id,
            state,
            failure,
            answer.stopped,
            "".join(answer.parts),
        )

    def _close(
        self,
        answer: _Answer,
        state: TurnState,
        turn: Turn | None = None,
        failure: ApiFailure | None = None,
    ) -> None:
        answer.closed = True
        self._show(answer, answer.placer.finish())
        shown = "".join(answer.shown)
        if turn is not None:
            answer.turn = turn
            self.turn_known.emit(turn)  # the controller keeps the saved turn (the totals count it)
            view = self._view_of(turn, shown)
        elif answer.turn is not None:
            view = replace(self._view_of(answer.turn, shown), citations=tuple(answer.citations))
        else:
            view = TurnView(
                turn_id=0,
                question=answer.question,
                answer=shown,
                citations=tuple(answer.citations),
                state=state,
                model=self._model_name(answer.model) if answer.model else "",
            )
        if view.state is not state:
            view = replace(view, state=state)
        if failure is not None:
            view = replace(view, error=str(failure))
        if self._answer is answer:
            self._answer = None
            self._phase = Phase.IDLE
        self._set_busy(False)
        # The footer goes after the last text: at once, or when a burst still waiting has been shown
        # over the next few ticks (each tick's work stays bounded).
        self._finishing = view
        if self.batcher.pending_chars <= self.batcher.max_chars:
            self.batcher.flush_all()
        if self._finishing is not None and not self.batcher.pending:
            self._finish_now()
        self.ended.emit(self._ended(answer, state, failure))
