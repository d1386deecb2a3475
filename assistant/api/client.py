"""The SDK client factory: the one place that constructs ``anthropic.Anthropic``.

``anthropic`` is imported on the first call (the import costs about a second), never at module load,
so the UI can import this module before its first paint. Retries, backoff and ``retry-after`` are the
SDK's own; nothing here re-implements them.

Public API::

    ClientConfig(api_key, base_url=DEFAULT_BASE_URL, timeout=120.0, connect_timeout=5.0, max_retries=2)
        # api_key is never shown in repr()
    make_client(config) -> anthropic.Anthropic      # close it (``with make_client(c) as client:``)
    import_sdk() -> module                          # warm the import from a worker thread
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING

from assistant.settings import DEFAULT_BASE_URL, validate_base_url

if TYPE_CHECKING:
    import anthropic

__all__ = ["ClientConfig", "import_sdk", "make_client"]


@dataclass(frozen=True)
class ClientConfig:
    api_key: str = field(repr=False)
    base_url: str = DEFAULT_BASE_URL
    timeout: float = 120.0  # seconds per read/write; a long upload or answer is many of them
    connect_timeout: float = 5.0
    max_retries: int = 2

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", validate_base_url(self.base_url))
        if not self.api_key or any(ch.isspace() for ch in self.api_key):
            raise ValueError("The API key is empty or contains spaces.")


def import_sdk() -> ModuleType:
    import anthropic

    return anthropic


def make_client(config: ClientConfig) -> anthropic.Anthropic:
    """A configured client. The caller owns it and closes it."""
    import anthropic
    import httpx2

    return anthropic.Anthropic(
        api_key=config.api_key,
        base_url=config.base_url,
        timeout=httpx2.Timeout(config.timeout, connect=config.connect_timeout),
        max_retries=config.max_retries,
        open_telemetry=False,
    )
