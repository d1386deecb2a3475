"""The worker-thread bridge: order of signals, cancellation, failures, registry and shutdown."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from assistant.api.errors import ApiFailure, Cancelled, CancelToken, FailureKind
from assistant.bridge import TaskRunner


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[TaskRunner]:
    r = TaskRunner(max_threads=4)
    yield r
    assert r.shutdown(5000)


def test_one_shot_delivers_result_then_ended_on_gui_thread(qtbot: QtBot, runner: TaskRunner) -> None:
    gui = threading.get_ident()
    seen: list[tuple[str, object, int]] = []
    worker_thread: list[int] = []

    def work(token: CancelToken) -> int:
        worker_thread.append(threading.get_ident())
        return 42

    task = runner.task(work)
    task.signals.result.connect(lambda v: seen.append(("result", v, threading.get_ident())))
    with qtbot.waitSignals([task.signals.result, task.signals.ended], order="strict"):
        task.start()
    assert seen == [("result", 42, gui)]
    assert worker_thread and worker_thread[0] != gui


def test_one_shot_error_becomes_typed_failure(qtbot: QtBot, runner: TaskRunner) -> None:
    def work(token: CancelToken) -> int:
        raise FileNotFoundError(2, "No such file", "/nope/x.pdf")

    task = runner.task(work)
    failures: list[ApiFailure] = []
    task.signals.failed.connect(failures.append)
    task.signals.result.connect(lambda v: pytest.fail("no result expected"))
    with qtbot.waitSignals([task.signals.failed, task.signals.ended], order="strict"):
        task.start()
    assert len(failures) == 1
    assert failures[0].kind is FailureKind.LOCAL
    assert "/nope/x.pdf" in failures[0].message


def test_generator_items_in_order_then_finished(qtbot: QtBot, runner: TaskRunner) -> None:
    def gen(token: CancelToken) -> Iterator[str]:
        yield "a"
        yield "b"
        yield "c"

    items: list[str] = []
    task = runner.stream(gen)
    task.signals.item.connect(items.append)
    with qtbot.waitSignals(
        [task.signals.item, task.signals.item, task.signals.item, task.signals.finished, task.signals.ended],
        order="strict",
    ):
        task.start()
    assert items == ["a", "b", "c"]


def test_generator_failure_after_items(qtbot: QtBot, runner: TaskRunner) -> None:
    def gen(token: CancelToken) -> Iterator[int]:
        yield 1
        raise ApiFailure(FailureKind.OVERLOADED, "busy")

    task = runner.stream(gen)
    failures: list[ApiFailure] = []
    task.signals.failed.connect(failures.append)
    task.signals.finished.connect(lambda: pytest.fail("must not finish"))
    with qtbot.waitSignals([task.signals.item, task.signals.failed, task.signals.ended], order="strict"):
        task.start()
    assert [f.kind for f in failures] == [FailureKind.OVERLOADED]


def test_cancel_stops_generator_between_items_and_closes_it(qtbot: QtBot, runner: TaskRunner) -> None:
    gate = threading.Event()
    closed = threading.Event()
    produced: list[int] = []

    def gen(token: CancelToken) -> Iterator[int]:
        try:
            for i in range(1000):
                produced.append(i)
                yield i
                if i == 0:
                    gate.wait(10)  # hold after the first item until the test cancels
        finally:
            closed.set()

    task = runner.stream(gen)
    items: list[int] = []
    task.signals.item.connect(items.append)
    task.signals.finished.connect(lambda: pytest.fail("must not finish"))
    with qtbot.waitSignals([task.signals.item], timeout=10_000):
        task.start()
    with qtbot.waitSignals([task.signals.cancelled, task.signals.ended], order="strict", timeout=10_000):
        task.cancel()
        gate.set()
    assert closed.is_set()
    assert items == [0]  # an item produced after cancel() is never delivered
    assert produced in ([0], [0, 1])


def test_one_shot_raising_cancelled_reports_cancelled(qtbot: QtBot, runner: TaskRunner) -> None:
    started = threading.Event()

    def work(token: CancelToken) -> None:
        started.set()
        while not token.wait(0.01):
            pass
        raise Cancelled

    task = runner.task(work)
    task.signals.failed.connect(lambda f: pytest.fail(f"unexpected failure {f}"))
    with qtbot.waitSignals([task.signals.cancelled, task.signals.ended], order="strict", timeout=10_000):
        task.start()
        assert started.wait(10)
        task.cancel()


def test_registry_keeps_task_until_ended(qtbot: QtBot, runner: TaskRunner) -> None:
    release = threading.Event()

    def work(token: CancelToken) -> str:
        release.wait(10)
        return "ok"

    task = runner.task(work)
    with qtbot.waitSignals([task.signals.result, task.signals.ended], order="strict", timeout=10_000):
        task.start()
        assert task in runner.running
        release.set()
    qtbot.waitUntil(lambda: task not in runner.running)


def test_run_helper_connects_before_start(qtbot: QtBot, runner: TaskRunner) -> None:
    results: list[int] = []
    ended: list[bool] = []
    task = runner.run(lambda token: 7, on_result=results.append, on_ended=lambda: ended.append(True))
    qtbot.waitUntil(lambda: bool(ended))
    assert results == [7]
    assert not task.is_running


def test_shutdown_cancels_and_waits(qtbot: QtBot) -> None:
    runner = TaskRunner(max_threads=2)
    stopped = threading.Event()

    def endless(token: CancelToken) -> Iterator[int]:
        i = 0
        try:
            while True:
                i += 1
                yield i
                token.wait(0.01)
        finally:
            stopped.set()

    task = runner.stream(endless)
    with qtbot.waitSignals([task.signals.item], timeout=10_000):
        task.start()
    assert runner.shutdown(10_000)
    assert stopped.is_set()
    assert task.wait(0)
    with pytest.raises(RuntimeError):
        runner.task(lambda token: 1).start()


def test_many_emits_do_not_exhaust_the_bools(qtbot: QtBot, runner: TaskRunner) -> None:
    """PySide6 6.12.0's emit() dropped a reference to True each time and aborted the interpreter;
    pyproject.toml keeps PySide6 below 6.12, and this proves the installed one does not leak."""
    import sys

    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        ping = Signal(object)

    emitter = Emitter()
    before = sys.getrefcount(True)
    for i in range(50_000):
        emitter.ping.emit(i)
    assert sys.getrefcount(True) >= before - 100

    def gen(token: CancelToken) -> Iterator[int]:
        yield from range(5_000)

    items: list[int] = []
    task = runner.stream(gen)
    task.signals.item.connect(items.append)
    with qtbot.waitSignals([task.signals.finished, task.signals.ended], order="strict", timeout=20_000):
        task.start()
    assert items == list(range(5_000))


def test_items_arrive_in_batches_and_end_comes_after_them(qtbot: QtBot, runner: TaskRunner) -> None:
    def gen(token: CancelToken) -> Iterator[int]:
        yield from range(2_000)

    batches: list[list[int]] = []
    singles: list[int] = []
    log: list[str] = []
    task = runner.stream(gen)
    task.signals.items.connect(batches.append)
    task.signals.item.connect(singles.append)
    task.signals.finished.connect(lambda: log.append(f"finished after {len(singles)}"))
    with qtbot.waitSignals([task.signals.finished, task.signals.ended], order="strict", timeout=20_000):
        task.start()
    assert [i for b in batches for i in b] == singles == list(range(2_000))
    assert log == ["finished after 2000"]


def test_progress_then_result(qtbot: QtBot, runner: TaskRunner) -> None:
    seen: list[object] = []
    task = runner.task(lambda token: [task.report(i) for i in range(3)] and "done")
    task.signals.progress.connect(seen.append)
    task.signals.result.connect(seen.append)
    with qtbot.waitSignals([task.signals.result, task.signals.ended], order="strict"):
        task.start()
    assert seen == [0, 1, 2, "done"]
