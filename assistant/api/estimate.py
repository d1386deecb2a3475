"""What a question will cost before it is sent, and which cache TTL pays (pure: no network, no Qt).

The chat request keeps the attached documents a byte-identical prefix with a cache breakpoint after
them, and a second breakpoint on the new question (``chat.ChatService.build_request``). So, once the
prompt is at least the model's minimum cacheable size:

* cold (nothing cached, or the cache expired): every input token is a cache write (1.25x the input
  price with the 5-minute TTL, 2x with the 1-hour one);
* warm: the prefix the last question left in the cache (its read + written tokens) is read at the cache
  read price (0.1x), and the rest (the last answer and the new question) is written.

Under the minimum nothing is cached and every token is plain input. The estimate is the token count of
the request as it will be sent (``count_tokens``) priced that way; the answer is a range, from a short
answer to the answer-length cap (``max_tokens``).

Public API::

    TTL_SECONDS = {"5m": 300, "1h": 3600}
    InputEstimate(tokens, cached, cacheable, now, cold, output_low, output_high, price_known)
    estimate(tokens, cached, *, price, min_cache_tokens, ttl, max_tokens) -> InputEstimate
    CacheState(tokens, ttl, until); cache_state(turns, last_asked) -> CacheState | None
    TtlChoice(ttl, reason)
    choose_ttl(setting, pauses, prefix_tokens, min_cache_tokens) -> TtlChoice
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.api.pricing import ModelPrice
from assistant.catalog import Turn

__all__ = [
    "SHORT_ANSWER_TOKENS",
    "TTL_SECONDS",
    "CacheState",
    "InputEstimate",
    "TtlChoice",
    "cache_state",
    "choose_ttl",
    "estimate",
]

TTL_SECONDS: dict[str, int] = {"5m": 300, "1h": 3600}
SHORT_ANSWER_TOKENS = 300
"""The low end of the answer's range: a short answer (the high end is the answer-length cap)."""
_MILLION = 1_000_000


@dataclass(frozen=True)
class InputEstimate:
    """``tokens`` the request reads; ``cached`` of them believed in the cache now (0: cold).
    ``now`` and ``cold`` are the input's price with the cache as it stands and with it expired;
    ``output_low``/``output_high`` the answer's; all None when the model has no price."""

    tokens: int
    cached: int
    cacheable: bool
    now: float | None
    cold: float | None
    output_low: float | None
    output_high: float | None
    output_tokens: tuple[int, int]

    @property
    def price_known(self) -> bool:
        return self.now is not None

    @property
    def warm(self) -> bool:
        return self.cached > 0


def estimate(
    tokens: int,
    cached: int,
    *,
    price: ModelPrice | None,
    min_cache_tokens: int,
    ttl: str,
    max_tokens: int,
) -> InputEstimate:
    cacheable = tokens >= min_cache_tokens
    cached = max(0, min(cached, tokens)) if cacheable else 0
    low_out = min(SHORT_ANSWER_TOKENS, max_tokens)
    if price is None:
        return InputEstimate(tokens, cached, cacheable, None, None, None, None, (low_out, max_tokens))
    write = price.cache_write_1h if ttl == "1h" else price.cache_write_5m
    if cacheable:
        cold = tokens * write / _MILLION
        now = (cached * price.cache_read + (tokens - cached) * write) / _MILLION
    else:
        cold = now = tokens * price.input / _MILLION
    return InputEstimate(
        tokens,
        cached,
        cacheable,
        now,
        cold,
        low_out * price.output / _MILLION,
        max_tokens * price.output / _MILLION,
        (low_out, max_tokens),
    )


@dataclass(frozen=True)
class CacheState:
    """What the last answered question left in the prompt cache: ``tokens`` (what it read and wrote),
    of ``model``, written with ``ttl`` (None: it wrote nothing), warm until ``until`` (None: nothing
    cached). The one rule of warm and cold, for the estimate and the cache meter alike."""

    tokens: int
    model: str
    ttl: str | None
    until: float | None

    def warm(self, now: float) -> bool:
        return self.until is not None and now < self.until


def cache_state(turns: Sequence[Turn], last_asked: float | None) -> CacheState | None:
    """The cache as the last answered question of ``turns`` left it (None: none answered), warm for the
    TTL the cache was last *written* with (what the next question is sent with does not matter: a
    5-minute write is gone after 5 minutes even when the next question would write for an hour).
    ``last_asked``: when that question went out (None: when it was saved)."""
    answered = [t for t in turns if t.usage is not None]
    if not answered:
        return None
    last = answered[-1]
    assert last.usage is not None
    tokens = last.usage.cache_read_input_tokens + last.usage.cache_creation_input_tokens
    written = next(
        (t.usage for t in reversed(answered) if t.usage and t.usage.cache_creation_input_tokens), None
    )
    ttl = None if written is None else ("1h" if written.cache_write_1h_tokens else "5m")
    asked = last_asked if last_asked is not None else last.created_at.timestamp()
    until = asked + TTL_SECONDS[ttl] if tokens and ttl is not None else None
    return CacheState(tokens, last.model, ttl, until)


@dataclass(frozen=True)
class TtlChoice:
    ttl: str  # "5m" | "1h"
    reason: str


def choose_ttl(
    setting: str, pauses: Sequence[float], prefix_tokens: int | None, min_cache_tokens: int
) -> TtlChoice:
    """The TTL for the next question. ``setting``: "5m", "1h" or "auto"; ``pauses``: seconds between
    this conversation's questions so far (the last one up to now); ``prefix_tokens``: what the last
    question read (None: not known yet).

    Automatic picks 1 hour when the pauses run past 5 minutes (so a 5-minute cache would have expired
    and be written again at 1.25x every time) but stay within the hour, and the documents are large
    enough to be cached: the 2x write then pays for itself on the next question (2 + 0.1 < 1.25 + 1.25).
    """
    if setting == "1h":
        return TtlChoice("1h", "1 hour, as Settings say.")
    if setting != "auto":
        return TtlChoice("5m", "5 minutes, as Settings say.")
    if not pauses:
        return TtlChoice("5m", "Automatic: 5 minutes until this conversation shows how long its pauses are.")
    typical = statistics.median(pauses)
    minutes = typical / 60
    if prefix_tokens is not None and prefix_tokens < min_cache_tokens:
        return TtlChoice("5m", "Automatic: 5 minutes; the documents are too small to cache anyway.")
    if typical <= TTL_SECONDS["5m"]:
        return TtlChoice(
            "5m", f"Automatic: 5 minutes; your questions come {minutes:.1f} min apart, within 5 minutes."
        )
    if typical > TTL_SECONDS["1h"]:
        return TtlChoice(
            "5m", f"Automatic: 5 minutes; your pauses ({minutes:.0f} min) outlast even a 1-hour cache."
        )
    return TtlChoice(
        "1h",
        f"Automatic: 1 hour; your pauses ({minutes:.1f} min) run past 5 minutes, so a 5-minute cache "
        "would be written again (1.25x) every time, while a 1-hour write (2x) is read at 0.1x after.",
    )
