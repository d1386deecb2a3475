"""Cost from real usage: per part, prefix-matched model ids, what caching saved."""

from __future__ import annotations

import pytest

from assistant.api.pricing import conversation_cost, format_usd, load_prices, turn_cost
from assistant.catalog import Usage


def test_price_list_has_source_date_and_every_model_part() -> None:
    prices = load_prices()
    assert prices.source and prices.date == "2026-11-24"
    sonnet = prices.price_for("claude-sonnet-5-5")
    assert sonnet is not None
    assert (sonnet.input, sonnet.cache_write_5m, sonnet.cache_write_1h, sonnet.cache_read, sonnet.output) == (
        2.0,
        2.5,
        4.0,
        0.2,
        10.0,
    )
    assert prices.price_for("claude-sonnet-4-5-20250929") == prices.price_for("claude-sonnet-4-5")
    assert prices.price_for("gpt-4") is None


def test_turn_cost_parts() -> None:
    usage = Usage(
        input_tokens=1_000,
        output_tokens=2_000,
        cache_creation_input_tokens=100_000,
        cache_read_input_tokens=0,
        cache_write_5m_tokens=100_000,
    )
    cost = turn_cost(usage, "claude-sonnet-5-5")
    assert cost is not None
    assert cost.input == pytest.approx(0.002)
    assert cost.cache_write == pytest.approx(0.25)
    assert cost.output == pytest.approx(0.02)
    assert cost.total == pytest.approx(0.272)
    assert cost.saved == pytest.approx(-0.05)  # writing the cache costs 25 % more than plain input


def test_cached_second_turn_saves() -> None:
    first = turn_cost(Usage(500, 300, 100_000, 0, 100_000, 0), "claude-opus-5-5")
    second = turn_cost(Usage(600, 300, 0, 100_000, 0, 0), "claude-opus-5-5")
    assert first is not None and second is not None
    assert second.cache_read == pytest.approx(0.02)
    assert second.saved == pytest.approx(100_000 * (4.0 - 0.2) / 1e6)
    total = conversation_cost([first, second, None])
    assert total.total == pytest.approx(first.total + second.total)
    assert total.saved > 0


def test_one_hour_writes_priced_apart() -> None:
    cost = turn_cost(Usage(0, 0, 2_000_000, 0, 1_000_000, 1_000_000), "claude-haiku-4-5")
    assert cost is not None and cost.cache_write == pytest.approx(1.25 + 2.0)


def test_format_usd() -> None:
    assert format_usd(0) == "$0.00"
    assert format_usd(0.01234) == "$0.0123"
    assert format_usd(1234.5) == "$1,234.50"
