"""The model list and the token count: do the attached files fit the model picked, and what does the
question typed read (the cost estimate, ``estimate.CostEstimate``, prices each count)?

Both run in the bridge's worker runner (the model list and the token count are requests). The count
is debounced: ``schedule()`` asks for one ~300 ms later, so a burst of changes (a model picked, files
attached, typing) costs one count; counts are kept by model + attachments + history + question, so
going back to what was counted costs none. The last result lives in fields (``tokens``, ``refusal``),
never in a label's text: ``warning(text or None)`` says what the composer should show or clear, and
``counted(Counted)`` hands each count on.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from assistant.api.errors import ApiFailure, CancelToken
from assistant.ui.chat.services import ChatServices

if TYPE_CHECKING:
    from assistant.api.chat import ModelInfo
    from assistant.bridge import Task

__all__ = ["CONTEXT_WARNING", "ContextCheck", "ContextQuery", "Counted"]

log = logging.getLogger(__name__)

CONTEXT_WARNING = "The attached files are"


@dataclass(frozen=True)
class ContextQuery:
    """What to count: the conversation (its files) for a model; None from the pane when it cannot be
    counted now (no conversation, no files, an answer streaming, gone files)."""

    conversation_id: int
    model: str
    file_ids: tuple[int, ...]
    question: str = ""  # the question typed ("" counts the files and history alone)
    history: tuple[int, ...] = ()  # the conversation's turns (their ids): the history sent with it


@dataclass(frozen=True)
class Counted:
    """A count: what the request for ``query`` reads, and the cache TTL it would be sent with."""

    query: ContextQuery
    tokens: int
    ttl: str
    ttl_reason: str


@dataclass(frozen=True)
class _Over:
    model: str
    file_ids: tuple[int, ...]
    text: str


class ContextCheck(QObject):
    models_loaded = Signal(list)  # [(model id, display name)], once the API has listed them
    warning = Signal(object)  # the context warning's text, or None: clear it
    counted = Signal(object)  # Counted: the latest count (from a worker, or remembered)
    count_failed = Signal(object, object)  # (ContextQuery, ApiFailure): the count could not be made

    def __init__(
        self,
        services: ChatServices,
        query: Callable[[], ContextQuery | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._query = query
        self.models: dict[str, ModelInfo] = {}
        self.tokens: int | None = None  # the last token count of the attached files
        self._over: _Over | None = None
        self._task: Task[Counted] | None = None
        self._counts: OrderedDict[ContextQuery, Counted] = OrderedDict()  # the last 64 counts
        self._models_task: Task[list[ModelInfo]] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self.check)

    def schedule(self) -> None:
        self._timer.start()

    def count_now(self) -> None:
        """Count now, without waiting for the debounce (Send needs the count of this very question)."""
        self._timer.stop()
        self.check()

    def stop(self) -> None:
        """Stop for good: no count or model list that arrives after this reaches the pane."""
        self._timer.stop()
        for task in (self._task, self._models_task):
            if task is not None:
                task.cancel()
        self._task = self._models_task = None

    def refusal(self, model: str, file_ids: tuple[int, ...]) -> str | None:
        """The warning, when the last count said these files alone exceed this model's context."""
        over = self._over
        if over is not None and (over.model, over.file_ids) == (model, file_ids):
            return over.text
        return None

    def load_models(self) -> None:
        services = self._services
        if services.chat is None:
            return

        def failed(failure: ApiFailure) -> None:
            log.info("model list unavailable: %s", failure)

        task = services.runner.run(
            lambda token: services.list_models(),
            on_result=lambda models: self._models_arrived(models) if self._models_task is task else None,
            on_failed=failed,
            name="list models",
        )
        self._models_task = task

    def _models_arrived(self, models: list[ModelInfo]) -> None:
        self.models = {m.id: m for m in models}
        self.models_loaded.emit([(m.id, m.display_name or m.id) for m in models])
        self.schedule()

    def check(self) -> None:
        """Count what the question would read; flag, before sending, attached files that exceed the
        model's context."""
        chat = self._services.chat
        query = self._query()
        if chat is None or query is None:
            self.warning.emit(None)
            return
        info = self.models.get(query.model)
        limit = (info.max_input_tokens if info is not None else None) or 0
        if self._task is not None:
            self._task.cancel()
            self._task = None
        known = self._counts.get(query)
        if known is not None:  # counted before: no request
            self._counts.move_to_end(query)
            self._counted(known, limit)
            return
        store = self._services.store

        def count(token: CancelToken) -> Counted:
            conv = store.get_conversation(query.conversation_id)
            if conv is not None and conv.model != query.model:
                store.set_conversation_model(conv.id, query.model)
            tokens = chat.count_tokens(query.conversation_id, query.question or "?")
            ttl = chat.next_ttl(query.conversation_id)
            return Counted(query, tokens, ttl.ttl, ttl.reason)

        # a result is taken only from the latest count: one replaced or stopped meanwhile is dropped
        task = self._services.runner.run(
            count,
            on_result=lambda result: self._counted(result, limit) if self._task is task else None,
            on_failed=lambda failure: self._failed(query, failure) if self._task is task else None,
            name="count tokens",
        )
        self._task = task

    def _failed(self, query: ContextQuery, failure: ApiFailure) -> None:
        self.warning.emit(None)
        self.count_failed.emit(query, failure)

    def _counted(self, result: Counted, limit: int) -> None:
        query, tokens = result.query, result.tokens
        self._counts[query] = result
        while len(self._counts) > 64:
            self._counts.popitem(last=False)
        self.tokens = tokens
        self.counted.emit(result)
        model = query.model
        if not limit:
            self.warning.emit(None)
            return
        now = self._query()
        if now is None or now.model != model:
            return
        if tokens > limit:
            name = self._services.model_name(model)
            other = "" if self._services.offline else " or pick a model with a larger context"
            fix = f"Remove some files{other}."
            text = f"{CONTEXT_WARNING} about {tokens:,} tokens, more than {name} can read ({limit:,}). {fix}"
            self._over = _Over(model, query.file_ids, text)
            self.warning.emit(text)
        else:
            self._over = None
            self.warning.emit(None)
