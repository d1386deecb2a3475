"""Test-wide set-up: headless Qt, and no test ever reads the user's own settings or keys."""

from __future__ import annotations

import os
import pathlib
from collections.abc import Iterator

import pytest

# Qt runs headless unless a test run asks for a real display (screenshots under Xvfb).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never let a developer's real key or base URL leak into a test.
for _name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", "ASSISTANT_DATA_DIR"):
    os.environ.pop(_name, None)

SANDBOX_KEY = "sk-ant-sandbox-test-0000"


@pytest.fixture
def sandbox(tmp_path: pathlib.Path) -> Iterator[object]:
    """A local Anthropic API sandbox on a free loopback port, with its own data dir."""
    from assistant.sandbox.server import SandboxServer

    with SandboxServer(data_dir=tmp_path / "sandbox", api_key=SANDBOX_KEY) as server:
        yield server
