"""The conversation controller without a pane widget: catalog work in a worker, in order, results
as signals; and the answer stream's state machine fed by a stream of events."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any, cast

from pytestqt.qtbot import QtBot

from assistant.api.chat import ChatEvent, Done, Started, TextDelta
from assistant.api.errors import CancelToken
from assistant.bridge import TaskRunner
from assistant.catalog import FileState, Store, TurnState, Usage
from assistant.ui.chat.controller import ConversationController
from assistant.ui.chat.jobs import CatalogJobs
from assistant.ui.chat.snapshot import Prepared, Shown
from assistant.ui.chat.state import Phase
from assistant.ui.chat.stream import AnswerStream, Ended
from assistant.ui.chat.transcript import Transcript, TurnView

MODEL = "claude-sonnet-5-5"


class ThreadNotingStore:
    """The catalog, noting the thread of every call (a stand-in handed to ``CatalogJobs``)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.threads: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            self.threads.add(threading.current_thread().name)
            return attr(*args, **kwargs)

        return call


def _controller(store: Any) -> ConversationController:
    return ConversationController(CatalogJobs(cast(Store, store)))  # the jobs' own worker thread


def test_attach_then_ask_run_in_order_in_a_worker(qtbot: QtBot, runner: TaskRunner, store: Store) -> None:
    report = store.add_file(file_id="file_a", filename="a.txt", mime_type="text/plain", size_bytes=3)
    noting = ThreadNotingStore(store)
    controller = _controller(noting)
    with qtbot.waitSignal(controller.shown) as opened:
        controller.load()
    assert cast(Shown, opened.args[0]).conversation is None  # an empty catalog

    # attach (no conversation yet: it makes one), then ask at once: the question goes into it
    order: list[str] = []
    controller.shown.connect(lambda _shown: order.append("shown"))
    controller.send_ready.connect(lambda _prepared: order.append("send_ready"))
    with qtbot.waitSignal(controller.send_ready) as ready:
        controller.attach([report], MODEL)
        assert controller.attached == [report]  # at once, before the catalog has it
        controller.prepare_send("How much did it cost?", MODEL, ticket=7)
    assert order == ["shown", "send_ready"]
    prepared = cast(Prepared, ready.args[0])
    assert prepared.ticket == 7 and not prepared.refused
    assert prepared.conversation is not None and prepared.conversation.title == "How much did it cost?"
    assert prepared.conversation.file_ids == (report.id,)
    assert [c.id for c in store.list_conversations()] == [prepared.conversation.id]
    # the question is saved before the answer is queued
    assert prepared.turn is not None and prepared.turn.state is TurnState.STREAMING
    (saved,) = store.list_turns(prepared.conversation.id)
    assert (saved.id, saved.question) == (prepared.turn.id, "How much did it cost?")
    assert threading.main_thread().name not in noting.threads and noting.threads


def test_a_gone_file_refuses_the_question_before_anything_is_written(
    qtbot: QtBot, runner: TaskRunner, store: Store
) -> None:
    record = store.add_file(file_id="file_b", filename="b.txt", mime_type="text/plain", size_bytes=3)
    conv = store.create_conversation("Keep", MODEL, [record.id])
    controller = _controller(store)
    with qtbot.waitSignal(controller.shown):
        controller.load()
    store.set_file_state(record.id, FileState.EXPIRED)  # as a reconcile would; the controller is not told
    with qtbot.waitSignal(controller.send_ready) as ready:
        controller.prepare_send("Anything?", MODEL)
    prepared = cast(Prepared, ready.args[0])
    assert [r.id for r in prepared.refused] == [record.id]
    assert [r.id for r in prepared.files.gone] == [record.id]
    assert store.get_conversation(conv.id) == conv  # not renamed, nothing saved
    assert store.list_turns(conv.id) == []


def _stream(qtbot: QtBot, runner: TaskRunner) -> tuple[AnswerStream, Transcript]:
    transcript = Transcript()
    qtbot.addWidget(transcript)

    def view_of(turn: Any, shown: str) -> TurnView:
        return TurnView(turn.id, turn.question, shown, turn.citations, turn.state)

    return AnswerStream(runner, transcript, view_of), transcript


def test_the_answer_stream_goes_from_asked_to_its_footer(
    qtbot: QtBot, runner: TaskRunner, store: Store
) -> None:
    conv = store.create_conversation("Bench", MODEL)
    answer, transcript = _stream(qtbot, runner)

    def events(token: CancelToken) -> Iterator[ChatEvent]:
        turn = store.start_turn(conv.id, "Tell me.", MODEL)
        yield Started(turn)
        for i in range(500):
            yield TextDelta(f"word{i} ")
        usage = Usage(input_tokens=10, output_tokens=500)
        done = store.finish_turn(turn.id, state=TurnState.COMPLETE, answer="done", usage=usage)
        yield Done(done, usage, None, "end_turn")

    answer.prepare("Tell me.")
    assert answer.phase is Phase.PREPARING and answer.is_streaming
    assert "Tell me." in transcript.document().toPlainText()  # shown at once
    seen: list[str] = []
    answer.turn_known.connect(lambda turn: seen.append(f"turn {turn.state.value}"))
    answer.ended.connect(lambda _ended: seen.append("ended"))
    with qtbot.waitSignal(answer.worker_done) as done, qtbot.waitSignal(answer.ended) as closed:
        answer.start(conv.id, "Tell me.", MODEL, events)
    assert seen == ["turn streaming", "turn complete", "ended"]
    ended = cast(Ended, closed.args[0])
    assert ended.state is TurnState.COMPLETE and ended.failure is None and not ended.stopped
    assert cast(Ended, done.args[0]).turn_id == ended.turn_id
    qtbot.waitUntil(lambda: not answer.is_rendering)
    assert answer.phase is Phase.IDLE and not answer.is_streaming
    assert transcript.document().toPlainText().endswith("word498 word499\nCopy")  # and its footer
    assert answer.batcher.pushed == 500 and answer.batcher.flushes < 50


def test_stopping_while_the_question_is_saved_abandons_it(qtbot: QtBot, runner: TaskRunner) -> None:
    answer, transcript = _stream(qtbot, runner)
    answer.prepare("Never mind.")
    with qtbot.waitSignal(answer.abandoned) as abandoned, qtbot.assertNotEmitted(answer.ended):
        answer.stop()
    assert abandoned.args == ["Never mind."] and answer.phase is Phase.IDLE
    assert not answer.is_streaming and "Never mind." in transcript.document().toPlainText()
