"""Fixtures for the sandbox tests: an SDK client on the `sandbox` fixture (always closed), a file stand-in."""

from __future__ import annotations

import pathlib
from collections.abc import Iterator

import anthropic
import pytest

from assistant.sandbox.server import SandboxServer

from .planning import Files


@pytest.fixture
def server(sandbox: object) -> SandboxServer:
    assert isinstance(sandbox, SandboxServer)
    return sandbox


@pytest.fixture
def client(server: SandboxServer) -> Iterator[anthropic.Anthropic]:
    """An SDK client with no retries (tests that want retries make their own)."""
    with anthropic.Anthropic(api_key=server.api_key, base_url=server.base_url, max_retries=0) as c:
        yield c


@pytest.fixture
def files(tmp_path: pathlib.Path) -> Files:
    root = tmp_path / "files"
    root.mkdir()
    return Files(root)
