"""Chat service: requests built from a conversation and its files, streamed answers as typed events.

Plain Python, blocking: run ``ask`` through ``bridge.TaskRunner.stream`` (each event arrives on the GUI
thread as ``signals.item``). The turn is in the catalog before the request goes out, the answer is
saved as it grows (``store.TurnWriter``), and its final state, usage and cost when it ends.

Request layout (so prompt caching pays off turn after turn): the constant system prompt (then, on a
document set with instructions, those as a second system block: ``chat_system``), then the
first user message holds every attached file in attach order — PDF and text as ``document`` blocks
(source file_id, ``title`` = the name the user knows (``catalog.identity.known_name``: "memo.docx",
not the "memo.docx.txt" its text was uploaded as), ``citations`` on), images as ``image`` blocks — with
``cache_control`` on the last of them, so that prefix is byte-identical from turn to turn; then the
earlier turns as plain text; the new question carries a second breakpoint so the history caches too.

Public API::

    Events (frozen dataclasses), ChatEvent = their union:
      Started(turn)                  the question is saved (turn.state = streaming)
      TextDelta(text)                the next piece of the answer
      CitationEvent(citation)        a citation (store.Citation) with ``answer_offset`` = the length of the
                                     answer text when it arrived (where its cited block starts)
      UsageEvent(usage)              tokens so far (at the start: input and cache; at the end: final)
      Done(turn, usage, cost, stop_reason)     complete; cost is pricing.TurnCost or None; stop_reason
                                     as the API said ("max_tokens": cut at the length limit), also
                                     saved as turn.stop_reason
      Failed(failure, turn)          typed ApiFailure; the turn is saved as failed with its partial text
    A cancelled stream (token, or the generator closed) ends without Done/Failed; the turn is saved as
    incomplete with what arrived, and the connection is closed. Only a cancel is "incomplete": a stream
    that ends without ``message_stop`` fails (retryable), and a whole Message sent where a stream was
    asked for is read as the answer (anything else not a stream fails).

    ModelInfo(id, display_name, created_at, max_input_tokens, max_tokens)
    ChatRequest(params, files)       params: the kwargs of messages.create/stream; files: FileRecords

    chat = ChatService(client, store, max_tokens=4096, cache_ttl="5m", prices=None, save_interval=1.0,
                       clock=time.time)
        cache_ttl: "5m", "1h" or "auto" (``estimate.choose_ttl``: from this conversation's pauses), or a
        callable returning one (the Settings' choice now); clock: seconds, for the pauses and the meter
    chat.ttl_choice(conversation_id) -> TtlChoice    # the TTL the next (or last) question uses, and why
    chat.last_asked(conversation_id) -> float | None # when its last question went out (``clock``)
    chat.now() -> float
    chat.build_request(conversation_id, question, *, before_turn=None) -> ChatRequest   # raises ApiFailure
    chat.count_tokens(conversation_id, question) -> int                                  # raises ApiFailure
    chat.ask(conversation_id, question, cancel=None) -> Iterator[ChatEvent]   # start, then answer
    chat.start(conversation_id, question) -> Turn             # saves the question (a "streaming" turn)
    chat.replace_turn(turn_id) -> Turn                        # saves the question again as a new turn,
                                                              # then deletes the old one
    chat.answer(turn, cancel=None) -> Iterator[ChatEvent]     # streams the answer of a saved turn
    chat.retry(turn_id, cancel=None) -> Iterator[ChatEvent]   # replace_turn, then answer
    chat.models() -> list[ModelInfo]                          # GET /v1/models, every page
    conversation_total(store, conversation_id) -> TurnCost    # sum of the turns' costs (from usage)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from assistant.api.chat_stream import (
    ChatEvent,
    CitationEvent,
    Done,
    Failed,
    Progress,
    Started,
    TextDelta,
    UsageEvent,
    read_message,
    read_stream,
)
from assistant.api.chat_system import system_for
from assistant.api.chat_ttl import TtlKeeper
from assistant.api.errors import ApiFailure, CancelToken, FailureKind, to_failure
from assistant.api.estimate import TtlChoice
from assistant.api.pricing import PriceList, TurnCost, conversation_cost, turn_cost
from assistant.catalog import (
    IMAGE_TYPES,
    FileRecord,
    FileState,
    Store,
    Turn,
    TurnState,
    TurnWriter,
    Usage,
)
from assistant.catalog.identity import known_name

if TYPE_CHECKING:
    import anthropic

__all__ = [
    "ChatEvent",
    "ChatRequest",
    "ChatService",
    "CitationEvent",
    "Done",
    "Failed",
    "ModelInfo",
    "Started",
    "TextDelta",
    "UsageEvent",
    "conversation_total",
]

log = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "You answer questions about the documents the user has attached. Base your answers on those "
    "documents, cite the passages you rely on, and say so when the documents do not answer the question."
)
DOCUMENT_TYPES = frozenset({"application/pdf", "text/plain"})


@dataclass(frozen=True)
class ModelInfo:
    id: str
    display_name: str
    created_at: datetime | None
    max_input_tokens: int | None
    max_tokens: int | None


@dataclass(frozen=True)
class ChatRequest:
    params: dict[str, Any]
    files: tuple[FileRecord, ...]


def _file_block(record: FileRecord) -> dict[str, Any]:
    source = {"type": "file", "file_id": record.file_id}
    if record.mime_type in IMAGE_TYPES:
        return {"type": "image", "source": source}
    if record.mime_type in DOCUMENT_TYPES:
        return {
            "type": "document",
            "source": source,
            "title": known_name(record),
            "citations": {"enabled": True},
        }
    raise ApiFailure(
        FailureKind.BAD_REQUEST,
        f"{known_name(record)} ({record.mime_type}) cannot be read in a conversation: only PDF, text and "
        "JPEG/PNG/GIF/WebP images can. Remove it from the conversation.",
    )


def _unusable(record: FileRecord) -> ApiFailure | None:
    if record.state is FileState.ACTIVE:
        return None
    if record.state is FileState.EXPIRED:
        return ApiFailure(
            FailureKind.FILE_EXPIRED,
            f"{known_name(record)} has expired on the server. Renew it, or remove it from the conversation.",
        )
    return ApiFailure(
        FailureKind.FILE_NOT_FOUND,
        f"{known_name(record)} is no longer on the server. Upload it again, or remove it from the "
        "conversation.",
    )


class ChatService:
    def __init__(
        self,
        client: anthropic.Anthropic,
        store: Store,
        *,
        max_tokens: int = 4096,
        cache_ttl: str | Callable[[], str] = "5m",
        prices: PriceList | None = None,
        save_interval: float = 1.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if isinstance(cache_ttl, str) and cache_ttl not in ("5m", "1h", "auto"):
            raise ValueError("cache_ttl must be '5m', '1h' or 'auto'")
        self._client = client
        self._store = store
        self._max_tokens = max_tokens
        self._cache_ttl = cache_ttl
        self._prices = prices
        self._save_interval = save_interval
        self._clock = clock
        self.ttls = TtlKeeper(cache_ttl, clock, prices)

    @property
    def max_tokens(self) -> int:
        return self._max_tokens

    def now(self) -> float:
        return self._clock()

    def ttl_choice(self, conversation_id: int) -> TtlChoice:
        """The TTL the last question of this conversation was sent with (or the next one will be)."""
        return self.ttls.last(conversation_id)

    def last_asked(self, conversation_id: int) -> float | None:
        return self.ttls.last_asked(conversation_id)

    def next_ttl(self, conversation_id: int) -> TtlChoice:
        """The TTL a question asked now would be sent with (the estimate prices its writes so)."""
        conversation = self._store.get_conversation(conversation_id)
        if conversation is None:
            return self.ttls.choose(conversation_id, "", [], asking_now=True)
        turns = [t for t in self._store.list_turns(conversation_id) if t.usage is not None]
        return self.ttls.choose(conversation_id, conversation.model, turns, asking_now=True)

    # ------------------------------------------------------------- requests

    def build_request(
        self, conversation_id: int, question: str, *, before_turn: int | None = None, counting: bool = False
    ) -> ChatRequest:
        conversation = self._store.get_conversation(conversation_id)
        if conversation is None:
            raise ApiFailure(FailureKind.LOCAL, "This conversation no longer exists.")
        records: list[FileRecord] = []
        for row_id in conversation.file_ids:
            record = self._store.get_file(row_id)
            if record is None or record.state is FileState.DELETED:
                name = known_name(record) if record is not None else "An attached file"
                raise ApiFailure(
                    FailureKind.FILE_NOT_FOUND,
                    f"{name} was deleted. Attach another file or remove it from the conversation.",
                )
            failure = _unusable(record)
            if failure is not None:
                raise failure
            records.append(record)

        file_blocks = [_file_block(r) for r in records]
        all_turns = self._store.list_turns(conversation_id)
        history = [
            t
            for t in all_turns
            if (before_turn is None or t.id < before_turn)
            and t.state in (TurnState.COMPLETE, TurnState.INCOMPLETE)
            and t.answer.strip()
        ]
        ttl = self.ttls.choose(conversation_id, conversation.model, history, asking_now=counting).ttl
        cache_control = {"type": "ephemeral", "ttl": "1h"} if ttl == "1h" else {"type": "ephemeral"}
        if file_blocks:
            file_blocks[-1]["cache_control"] = cache_control
        messages: list[dict[str, Any]] = []
        for t in history:
            messages.append({"role": "user", "content": [{"type": "text", "text": t.question}]})
            messages.append({"role": "assistant", "content": [{"type": "text", "text": t.answer}]})
        messages.append(
            {
                "role": "user",
                "content": [{"type": "text", "text": question, "cache_control": dict(cache_control)}],
            }
        )
        if file_blocks:
            messages[0]["content"] = file_blocks + messages[0]["content"]
        params: dict[str, Any] = {
            "model": conversation.model,
            "max_tokens": self._max_tokens,
            "system": system_for(self._store, conversation, SYSTEM_PROMPT),  # + a set's instructions
            "messages": messages,
        }
        return ChatRequest(params, tuple(records))

    def count_tokens(self, conversation_id: int, question: str) -> int:
        request = self.build_request(conversation_id, question, counting=True)
        params = {k: v for k, v in request.params.items() if k != "max_tokens"}
        try:
            return int(self._client.messages.count_tokens(**params).input_tokens)
        except Exception as exc:
            raise to_failure(exc) from None

    def models(self) -> list[ModelInfo]:
        try:
            return [
                ModelInfo(
                    id=m.id,
                    display_name=m.display_name,
                    created_at=getattr(m, "created_at", None),
                    max_input_tokens=getattr(m, "max_input_tokens", None),
                    max_tokens=getattr(m, "max_tokens", None),
                )
                for m in self._client.models.list(limit=1000)
            ]
        except Exception as exc:
            raise to_failure(exc) from None

    # ------------------------------------------------------------- streaming

    def ask(
        self, conversation_id: int, question: str, cancel: CancelToken | None = None
    ) -> Iterator[ChatEvent]:
        yield from self.answer(self.start(conversation_id, question), cancel)

    def start(self, conversation_id: int, question: str) -> Turn:
        """Save the question as a new "streaming" turn (before anything is queued or sent)."""
        conversation = self._store.get_conversation(conversation_id)
        if conversation is None:
            raise ApiFailure(FailureKind.LOCAL, "This conversation no longer exists.")
        return self._store.start_turn(conversation_id, question, conversation.model)

    def replace_turn(self, turn_id: int) -> Turn:
        """A failed or stopped turn's question saved again as a new turn; the old one is deleted only
        once the new one is saved (a failure in between leaves the old one)."""
        old = self._store.get_turn(turn_id)
        if old is None:
            raise ApiFailure(FailureKind.LOCAL, "That question no longer exists.")
        turn = self.start(old.conversation_id, old.question)
        self._store.delete_turn(turn_id)
        return turn

    def retry(self, turn_id: int, cancel: CancelToken | None = None) -> Iterator[ChatEvent]:
        yield from self.answer(self.replace_turn(turn_id), cancel)

    def answer(self, turn: Turn, cancel: CancelToken | None = None) -> Iterator[ChatEvent]:
        """The answer to a saved turn (``start``), streamed and saved as it grows."""
        try:
            yield Started(turn)
        except GeneratorExit:  # stopped before the request went out
            self._store.finish_turn(turn.id, state=TurnState.INCOMPLETE, answer="")
            raise
        if cancel is not None and cancel.is_cancelled():
            self._store.finish_turn(turn.id, state=TurnState.INCOMPLETE, answer="")
            return
        # when it goes out (the pauses Automatic judges), however the turn was saved (the pane saves its own)
        earlier = [t for t in self._store.list_turns(turn.conversation_id) if t.id < turn.id]
        self.ttls.record_ask(turn.conversation_id, earlier)
        yield from self._stream(turn, cancel)

    def _stream(self, turn: Turn, cancel: CancelToken | None) -> Iterator[ChatEvent]:
        writer = TurnWriter(self._store, turn.id, interval=self._save_interval)
        progress = Progress()
        try:
            try:
                request = self.build_request(turn.conversation_id, turn.question, before_turn=turn.id)
            except ApiFailure as refused:
                yield Failed(refused, writer.fail(refused.message))
                return
            self._store.touch_files(r.id for r in request.files)
            progress.page_starts = {r.file_id: r.page_starts for r in request.files if r.page_starts}
            with self._client.messages.stream(**request.params) as stream:
                content_type = stream.response.headers.get("content-type", "").lower()
                if content_type and not content_type.startswith("text/event-stream"):  # not a stream
                    events: Iterator[ChatEvent] = read_message(stream.response, writer, progress)
                else:
                    events = read_stream(stream, writer, progress, cancel)
                yield from events
            if progress.completed and progress.usage is not None:
                cost = turn_cost(progress.usage, turn.model, self._prices)
                total = None if cost is None else cost.total
                done = writer.complete(progress.usage, total, progress.stop_reason)
                yield UsageEvent(progress.usage)
                yield Done(done, progress.usage, cost, progress.stop_reason)
            elif cancel is not None and cancel.is_cancelled():
                self._interrupt(writer, turn, progress.usage)
            else:
                failure = ApiFailure(
                    FailureKind.NETWORK,
                    "The answer stream ended before the answer was complete (the API never said it "
                    "had finished). What arrived is kept; try again.",
                )
                log.info("turn %s failed: %s", turn.id, failure)
                yield Failed(failure, writer.fail(failure.message))
        except GeneratorExit:
            # Closed by the consumer (Stop): the ``with`` above has closed the connection.
            self._interrupt(writer, turn, progress.usage)
            raise
        except Exception as exc:
            failure = to_failure(exc)
            if failure.kind is FailureKind.CANCELLED:
                self._interrupt(writer, turn, progress.usage)
                return
            log.info("turn %s failed: %s", turn.id, failure)
            yield Failed(failure, writer.fail(failure.message))

    def _interrupt(self, writer: TurnWriter, turn: Turn, usage: Usage | None) -> None:
        cost = None if usage is None else turn_cost(usage, turn.model, self._prices)
        writer.interrupt(usage, None if cost is None else cost.total)


def conversation_total(store: Store, conversation_id: int, prices: PriceList | None = None) -> TurnCost:
    """Total cost of a conversation and what caching saved, recomputed from each turn's usage."""
    return conversation_cost(
        turn_cost(t.usage, t.model, prices) for t in store.list_turns(conversation_id) if t.usage is not None
    )
