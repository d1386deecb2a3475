"""A Messages request planned end to end: parsed, composed, cut to max_tokens, accounted against the cache.

`plan_message(body, resolve, ledger, now)`: `body` is the JSON request of POST /v1/messages (already
validated by `request.validate`); `resolve` turns file ids into stored files; `ledger` is the server's
prompt-cache state and `now` the sandbox clock (seconds since the epoch) for cache TTLs. Usage:
input_tokens + cache_read_input_tokens + cache_creation_input_tokens is the request's total (what
count_tokens reports), split as `answer.cache` rules; service_tier is "standard".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from assistant.sandbox.answer.cache import CacheLedger, CacheUsage, PromptBlock
from assistant.sandbox.answer.compose import PlannedBlock, compose
from assistant.sandbox.errors import ApiError
from assistant.sandbox.reading.text import count_tokens, truncate_to_tokens
from assistant.sandbox.request.parser import parse_request
from assistant.sandbox.request.records import Request
from assistant.sandbox.storage import FileResolver


@dataclass
class MessagePlan:
    """The answer to one Messages request, before it is a Message object or a stream."""

    model: str
    blocks: list[PlannedBlock]
    usage: dict[str, object]
    stop_reason: str  # "end_turn" | "max_tokens"


MAX_INPUT_TOKENS = 1_000_000
"""The default context window plan_message enforces (the server may pass a model's own figure)."""


def _prompt_blocks(request: Request) -> list[PromptBlock]:
    digest = hashlib.sha256(b"model\x00" + request.model.encode("utf-8")).digest()
    tokens = 0
    out: list[PromptBlock] = []
    for unit in request.units:
        digest = hashlib.sha256(digest + unit.key).digest()
        tokens += unit.tokens
        out.append(PromptBlock(digest.hex(), tokens, unit.ttl))
    return out


def _cut(blocks: list[PlannedBlock], max_tokens: int) -> tuple[list[PlannedBlock], int, bool]:
    """The blocks cut to `max_tokens` output tokens, the output tokens, and whether they were cut."""
    out: list[PlannedBlock] = []
    used = 0
    for block in blocks:
        tokens = count_tokens(block.text)
        if used + tokens <= max_tokens:
            out.append(block)
            used += tokens
            continue
        text, kept = truncate_to_tokens(block.text, max_tokens - used)
        if text:
            out.append(PlannedBlock(text, block.citations))
            used += kept
        return out, used, True
    return out, used, False


def _usage(input_tokens: int, output_tokens: int, cache: CacheUsage) -> dict[str, object]:
    return {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cache_creation_input_tokens": cache.creation,
        "cache_read_input_tokens": cache.read,
        "cache_creation": {
            "ephemeral_5m_input_tokens": cache.creation_5m,
            "ephemeral_1h_input_tokens": cache.creation_1h,
        },
        "service_tier": "standard",
    }


def plan_message(
    body: dict[str, object],
    resolve: FileResolver,
    ledger: CacheLedger,
    now: float,
    *,
    max_input_tokens: int = MAX_INPUT_TOKENS,
) -> MessagePlan:
    """The answer to POST /v1/messages `body`: text blocks with citations, usage and stop reason.

    Raises ApiError(400, ...) for content the API rejects (including a prompt longer than
    `max_input_tokens`, the model's context window); the resolver's 404s propagate. `now` is the
    sandbox clock for cache TTLs.
    """
    request = parse_request(body, resolve)
    if request.total_tokens > max_input_tokens:
        raise ApiError(400, f"prompt is too long: {request.total_tokens} tokens > {max_input_tokens} maximum")
    blocks = compose(request)
    max_tokens = body.get("max_tokens")
    limit = max_tokens if isinstance(max_tokens, int) and not isinstance(max_tokens, bool) else 1 << 30
    blocks, output_tokens, cut = _cut(blocks, max(0, limit))
    cache = ledger.account(_prompt_blocks(request), now)
    total = request.total_tokens
    return MessagePlan(
        model=request.model,
        blocks=blocks,
        usage=_usage(total - cache.read - cache.creation, output_tokens, cache),
        stop_reason="max_tokens" if cut else "end_turn",
    )
