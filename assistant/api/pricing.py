"""What a turn cost, from its real usage and the price list in ``prices.json`` (with its source and date).

Pure: no network, no SDK import. Money is USD as ``float`` (display rounds to cents or tenths of a cent).

Public API::

    ModelPrice   input, cache_write_5m, cache_write_1h, cache_read, output   (USD per million tokens),
                 min_cache_tokens (the shortest prefix the model caches: 1,024-4,096 tokens)
    PriceList    source, date, models; .price_for(model) -> ModelPrice | None   (longest prefix match)
                 .min_cache_tokens(model) -> int (DEFAULT_MIN_CACHE_TOKENS for a model without a price)
                 .label -> "Anthropic pricing page (...), 2026-11-24" (what the About box names)
    load_prices(path=None) -> PriceList            # the bundled prices.json by default (cached)
    TurnCost     input, cache_write, cache_read, output, total, without_cache (the same tokens
                 priced as plain input), saved (= without_cache - total); TurnCost + TurnCost
    turn_cost(usage, model, prices=None) -> TurnCost | None     # None for a model without a price
    conversation_cost(costs) -> TurnCost                        # sum over turns (None entries skipped)
    format_usd(amount) -> str                                   # "$0.0123", "$1.24"
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from assistant.catalog import Usage

__all__ = [
    "DEFAULT_MIN_CACHE_TOKENS",
    "ModelPrice",
    "PriceList",
    "TurnCost",
    "conversation_cost",
    "format_usd",
    "load_prices",
    "turn_cost",
]

PRICES_FILE = Path(__file__).with_name("prices.json")
_MILLION = 1_000_000
DEFAULT_MIN_CACHE_TOKENS = 1024


@dataclass(frozen=True)
class ModelPrice:
    input: float
    cache_write_5m: float
    cache_write_1h: float
    cache_read: float
    output: float
    min_cache_tokens: int = DEFAULT_MIN_CACHE_TOKENS


@dataclass(frozen=True)
class PriceList:
    source: str
    date: str
    models: dict[str, ModelPrice]

    def price_for(self, model: str) -> ModelPrice | None:
        if model in self.models:
            return self.models[model]
        best = max((m for m in self.models if model.startswith(m)), key=len, default=None)
        return None if best is None else self.models[best]

    def min_cache_tokens(self, model: str) -> int:
        price = self.price_for(model)
        return DEFAULT_MIN_CACHE_TOKENS if price is None else price.min_cache_tokens

    @property
    def label(self) -> str:
        return f"{self.source}, {self.date}"


def _parse(data: dict[str, object]) -> PriceList:
    models_raw = data["models"]
    if not isinstance(models_raw, dict):
        raise ValueError("prices.json: 'models' must be an object")
    models = {
        str(name): ModelPrice(
            input=float(p["input"]),
            cache_write_5m=float(p["cache_write_5m"]),
            cache_write_1h=float(p["cache_write_1h"]),
            cache_read=float(p["cache_read"]),
            output=float(p["output"]),
            min_cache_tokens=int(p.get("min_cache_tokens", DEFAULT_MIN_CACHE_TOKENS)),
        )
        for name, p in models_raw.items()
    }
    return PriceList(source=str(data["source"]), date=str(data["date"]), models=models)


@cache
def _bundled() -> PriceList:
    return _parse(json.loads(PRICES_FILE.read_text(encoding="utf-8")))


def load_prices(path: Path | None = None) -> PriceList:
    if path is None:
        return _bundled()
    return _parse(json.loads(path.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class TurnCost:
    input: float = 0.0
    cache_write: float = 0.0
    cache_read: float = 0.0
    output: float = 0.0
    without_cache: float = 0.0

    @property
    def total(self) -> float:
        return self.input + self.cache_write + self.cache_read + self.output

    @property
    def saved(self) -> float:
        """What prompt caching saved (negative when a cache write has not paid off yet)."""
        return self.without_cache - self.total

    def __add__(self, other: TurnCost) -> TurnCost:
        return TurnCost(
            self.input + other.input,
            self.cache_write + other.cache_write,
            self.cache_read + other.cache_read,
            self.output + other.output,
            self.without_cache + other.without_cache,
        )


def turn_cost(usage: Usage, model: str, prices: PriceList | None = None) -> TurnCost | None:
    price = (prices or load_prices()).price_for(model)
    if price is None:
        return None
    w5 = usage.cache_write_5m_tokens
    w1 = usage.cache_write_1h_tokens
    unattributed = max(0, usage.cache_creation_input_tokens - w5 - w1)
    w5 += unattributed
    cache_write = (w5 * price.cache_write_5m + w1 * price.cache_write_1h) / _MILLION
    input_cost = usage.input_tokens * price.input / _MILLION
    read_cost = usage.cache_read_input_tokens * price.cache_read / _MILLION
    output_cost = usage.output_tokens * price.output / _MILLION
    plain = (usage.input_tokens + w5 + w1 + usage.cache_read_input_tokens) * price.input / _MILLION
    return TurnCost(input_cost, cache_write, read_cost, output_cost, plain + output_cost)


def conversation_cost(costs: Iterable[TurnCost | None]) -> TurnCost:
    total = TurnCost()
    for cost in costs:
        if cost is not None:
            total = total + cost
    return total


def format_usd(amount: float) -> str:
    if abs(amount) >= 1:
        return f"${amount:,.2f}"
    if amount == 0:
        return "$0.00"
    return f"${amount:.4f}"
