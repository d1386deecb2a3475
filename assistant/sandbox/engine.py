"""The sandbox's "model": reads the referenced documents and answers with real citations.

Pure: no HTTP, no threads of its own. The server resolves file ids through `FileResolver` and turns the
`MessagePlan` into a JSON message or a server-sent event stream.

INTERFACE CONTRACT (shared by the server and this module; keep these names and shapes):

    @dataclass(frozen=True)
    class ResolvedFile:            # what the server knows of an uploaded file
        file_id: str
        filename: str
        mime_type: str
        path: pathlib.Path         # the stored bytes on disk
        size_bytes: int

    FileResolver = Callable[[str], ResolvedFile]
        # raises ApiError(404, ..., error_code=None) for an unknown id,
        # ApiError(404, ..., error_code="file_expired") for an expired one.

    @dataclass
    class PlannedBlock:
        text: str
        citations: list[dict[str, object]]   # API citation objects (page_location / char_location), may be []

    @dataclass
    class MessagePlan:
        model: str
        blocks: list[PlannedBlock]
        usage: dict[str, object]  # input_tokens, output_tokens, cache_creation_input_tokens,
                                  # cache_read_input_tokens, cache_creation{ephemeral_5m_input_tokens,
                                  # ephemeral_1h_input_tokens}, service_tier="standard"
        stop_reason: str          # "end_turn" | "max_tokens"

    class CacheLedger:             # thread-safe; one per server; prompt-cache state across requests
        def __init__(self) -> None: ...

    def plan_message(body: dict[str, object], resolve: FileResolver, ledger: CacheLedger,
                     now: float) -> MessagePlan
        # body is the JSON request of POST /v1/messages (server already checked: model, max_tokens,
        # messages is a non-empty list, no temperature/top_p/top_k). Raises ApiError(400, ...) for
        # content the API rejects. `now` is the sandbox clock (seconds since the epoch) for cache TTLs.

    def count_request_tokens(body: dict[str, object], resolve: FileResolver) -> int
        # input_tokens for POST /v1/messages/count_tokens (same validation, no cache effects).
"""

from __future__ import annotations

import pathlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ResolvedFile:
    """What the server knows of an uploaded file."""

    file_id: str
    filename: str
    mime_type: str
    path: pathlib.Path
    size_bytes: int


FileResolver = Callable[[str], ResolvedFile]


@dataclass
class PlannedBlock:
    text: str
    citations: list[dict[str, object]] = field(default_factory=list)


@dataclass
class MessagePlan:
    model: str
    blocks: list[PlannedBlock]
    usage: dict[str, object]
    stop_reason: str


class CacheLedger:
    """Prompt-cache state across requests (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, float] = {}


_WORD = re.compile(r"\w+|[^\w\s]+")


def _count(text: str) -> int:
    return sum(max(1, (len(m.group()) + 3) // 4) for m in _WORD.finditer(text))


def _texts(body: dict[str, object]) -> list[str]:
    out: list[str] = []
    system = body.get("system")
    if isinstance(system, str):
        out.append(system)
    messages = body.get("messages")
    if isinstance(messages, list):
        for message in messages:
            if isinstance(message, dict):
                content = message.get("content")
                if isinstance(content, str):
                    out.append(content)
                elif isinstance(content, list):
                    for block in content:
                        if isinstance(block, dict) and isinstance(block.get("text"), str):
                            out.append(block["text"])
    return out


def count_request_tokens(body: dict[str, object], resolve: FileResolver) -> int:
    """input_tokens for POST /v1/messages/count_tokens (preliminary: text only)."""
    return 3 + sum(_count(t) + 3 for t in _texts(body))


def plan_message(
    body: dict[str, object], resolve: FileResolver, ledger: CacheLedger, now: float
) -> MessagePlan:
    """Preliminary engine: answers honestly that nothing can be quoted yet."""
    text = "This is the local sandbox; it can only quote attached documents."
    return MessagePlan(
        model=str(body.get("model", "")),
        blocks=[PlannedBlock(text=text, citations=[])],
        usage={
            "input_tokens": count_request_tokens(body, resolve),
            "output_tokens": _count(text),
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
            "service_tier": "standard",
        },
        stop_reason="end_turn",
    )
