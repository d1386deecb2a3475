"""The cost estimate under the question (``costEstimate``) and the cost limit that asks first.

Each count of ``ContextCheck`` (the request as it would go out with the question typed: count_tokens,
in a worker, debounced, remembered by model + attachments + history + question) is priced here
(``api.estimate``): with the cache as it stands now (warm while the last question's prefix is within
its TTL) and, when that differs, with the cache expired; the answer as a range up to the answer-length
setting. Offline (the local sandbox) the estimate is tokens only: nothing is charged. A model without a
price shows its tokens and says the price is unknown, never $0.00.

``CostEstimate.send(question, proceed)``: with a cost limit in Settings and an estimate above it, a
non-modal question (``costLimitQuestion``) asks first; "Send anyway" proceeds. The limit is never
skipped: when the estimate on show is not for this very request (model, files, history, question) or
none has arrived yet, Send counts first and asks after; the question stays in the box meanwhile (and
when the count fails, the question says so and asks all the same).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from assistant.api.errors import ApiFailure
from assistant.api.estimate import CacheState, InputEstimate, cache_state, estimate
from assistant.api.pricing import load_prices
from assistant.catalog import Turn
from assistant.ui.chat.context import ContextQuery, Counted
from assistant.ui.chat.format import TTL_WORDS, format_tokens
from assistant.ui.chat.services import ChatServices

__all__ = ["CostEstimate", "Shown", "warm_prefix"]


def warm_prefix(turns: Sequence[Turn], model: str, last_asked: float | None, now: float) -> int:
    """The tokens the last answered question left in the cache, if they are still warm (else 0): with
    the same model, within the TTL the cache was last written with (``api.estimate.cache_state``, the
    rule the cache meter follows too)."""
    state = _warm_state(turns, model, last_asked, now)
    return 0 if state is None else state.tokens


def _warm_state(turns: Sequence[Turn], model: str, last_asked: float | None, now: float) -> CacheState | None:
    state = cache_state(turns, last_asked)
    return state if state is not None and state.model == model and state.warm(now) else None


@dataclass(frozen=True)
class _Pending:
    """A question sent before its estimate arrived: it goes on (or asks) once counted."""

    query: ContextQuery
    question: str
    proceed: Callable[[str], None]


@dataclass(frozen=True)
class Shown:
    """The estimate on show: for which query, and its figures."""

    query: ContextQuery
    figures: InputEstimate
    ttl: str

    @property
    def total_high(self) -> float | None:
        """The most the question can cost: input now and the longest answer."""
        f = self.figures
        return None if f.now is None or f.output_high is None else f.now + f.output_high


class CostEstimate(QObject):
    def __init__(
        self,
        services: ChatServices,
        label: QLabel,
        turns: Callable[[], Sequence[Turn]],
        query: Callable[[], ContextQuery | None],
        parent: QObject | None = None,
        *,
        count_now: Callable[[], None],
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.label = label
        self._turns = turns
        self._query = query
        self._count_now = count_now
        self.shown: Shown | None = None
        self._pending: _Pending | None = None
        self._box: QMessageBox | None = None
        self._counted: Counted | None = None  # the count on show, priced again when the cache cools
        self._cools = QTimer(self)
        self._cools.setSingleShot(True)
        self._cools.setTimerType(Qt.TimerType.PreciseTimer)
        self._cools.timeout.connect(self._reprice)

    # ------------------------------------------------------------------ the label

    def update(self, counted: Counted) -> None:
        query = counted.query
        chat = self._services.chat
        if not query.question.strip() or chat is None:
            self.clear()
            return
        prices = self._services.prices or load_prices()
        priced = self._services.priced
        price = prices.price_for(query.model) if priced else None
        now = chat.now()
        warm = _warm_state(self._turns(), query.model, chat.last_asked(query.conversation_id), now)
        cached = 0 if warm is None else warm.tokens
        self._counted = counted
        self._cools.stop()
        if warm is not None and warm.until is not None:  # price it again when the warmth ends
            self._cools.start(max(0, min(int((warm.until - now) * 1000) + 50, 2**31 - 1)))
        figures = estimate(
            counted.tokens,
            cached,
            price=price,
            min_cache_tokens=prices.min_cache_tokens(query.model),
            ttl=counted.ttl,
            max_tokens=chat.max_tokens,
        )
        self.shown = Shown(query, figures, counted.ttl)
        text = self._text(figures, priced)
        self._say(text, f"{text}\n\n{self._tip(figures, counted)}")
        pending = self._pending
        if pending is not None and pending.query == query:
            self._pending = None
            self._decide(self.shown, pending.question, pending.proceed)

    def stop(self) -> None:
        self._cools.stop()

    def _reprice(self) -> None:
        if self._counted is not None and self._counted.query == self._query():
            self.update(self._counted)

    def clear(self) -> None:
        self._counted = None
        self._cools.stop()
        self.shown = None
        self._say("", "")

    def _say(self, text: str, tip: str) -> None:
        """One line under the question (cut to the width; the whole text and the detail in the tooltip)."""
        self.label.setText(text)
        self.label.setToolTip(tip)
        self.label.setVisible(bool(text))

    def _cache_words(self, f: InputEstimate) -> str:
        if not f.cacheable:
            return "too small to cache"
        return "cache warm" if f.warm else "cache cold"

    def _text(self, f: InputEstimate, priced: bool) -> str:
        fmt = self._services.format_usd
        if not priced:
            return f"≈ {format_tokens(f.tokens)} tokens · {self._cache_words(f)}"
        if f.now is None or f.cold is None or f.output_low is None or f.output_high is None:
            return f"≈ {format_tokens(f.tokens)} tokens · price unknown"
        lines = [f"≈ {fmt(f.now)}", self._cache_words(f)]
        if f.cold > f.now * 1.01:
            lines.append(f"{fmt(f.cold)} if the cache has expired")
        lines.append(f"+ answer {fmt(f.output_low)}–{fmt(f.output_high)}")
        return " · ".join(lines)

    def _tip(self, f: InputEstimate, counted: Counted) -> str:
        low, high = f.output_tokens
        tip = (
            f"Before sending: the question reads {format_tokens(f.tokens)} input tokens "
            f"(counted with count_tokens), {format_tokens(f.cached)} of them in the prompt cache now. "
            f"The answer is {format_tokens(low)} to {format_tokens(high)} tokens (the longest answer "
            "set in Settings)."
        )
        if not f.cacheable:
            tip += " The prompt is under the model's minimum cacheable size, so nothing is cached."
        else:
            ttl = TTL_WORDS.get(counted.ttl, counted.ttl)
            tip += f" This question writes the cache with the {ttl} TTL: {counted.ttl_reason}"
        if not self._services.priced:
            tip += " Offline nothing is charged, so no money is shown."
        elif f.now is None:
            tip += " This model is not in the price list, so its price is unknown."
        return tip

    # ------------------------------------------------------------------ the limit

    def send(self, question: str, proceed: Callable[[str], None]) -> None:
        """Proceed with ``question``, or ask first when its estimate is above the cost limit (counting
        it first when the estimate on show is not this very request's)."""
        limit = self._services.current_settings().cost_limit_usd
        shown, query = self.shown, self._query()
        if self._box is not None:  # already asking
            return
        if limit is None or query is None or not self._services.priced or self._services.chat is None:
            proceed(question)  # no limit, or nothing to count (the pane says why it cannot send)
            return
        if shown is not None and shown.query == query:
            self._decide(shown, question, proceed)
            return
        self._pending = _Pending(query, question, proceed)
        self._say("Counting what this question costs before sending…", "")
        self._count_now()

    def count_failed(self, query: ContextQuery, failure: ApiFailure) -> None:
        pending = self._pending
        if pending is not None and pending.query == query:
            self._pending = None
            self._ask(
                f"What this question costs could not be counted ({failure.message}), so it may be more "
                "than your cost limit (Settings). Send it anyway?",
                pending.question,
                pending.proceed,
            )

    def _decide(self, shown: Shown, question: str, proceed: Callable[[str], None]) -> None:
        limit = self._services.current_settings().cost_limit_usd
        high = shown.total_high
        if limit is None or high is None or high <= limit:
            proceed(question)
            return
        fmt = self._services.format_usd
        self._ask(
            f"This question may cost up to {fmt(high)} (input {fmt(shown.figures.now or 0.0)}, the longest "
            f"answer {fmt(shown.figures.output_high or 0.0)}), more than your limit of {fmt(limit)} "
            "(Settings). Send it anyway?",
            question,
            proceed,
        )

    def _ask(self, text: str, question: str, proceed: Callable[[str], None]) -> None:
        parent = self.label.window()
        box = QMessageBox(parent if isinstance(parent, QWidget) else None)
        box.setObjectName("costLimitQuestion")
        box.setWindowTitle("Above your cost limit")
        box.setIcon(QMessageBox.Icon.Question)
        box.setText(text)
        send = box.addButton("Send anyway", QMessageBox.ButtonRole.AcceptRole)
        send.setObjectName("sendAnywayButton")
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def done() -> None:
            if box.clickedButton() is send:
                proceed(question)
            self._box = None

        box.finished.connect(lambda _result: done())
        self._box = box
        box.open()
