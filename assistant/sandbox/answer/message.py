"""A plan as the API's Message object, and as the server-sent events of a streamed message.

Every field of the API's Message and Usage is present (null where it does not apply); a text block's
`citations` is null when it cites nothing. Streamed text comes in small whole-word pieces.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.sandbox.answer.plan import MessagePlan

_DELTA_PIECE = re.compile(r"\S+\s*|\s+")


def split_deltas(text: str, size: int = 12) -> list[str]:
    """Text in small pieces (a few tokens each, whole words), as the API streams it."""
    pieces: list[str] = []
    current = ""
    for m in _DELTA_PIECE.finditer(text):
        current += m.group()
        if len(current) >= size:
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    return pieces


def _usage(plan: MessagePlan) -> dict[str, object]:
    """The plan's usage with every field of the API's Usage present (null where it does not apply)."""
    usage: dict[str, object] = {
        "input_tokens": 0,
        "output_tokens": 0,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
        "inference_geo": None,
        "output_tokens_details": None,
        "server_tool_use": None,
        "service_tier": "standard",
    }
    usage.update(plan.usage)
    return usage


def _text_block(text: str, citations: list[dict[str, object]] | None) -> dict[str, object]:
    # `citations` is always there, null on a block that cites nothing
    return {"type": "text", "text": text, "citations": citations}


def message_json(message_id: str, plan: MessagePlan) -> dict[str, object]:
    """The non-streamed Message object for a plan."""
    return {
        "id": message_id,
        "type": "message",
        "role": "assistant",
        "model": plan.model,
        "content": [_text_block(b.text, list(b.citations) or None) for b in plan.blocks],
        "stop_reason": plan.stop_reason,
        "stop_sequence": None,
        "stop_details": None,
        "container": None,
        "usage": _usage(plan),
    }


def stream_events(message_id: str, plan: MessagePlan) -> Iterator[tuple[dict[str, object], float]]:
    """The server-sent events of a streamed message, each with the output tokens streamed so far."""
    usage = _usage(plan)
    out_tokens = usage["output_tokens"]
    total_out = out_tokens if isinstance(out_tokens, int) else 0
    start_usage = dict(usage)
    start_usage["output_tokens"] = min(1, total_out)
    yield (
        {
            "type": "message_start",
            "message": {
                "id": message_id,
                "type": "message",
                "role": "assistant",
                "model": plan.model,
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "stop_details": None,
                "container": None,
                "usage": start_usage,
            },
        },
        0.0,
    )
    total_chars = sum(len(b.text) for b in plan.blocks) or 1
    chars = 0
    for index, block in enumerate(plan.blocks):
        start_block = _text_block("", [] if block.citations else None)
        yield {"type": "content_block_start", "index": index, "content_block": start_block}, 0.0
        if index == 0:
            yield {"type": "ping"}, 0.0
        for citation in block.citations:
            yield (
                {
                    "type": "content_block_delta",
                    "index": index,
                    "delta": {"type": "citations_delta", "citation": citation},
                },
                chars * total_out / total_chars,
            )
        for piece in split_deltas(block.text):
            chars += len(piece)
            yield (
                {
                    "type": "content_block_delta",
                    "index": index,
                    "delta": {"type": "text_delta", "text": piece},
                },
                chars * total_out / total_chars,
            )
        yield {"type": "content_block_stop", "index": index}, chars * total_out / total_chars
    final_usage: dict[str, object] = {
        key: usage[key] for key in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
    }
    final_usage.update(output_tokens=total_out, output_tokens_details=None, server_tool_use=None)
    yield (
        {
            "type": "message_delta",
            "delta": {
                "stop_reason": plan.stop_reason,
                "stop_sequence": None,
                "stop_details": None,
                "container": None,
            },
            "usage": final_usage,
        },
        float(total_out),
    )
    yield {"type": "message_stop"}, float(total_out)
