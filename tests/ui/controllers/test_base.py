"""Controller: its tasks are its own, and once closed nothing more reaches its slots."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from assistant.api.errors import ApiFailure, CancelToken, FailureKind
from assistant.bridge import TaskRunner
from assistant.ui.controllers.base import Controller

from .conftest import WAIT, wait_idle


def test_a_task_is_kept_until_it_ends_and_delivers_its_result(qtbot: QtBot, runner: TaskRunner) -> None:
    controller = Controller(runner)
    results: list[int] = []
    ended: list[bool] = []
    task = controller.run(lambda _tok: 6 * 7, on_result=results.append, on_ended=lambda: ended.append(True))
    assert task is not None and controller.running == {task}
    wait_idle(qtbot, controller)
    assert results == [42] and ended == [True]


def test_failures_reach_on_failed_typed(qtbot: QtBot, runner: TaskRunner) -> None:
    controller = Controller(runner)
    failures: list[ApiFailure] = []

    def work(_tok: CancelToken) -> None:
        raise ApiFailure(FailureKind.NETWORK, "the line is down")

    controller.run(work, on_failed=failures.append)
    wait_idle(qtbot, controller)
    assert [(f.kind, f.message) for f in failures] == [(FailureKind.NETWORK, "the line is down")]


def test_after_close_results_are_dropped_but_on_ended_still_runs(qtbot: QtBot, runner: TaskRunner) -> None:
    controller = Controller(runner)
    started, release = threading.Event(), threading.Event()
    results: list[str] = []
    ended: list[bool] = []

    def work(_tok: CancelToken) -> str:
        started.set()
        release.wait(WAIT / 1000)
        return "late"

    task = controller.run(work, on_result=results.append, on_ended=lambda: ended.append(True))
    assert task is not None and started.wait(WAIT / 1000)
    controller.close()
    assert task.token.is_cancelled(), "close() cancels the controller's tasks"
    release.set()  # the work completes anyway (it did not check its token): its result is on its way
    with qtbot.waitSignal(task.signals.result, timeout=WAIT) as delivered:
        pass
    assert delivered.args == ["late"], "the runner delivered it..."
    wait_idle(qtbot, controller)
    assert results == [], "...but the closed controller's slot never ran"
    assert ended == [True]


def test_a_closed_controller_starts_nothing(qtbot: QtBot, runner: TaskRunner) -> None:
    controller = Controller(runner)
    controller.close()
    ran: list[bool] = []
    assert controller.run(lambda _tok: ran.append(True)) is None
    assert controller.stream(lambda _tok: iter([1, 2])) is None
    assert not controller.running and not runner.running and ran == []


def test_stream_items_arrive_in_order_until_close(qtbot: QtBot, runner: TaskRunner) -> None:
    controller = Controller(runner)
    items: list[int] = []
    task = controller.stream(lambda _tok: iter(range(5)), on_item=items.append)
    assert task is not None and not task.is_running, "a stream is handed back not yet started"
    with qtbot.waitSignal(task.signals.finished, timeout=WAIT):
        task.start()
    assert items == [0, 1, 2, 3, 4]
