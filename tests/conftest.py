"""Test-wide set-up: headless Qt, no test ever reads the user's own settings or keys, and the fixtures
more than one folder uses (the sandbox, a catalog, a client and services on the sandbox, a task runner).

Plain helpers and constants (the sandbox's key and clock, the report text, windows) are in
``tests/support.py``; a folder's own fixtures are in its conftest.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.bridge import TaskRunner
from assistant.catalog import Store
from assistant.settings import Paths
from tests.support import REPORT_TEXT, SANDBOX_KEY

# Qt runs headless unless a test run asks for a real display (screenshots under Xvfb).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never let a developer's real key or base URL leak into a test.
for _name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", "ASSISTANT_DATA_DIR"):
    os.environ.pop(_name, None)

__all__ = ["SANDBOX_KEY"]  # still importable from here (tests.conftest) for older imports


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Any]:
    """A local Anthropic API sandbox on a free loopback port, with its own data dir."""
    from assistant.sandbox.server import SandboxServer

    with SandboxServer(data_dir=tmp_path / "sandbox", api_key=SANDBOX_KEY) as server:
        yield server


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    """The app's folders under the test's folder (``tmp_path / "app"``), created."""
    return Paths.for_data_dir(tmp_path / "app").ensure()


@pytest.fixture
def store(paths: Paths) -> Iterator[Store]:
    """A fresh catalog at the app's catalog path."""
    with Store.open(paths.catalog) as s:
        yield s


@pytest.fixture
def client(sandbox: Any) -> Iterator[Any]:
    """An SDK client on the sandbox (SDK retries on, as in the app)."""
    from assistant.api.client import ClientConfig, make_client

    with make_client(ClientConfig(api_key=sandbox.api_key, base_url=sandbox.base_url, max_retries=2)) as c:
        yield c


@pytest.fixture
def files(client: Any, store: Store) -> Any:
    """The files service on the sandbox and the catalog (30 days' retention)."""
    from assistant.api.files import FileService

    return FileService(client, store, retention_seconds=30 * 86_400)


@pytest.fixture
def chat(client: Any, store: Store) -> Any:
    from assistant.api.chat import ChatService

    return ChatService(client, store, max_tokens=1024)


@pytest.fixture
def report(tmp_path: Path) -> Path:
    """The lighthouse report (``REPORT_TEXT``) as a local text file."""
    path = tmp_path / "lighthouse-report.txt"
    path.write_text(REPORT_TEXT, encoding="utf-8")
    return path


@pytest.fixture
def runner(qtbot: Any) -> Iterator[TaskRunner]:
    """A task runner (4 threads) that must shut down within 10 s at the end of the test."""
    r = TaskRunner(max_threads=4)
    yield r
    assert r.shutdown(10_000)
