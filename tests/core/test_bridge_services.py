"""The services through the bridge, as the window uses them: signals on the GUI thread, in order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from assistant.api.chat import ChatService, Done, Started, TextDelta
from assistant.api.errors import ApiFailure, FailureKind
from assistant.api.files import FileService, UploadProgress, UploadResult
from assistant.bridge import TaskRunner
from assistant.catalog import Store, TurnState

MODEL = "claude-sonnet-5-5"


def test_upload_task_reports_progress_then_result(
    qtbot: QtBot, runner: TaskRunner, files: FileService, tmp_path: Path
) -> None:
    src = tmp_path / "data.txt"
    src.write_bytes(b"abc" * 1_000_000)
    progress: list[UploadProgress] = []
    results: list[UploadResult] = []
    log: list[str] = []
    task = runner.task(lambda token: files.upload(src, cancel=token, progress=task.report))
    task.signals.progress.connect(progress.append)
    task.signals.progress.connect(lambda _: log.append("progress"))
    task.signals.result.connect(results.append)
    task.signals.result.connect(lambda _: log.append("result"))
    task.signals.ended.connect(lambda: log.append("ended"))
    with qtbot.waitSignals([task.signals.result, task.signals.ended], order="strict", timeout=20_000):
        task.start()
    assert len(progress) >= 3 and log == ["progress"] * len(progress) + ["result", "ended"]
    assert progress[-1].sent == progress[-1].total == 3_000_000
    assert results[0].record.size_bytes == 3_000_000


def test_streamed_answer_items_then_finished(  # noqa: PLR0917
    qtbot: QtBot, runner: TaskRunner, chat: ChatService, files: FileService, store: Store, report: Path
) -> None:
    conv = store.create_conversation("c", MODEL, [files.upload(report).record.id]).id
    items: list[Any] = []
    log: list[str] = []
    task = runner.stream(lambda token: chat.ask(conv, "Who was the last keeper?", cancel=token))
    task.signals.item.connect(items.append)
    task.signals.item.connect(lambda _: log.append("item"))
    task.signals.finished.connect(lambda: log.append("finished"))
    task.signals.ended.connect(lambda: log.append("ended"))
    task.signals.failed.connect(lambda f: pytest.fail(f"failed: {f}"))
    with qtbot.waitSignals([task.signals.finished, task.signals.ended], order="strict", timeout=20_000):
        task.start()
    assert log == ["item"] * len(items) + ["finished", "ended"]
    assert isinstance(items[0], Started) and isinstance(items[-1], Done)
    assert "".join(i.text for i in items if isinstance(i, TextDelta)) == items[-1].turn.answer


def test_stop_mid_stream_through_the_bridge(  # noqa: PLR0917
    qtbot: QtBot,
    runner: TaskRunner,
    chat: ChatService,
    files: FileService,
    store: Store,
    report: Path,
    sandbox: Any,
) -> None:
    conv = store.create_conversation("c", MODEL, [files.upload(report).record.id]).id
    sandbox.tokens_per_second = 40
    texts: list[str] = []
    task = runner.stream(lambda token: chat.ask(conv, "Describe every maintenance entry.", cancel=token))

    def on_item(item: object) -> None:
        if isinstance(item, TextDelta):
            texts.append(item.text)
            if len(texts) == 2:
                task.cancel()  # the Stop button, on the GUI thread

    task.signals.item.connect(on_item)
    task.signals.finished.connect(lambda: pytest.fail("a stopped answer must not finish"))
    with qtbot.waitSignals([task.signals.cancelled, task.signals.ended], order="strict", timeout=20_000):
        task.start()
    (turn,) = store.list_turns(conv)
    assert turn.state is TurnState.INCOMPLETE
    assert turn.answer.startswith("".join(texts))


def test_failure_arrives_typed(qtbot: QtBot, runner: TaskRunner, files: FileService, sandbox: Any) -> None:
    sandbox.faults.set("files:529,retry-after=0.01")
    failures: list[ApiFailure] = []
    task = runner.task(lambda token: files.list_remote())
    task.signals.failed.connect(failures.append)
    with qtbot.waitSignals([task.signals.failed, task.signals.ended], order="strict", timeout=20_000):
        task.start()
    assert failures[0].kind is FailureKind.OVERLOADED
