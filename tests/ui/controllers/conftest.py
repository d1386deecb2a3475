"""Fixtures of the controller tests: the files table's model, its controller, and files uploaded the
way the app uploads them (prepared, sent to the sandbox, their source recorded in the catalog)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from assistant.api.files import FileService, UploadResult
from assistant.bridge import TaskRunner
from assistant.catalog import Store
from assistant.ui.controllers import FilesController
from assistant.ui.files_model import FilesModel

WAIT = 10_000


@pytest.fixture
def model(qtbot: QtBot) -> Iterator[FilesModel]:
    m = FilesModel()
    yield m
    m.timer.stop()


@pytest.fixture
def table(runner: TaskRunner, store: Store, model: FilesModel) -> Iterator[FilesController]:
    """The files table's controller on the catalog and the model (closed at the end)."""
    controller = FilesController(runner, store, model)
    yield controller
    controller.close()


@pytest.fixture
def upload(files: FileService, store: Store, tmp_path: Path) -> Callable[..., UploadResult]:
    """``upload(name, text)``: a local text file, prepared and uploaded as the app does (its source's
    size, time and hash recorded, so the stale check can compare)."""
    from assistant.api.lifecycle import upload_document
    from assistant.documents import prepare

    folder = tmp_path / "docs"
    folder.mkdir(exist_ok=True)

    def make(name: str, text: str) -> UploadResult:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        return upload_document(files, store, prepare(path, cache_dir=tmp_path / "converted"))

    return make


def wait_idle(qtbot: QtBot, *controllers: object, timeout: int = WAIT) -> None:
    """Until none of ``controllers`` (``Controller``s) has a task that has not ended."""
    qtbot.waitUntil(lambda: all(not c.running for c in controllers), timeout=timeout)  # type: ignore[attr-defined]
