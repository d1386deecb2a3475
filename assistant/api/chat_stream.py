"""Reading an answer as the API sends it: the chat service's events, and the stream (or the whole
Message a server sent instead) turned into them, each piece saved by the ``TurnWriter`` as it comes.

Plain Python, no Qt; ``chat.ChatService`` drives these and re-exports the events.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.api.errors import ApiFailure, CancelToken, FailureKind
from assistant.api.parse import citation_from_api, on_pages, usage_from_api
from assistant.api.pricing import TurnCost
from assistant.catalog import Citation, Turn, TurnWriter, Usage

__all__ = [
    "ChatEvent",
    "CitationEvent",
    "Done",
    "Failed",
    "Progress",
    "Started",
    "TextDelta",
    "UsageEvent",
    "read_message",
    "read_stream",
]


@dataclass(frozen=True)
class Started:
    turn: Turn


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class CitationEvent:
    citation: Citation


@dataclass(frozen=True)
class UsageEvent:
    usage: Usage


@dataclass(frozen=True)
class Done:
    turn: Turn
    usage: Usage
    cost: TurnCost | None
    stop_reason: str | None


@dataclass(frozen=True)
class Failed:
    failure: ApiFailure
    turn: Turn


ChatEvent = Started | TextDelta | CitationEvent | UsageEvent | Done | Failed


@dataclass
class Progress:
    """What a stream has said so far: its usage, and whether and why it ended."""

    usage: Usage | None = None
    length: int = 0  # characters of answer text so far: where the next citation is placed
    completed: bool = False
    stop_reason: str | None = None
    # file id -> where each page starts in the text sent, for PDFs sent as text (``FileRecord.page_starts``)
    page_starts: dict[str, tuple[int, ...]] = field(default_factory=dict)


def _cited(raw: Any, writer: TurnWriter, progress: Progress) -> CitationEvent | None:
    citation = citation_from_api(raw)
    if citation is None:
        return None
    starts = progress.page_starts.get(citation.file_id or "")
    if starts:
        citation = on_pages(citation, starts)
    citation = replace(citation, answer_offset=progress.length)
    writer.add_citation(citation)
    return CitationEvent(citation)


def _text(text: str, writer: TurnWriter, progress: Progress) -> TextDelta:
    writer.append(text)
    progress.length += len(text)
    return TextDelta(text)


def read_stream(
    stream: Any, writer: TurnWriter, progress: Progress, cancel: CancelToken | None
) -> Iterator[ChatEvent]:
    """A streamed answer's events, saved as they come."""
    for event in stream:
        if event.type == "text":
            yield _text(event.text, writer, progress)
        elif event.type == "citation":
            cited = _cited(event.citation, writer, progress)
            if cited is not None:
                yield cited
        elif event.type == "message_start":
            progress.usage = usage_from_api(event.message.usage)
            yield UsageEvent(progress.usage)
        elif event.type == "message_delta" and progress.usage is not None:
            usage = progress.usage
            progress.usage = Usage(
                usage.input_tokens,
                int(event.usage.output_tokens or 0),
                usage.cache_creation_input_tokens,
                usage.cache_read_input_tokens,
                usage.cache_write_5m_tokens,
                usage.cache_write_1h_tokens,
            )
        elif event.type == "message_stop":
            progress.usage = usage_from_api(event.message.usage)
            progress.stop_reason = event.message.stop_reason
            progress.completed = True
        if cancel is not None and cancel.is_cancelled():
            break


def read_message(response: Any, writer: TurnWriter, progress: Progress) -> Iterator[ChatEvent]:
    """A whole Message where a stream was asked for (a server that ignores ``stream``): its text and
    citations as if streamed. Anything else than a valid Message is a failure."""
    from anthropic.types import Message
    from pydantic import ValidationError

    try:
        message = Message.model_validate_json(response.read())
    except ValidationError:
        raise ApiFailure(
            FailureKind.SERVER,
            "The API's reply was not an answer stream, nor a message that could be read. Try again.",
            request_id=response.headers.get("request-id"),
        ) from None
    progress.usage = usage_from_api(message.usage)
    yield UsageEvent(progress.usage)
    for block in message.content:
        if block.type != "text":
            continue
        for raw in block.citations or ():
            cited = _cited(raw, writer, progress)
            if cited is not None:
                yield cited
        yield _text(block.text, writer, progress)
    progress.stop_reason = message.stop_reason
    progress.completed = True
