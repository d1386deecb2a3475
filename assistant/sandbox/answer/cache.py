"""Prompt caching as the API documents it, on top of the prompt's blocks in order (tools, system, messages).

Rules the sandbox follows:

* A breakpoint is a block carrying `cache_control` (or the block automatic caching chooses). The cache key
  of a breakpoint is a hash chained over every block before it and itself (byte-identical canonical JSON,
  without the `cache_control` markers themselves, file ids included), keyed by model.
* A prefix shorter than `MIN_CACHEABLE_TOKENS` is never cached (the API silently ignores such breakpoints).
* Reads: for each breakpoint, the ledger is checked at that block and at up to `LOOKBACK_BLOCKS` block
  boundaries before it; the longest unexpired prefix found is read (`cache_read_input_tokens`), and its
  expiry is refreshed.
* Writes: everything after the hit up to the last cacheable breakpoint is written
  (`cache_creation_input_tokens`), attributed to the TTL of the breakpoint that ends each segment
  (`ephemeral_1h_input_tokens` / `ephemeral_5m_input_tokens`). Every cacheable breakpoint of the request is
  then stored (or refreshed) with expiry `now + ttl`.
* `input_tokens` is what comes after the last cacheable breakpoint, so input + read + creation is always
  the request's total (what count_tokens reports).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

MIN_CACHEABLE_TOKENS = 1024
LOOKBACK_BLOCKS = 20
TTL_SECONDS: dict[str, float] = {"5m": 300.0, "1h": 3600.0}
LEDGER_MAX_ENTRIES = 50_000


@dataclass(frozen=True)
class PromptBlock:
    """One block of the prompt: its chained prefix hash, tokens up to and including it, its breakpoint."""

    prefix_hash: str
    prefix_tokens: int
    ttl: str | None  # "5m" | "1h" when the block is a breakpoint


@dataclass(frozen=True)
class CacheUsage:
    read: int
    creation_5m: int
    creation_1h: int

    @property
    def creation(self) -> int:
        return self.creation_5m + self.creation_1h


class CacheLedger:
    """Prompt-cache state across requests: prefix hash -> expiry. Thread-safe and bounded (LRU)."""

    def __init__(self, max_entries: int = LEDGER_MAX_ENTRIES) -> None:
        self._lock = threading.Lock()
        self._expiry: OrderedDict[str, float] = OrderedDict()
        self._max_entries = max_entries

    def __len__(self) -> int:
        with self._lock:
            return len(self._expiry)

    def clear(self) -> None:
        with self._lock:
            self._expiry.clear()

    def account(self, blocks: Sequence[PromptBlock], now: float, *, commit: bool = True) -> CacheUsage:
        """The cache usage of a prompt made of `blocks`; with `commit`, reads refresh and writes store."""
        breakpoints = [
            i for i, block in enumerate(blocks) if block.ttl and block.prefix_tokens >= MIN_CACHEABLE_TOKENS
        ]
        if not breakpoints:
            return CacheUsage(0, 0, 0)
        with self._lock:
            hit = -1
            for bp in breakpoints:
                for i in range(bp, max(-1, bp - LOOKBACK_BLOCKS - 1), -1):
                    if i <= hit:
                        break
                    expiry = self._expiry.get(blocks[i].prefix_hash)
                    if expiry is not None and expiry > now:
                        hit = i
                        break
            read = blocks[hit].prefix_tokens if hit >= 0 else 0
            creation = {"5m": 0, "1h": 0}
            previous = read
            for bp in breakpoints:
                if bp <= hit:
                    continue
                ttl = blocks[bp].ttl or "5m"
                creation[ttl] += blocks[bp].prefix_tokens - previous
                previous = blocks[bp].prefix_tokens
            if commit:
                if hit >= 0:
                    self._store(blocks[hit].prefix_hash, now + self._ttl_at(blocks, hit, breakpoints))
                for bp in breakpoints:
                    self._store(blocks[bp].prefix_hash, now + TTL_SECONDS[blocks[bp].ttl or "5m"])
        return CacheUsage(read, creation["5m"], creation["1h"])

    @staticmethod
    def _ttl_at(blocks: Sequence[PromptBlock], index: int, breakpoints: Sequence[int]) -> float:
        """The TTL a read at `index` is refreshed with: that of the first breakpoint at or after it."""
        for bp in breakpoints:
            if bp >= index:
                return TTL_SECONDS[blocks[bp].ttl or "5m"]
        return TTL_SECONDS["5m"]

    def _store(self, key: str, expiry: float) -> None:
        current = self._expiry.get(key)
        self._expiry[key] = max(expiry, current) if current is not None else expiry
        self._expiry.move_to_end(key)
        while len(self._expiry) > self._max_entries:
            self._expiry.popitem(last=False)
