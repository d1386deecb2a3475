"""The estimate's arithmetic and the automatic TTL's rule (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assistant.api.estimate import cache_state, choose_ttl, estimate
from assistant.api.pricing import load_prices
from assistant.catalog import Turn, TurnState, Usage


def test_cold_warm_and_too_small() -> None:
    price = load_prices().price_for("claude-sonnet-5-5")
    cold = estimate(100_000, 0, price=price, min_cache_tokens=1024, ttl="5m", max_tokens=4096)
    assert cold.now == pytest.approx(0.25) and cold.cold == pytest.approx(0.25) and not cold.warm
    warm = estimate(100_000, 90_000, price=price, min_cache_tokens=1024, ttl="5m", max_tokens=4096)
    assert warm.now == pytest.approx((90_000 * 0.2 + 10_000 * 2.5) / 1e6) and warm.cold == cold.cold
    hour = estimate(100_000, 0, price=price, min_cache_tokens=1024, ttl="1h", max_tokens=4096)
    assert hour.now == pytest.approx(0.4)
    small = estimate(900, 0, price=price, min_cache_tokens=1024, ttl="5m", max_tokens=4096)
    assert not small.cacheable and small.now == pytest.approx(900 * 2.0 / 1e6)
    assert (warm.output_low, warm.output_high) == (pytest.approx(0.003), pytest.approx(0.04096))


def test_a_model_without_a_price_has_tokens_and_no_amount() -> None:
    unknown = estimate(5_000, 0, price=None, min_cache_tokens=1024, ttl="5m", max_tokens=4096)
    assert unknown.tokens == 5_000 and not unknown.price_known and unknown.now is None
    assert load_prices().price_for("claude-future-9") is None
    assert load_prices().min_cache_tokens("claude-haiku-4-5") == 4096
    assert load_prices().min_cache_tokens("claude-future-9") == 1024


def test_automatic_ttl_takes_an_hour_only_when_it_pays() -> None:
    assert choose_ttl("5m", [400.0], 30_000, 1024).ttl == "5m"
    assert choose_ttl("1h", [], None, 1024).ttl == "1h"
    assert choose_ttl("auto", [], None, 1024).ttl == "5m"
    assert choose_ttl("auto", [60.0, 90.0], 30_000, 1024).ttl == "5m"
    long = choose_ttl("auto", [360.0, 400.0], 30_000, 1024)
    assert long.ttl == "1h" and "run past 5 minutes" in long.reason
    assert choose_ttl("auto", [360.0], 800, 1024).ttl == "5m"  # too small to cache anyway
    assert choose_ttl("auto", [7200.0], 30_000, 1024).ttl == "5m"  # outlasts even an hour


def _turn(n: int, usage: Usage) -> Turn:
    at = datetime.fromtimestamp(1000.0 * n, UTC)
    return Turn(n, 1, "q", "a", (), usage, None, TurnState.COMPLETE, None, "m", at, at)


def test_warm_lasts_the_ttl_the_cache_was_last_written_with() -> None:
    hour = _turn(1, Usage(5, 9, 10_000, 0, 0, 10_000))
    read = _turn(2, Usage(5, 9, 0, 10_000))  # read only: the last write (1 hour) still rules
    state = cache_state([hour, read], last_asked=2000.0)
    assert state is not None and state.ttl == "1h" and state.tokens == 10_000
    assert state.warm(2000.0 + 600) and not state.warm(2000.0 + 3600)
    five = _turn(3, Usage(5, 9, 12_000, 0, 12_000, 0))
    state = cache_state([hour, read, five], last_asked=None)  # saved at 3000
    assert state is not None and state.ttl == "5m" and state.warm(3299.0) and not state.warm(3300.0)
    assert cache_state([], None) is None
    plain = cache_state([_turn(4, Usage(900, 9))], None)  # nothing cached: never warm
    assert plain is not None and plain.until is None and not plain.warm(4000.0)
