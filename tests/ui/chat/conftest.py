"""Fixtures of the chat pane tests: a catalog, a client and services on the in-process sandbox."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from assistant.bridge import TaskRunner
from assistant.catalog import FileRecord, Store
from assistant.paths import Paths
from assistant.ui.chat import ChatPanel, ChatServices

MODEL = "claude-sonnet-5-5"

REPORT_TEXT = "\n\n".join(
    [
        "The Harbour Lighthouse Report. This report describes the restoration of the old harbour "
        "lighthouse between 2019 and 2024, its budget, its keepers, and the lamp that was installed in "
        "the lantern room.",
        "Budget. The restoration cost 2.4 million euros in total. The town council paid 1.1 million "
        "euros, the maritime heritage fund paid 900,000 euros, and private donors gave the remaining "
        "400,000 euros.",
        "The lamp. A rotating LED lamp replaced the paraffin burner in March 2023. Its beam reaches "
        "twenty-two nautical miles and it flashes white every six seconds.",
        "Keepers. The last resident keeper, Marta Quint, left the lighthouse in 1987. Since then the "
        "light has been automatic and volunteers open the tower to visitors on summer weekends.",
    ]
    + [  # enough text that the documents are long enough to be cached
        f"Appendix section {i}. Maintenance log entry {i}: the stairs, railings, windows and the copper "
        f"dome were inspected; paint was renewed on floor {i % 7}; the weather station recorded wind, "
        "rain and salt spray; no structural damage was found and the volunteers cleaned the glass."
        for i in range(1, 60)
    ]
)


@pytest.fixture
def catalog_path(paths: Paths) -> Path:
    """Where the shared ``store`` fixture (tests/conftest.py) keeps the catalog."""
    return paths.catalog


@pytest.fixture
def chat(client: Any, store: Store) -> Any:
    """The chat service, saving a streamed answer every 0.2 s (the tests read partial answers)."""
    from assistant.api.chat import ChatService

    return ChatService(client, store, max_tokens=1024, save_interval=0.2)


@pytest.fixture
def report(tmp_path: Path, client: Any, store: Store) -> FileRecord:
    """The lighthouse report, uploaded to the sandbox and in the catalog."""
    from assistant.api.files import FileService

    path = tmp_path / "lighthouse-report.txt"
    path.write_text(REPORT_TEXT, encoding="utf-8")
    return FileService(client, store, retention_seconds=30 * 86_400).upload(path).record


@pytest.fixture
def make_panel(
    qtbot: QtBot, store: Store, runner: TaskRunner, chat: Any
) -> Iterator[Callable[..., ChatPanel]]:
    panels: list[ChatPanel] = []

    def make(store_: Store | None = None, with_chat: bool = True, **more: Any) -> ChatPanel:
        services = ChatServices(
            store=store_ or store, runner=runner, chat=chat if with_chat else None, **more
        )
        panel = ChatPanel(services)
        panel.resize(900, 700)
        qtbot.addWidget(panel)
        panels.append(panel)
        settle(qtbot, panel)  # the catalog is read in a worker: the list and first conversation
        return panel

    yield make
    for panel in panels:
        panel.shutdown()
    runner.cancel_all()
    for task in list(runner.running):
        task.wait(10)
    qtbot.wait(20)  # let the tasks' last queued signals arrive while the panels still exist


@dataclass
class Env:
    """Everything a pane test uses: the panel factory, the runner, the catalog, the uploaded report
    and the sandbox (for its throttle and faults)."""

    make_panel: Callable[..., ChatPanel]
    runner: TaskRunner
    store: Store
    report: FileRecord
    sandbox: Any


@pytest.fixture
def env(
    make_panel: Callable[..., ChatPanel], runner: TaskRunner, store: Store, report: FileRecord, sandbox: Any
) -> Env:
    return Env(make_panel, runner, store, report, sandbox)


def settle(qtbot: QtBot, panel: ChatPanel, timeout: int = 10_000) -> None:
    """Until the pane's catalog jobs (run in a worker) have delivered their results."""
    qtbot.waitUntil(lambda: panel.is_settled, timeout=timeout)


def wait_idle(qtbot: QtBot, panel: ChatPanel, runner: TaskRunner, timeout: int = 20_000) -> None:
    """Until the answer has ended and every background task has delivered its last signal."""
    qtbot.waitUntil(lambda: not panel.is_streaming and not panel.is_rendering, timeout=timeout)
    qtbot.waitUntil(lambda: not runner.running and panel.is_settled, timeout=timeout)
