"""Injected faults for reliability tests: error statuses, slow answers, dropped connections.

A fault spec is a comma-separated list of items::

    SPEC  := ITEM ("," ITEM)*
    ITEM  := "seed=" INT                      seed of the random draws (default 0)
           | "retry-after=" SECONDS           retry-after sent with injected errors (default 1;
                                              429 always carries it, 500/529 only when set here)
           | [ROUTE ":"] FAULT [ "x" COUNT | "@" PROBABILITY ]
    FAULT := "429" | "500" | "529"            answer with that error (rate_limit / api / overloaded)
           | "403" | "400"                    answer with permission_error (a key without access, e.g.
                                              to batches) / invalid_request_error (a refused request)
           | "errored" | "expired"            (route batch_request only) one request of a batch ends
                                              errored (api_error) or expired; "429"/"500"/"529" there
                                              end it errored with that error type
           | "slow" ["=" SECONDS]             answer after a delay (default 2 s)
           | "drop-upload" ["=" BYTES]        close the connection after reading BYTES of an upload
                                              body (default 65536)
           | "lose-upload"                    store the upload, then close the connection without
                                              answering (the answer is lost; the file is there)
           | "reuse-id-upload"                store the upload, but answer with the id of the newest
                                              other file (a server that mixes up its ids)
           | "drop-stream" ["=" EVENTS]       close the connection after EVENTS server-sent events
                                              of a streamed message (default 3)
           | "error-stream" ["=" EVENTS]      after EVENTS events, send an `error` event
                                              (overloaded_error) and end the stream, as the API
                                              does when it is overloaded mid-answer (default 3)
           | "end-stream" ["=" EVENTS]        after EVENTS events, end the stream cleanly, without
                                              `message_stop` (default 3)
           | "json-stream"                    answer a streamed request with the whole Message as
                                              plain JSON, as a server that ignores `stream` does
    ROUTE := "*" (default, any API request) | "messages" (POST /v1/messages, streamed or not)
           | "stream" (streamed messages only) | "count_tokens" | "files" (any /v1/files request)
           | "upload" (POST /v1/files) | "models" | "batches"
           | "batch_request" (one request of a batch as the batch worker runs it; only rules that name
                              this route hit it, never "*" ones)

Without a suffix a rule hits every matching request; ``xN`` hits the next N matching requests and is
then used up; ``@P`` hits each matching request with probability P, drawn from a random generator
seeded by ``seed``, so a run is reproducible. Rules are tried in order; the first that hits wins.
The ``-upload`` faults only match uploads; the ``-stream`` faults only streamed messages.

Examples: ``messages:529x2`` (the next two message requests get 529), ``429@0.3,seed=7``,
``stream:drop-stream=5x1`` (the next stream is cut after five events), ``upload:drop-upload``,
``slow=0.5@0.1,retry-after=0.05``, ``batch_request:errored@0.2,batch_request:expiredx1``,
``batches:403`` (a key that may not use batches).
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass

ROUTES = frozenset(
    {"*", "messages", "stream", "count_tokens", "files", "upload", "models", "batches", "batch_request"}
)
KINDS = (
    "429", "500", "529", "403", "400", "errored", "expired",
    "slow", "drop-upload", "drop-stream", "error-stream", "end-stream", "json-stream",
    "lose-upload", "reuse-id-upload",
)  # fmt: skip

_ITEM = re.compile(
    r"^(?:(?P<route>[a-z_*]+):)?"
    r"(?P<kind>429|500|529|403|400|errored|expired|slow|drop-upload|lose-upload|reuse-id-upload|drop-stream|error-stream|end-stream"
    r"|json-stream)"
    r"(?:=(?P<arg>\d+(?:\.\d*)?))?(?:x(?P<count>\d+)|@(?P<prob>\d*(?:\.\d*)?))?$"
)
_DEFAULT_ARG = {
    "slow": 2.0,
    "drop-upload": 65536.0,
    "drop-stream": 3.0,
    "error-stream": 3.0,
    "end-stream": 3.0,
}


class FaultSpecError(ValueError):
    """A fault spec that does not parse."""


@dataclass(frozen=True)
class Fault:
    """One injected fault: `kind` is one of `KINDS`; `arg` its number (seconds, bytes, events)."""

    kind: str
    arg: float = 0.0
    retry_after: float | None = None

    @property
    def status(self) -> int:
        return int(self.kind) if self.kind.isdigit() else 0


@dataclass
class _Rule:
    route: str
    kind: str
    arg: float
    remaining: int | None
    probability: float | None


def _parse(spec: str) -> tuple[list[_Rule], int | None, float | None]:
    rules: list[_Rule] = []
    seed: int | None = None
    retry_after: float | None = None
    for raw in spec.split(","):
        item = raw.strip()
        if not item:
            continue
        if item.startswith("seed="):
            try:
                seed = int(item[5:])
            except ValueError:
                raise FaultSpecError(f"bad seed in fault spec: {item!r}") from None
            continue
        if item.startswith("retry-after="):
            try:
                retry_after = float(item[12:])
            except ValueError:
                raise FaultSpecError(f"bad retry-after in fault spec: {item!r}") from None
            if retry_after < 0:
                raise FaultSpecError(f"negative retry-after in fault spec: {item!r}")
            continue
        m = _ITEM.match(item)
        if not m:
            raise FaultSpecError(f"cannot parse fault item {item!r}; see python -m assistant.sandbox --help")
        route = m["route"] or "*"
        if route not in ROUTES:
            raise FaultSpecError(f"unknown route {route!r} in fault spec; one of {sorted(ROUTES)}")
        kind = m["kind"]
        if m["arg"] is not None and kind not in _DEFAULT_ARG:
            raise FaultSpecError(f"fault {kind!r} takes no argument: {item!r}")
        arg = float(m["arg"]) if m["arg"] is not None else _DEFAULT_ARG.get(kind, 0.0)
        count = int(m["count"]) if m["count"] is not None else None
        prob: float | None = None
        if m["prob"] is not None:
            try:
                prob = float(m["prob"])
            except ValueError:
                raise FaultSpecError(f"bad probability in fault spec: {item!r}") from None
            if not 0.0 <= prob <= 1.0:
                raise FaultSpecError(f"probability must be within 0..1: {item!r}")
        rules.append(_Rule(route=route, kind=kind, arg=arg, remaining=count, probability=prob))
    return rules, seed, retry_after


class FaultPlan:
    """The faults in force; thread-safe and changeable at run time (`set`, `add`, `clear`)."""

    def __init__(self, spec: str | None = None) -> None:
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []
        self._seed = 0
        self._rng = random.Random(0)
        self._retry_after: float | None = None
        self.hits: list[tuple[str, str]] = []  # (route tag that matched, kind), in order, for tests
        self._drawn = threading.local()  # the fault drawn for the request this thread handles
        if spec:
            self.set(spec)

    def set(self, spec: str) -> None:
        """Replace every rule (and the seed and retry-after) with those of `spec`."""
        rules, seed, retry_after = _parse(spec)
        with self._lock:
            self._rules = rules
            self._seed = seed if seed is not None else 0
            self._rng = random.Random(self._seed)
            self._retry_after = retry_after

    def add(self, spec: str) -> None:
        """Append the rules of `spec` after those in force (a seed or retry-after in it replaces the old)."""
        rules, seed, retry_after = _parse(spec)
        with self._lock:
            self._rules.extend(rules)
            if seed is not None:
                self._seed = seed
                self._rng = random.Random(seed)
            if retry_after is not None:
                self._retry_after = retry_after

    def clear(self) -> None:
        with self._lock:
            self._rules = []
            self._retry_after = None
            self._rng = random.Random(self._seed)

    @property
    def active(self) -> bool:
        with self._lock:
            return any(r.remaining is None or r.remaining > 0 for r in self._rules)

    def drawn(self) -> Fault | None:
        """The fault ``draw`` gave the request this thread is handling (for faults that act late,
        after an upload is stored), or None."""
        fault: Fault | None = getattr(self._drawn, "fault", None)
        return fault

    def draw(self, tags: frozenset[str], *, wildcard: bool = True) -> Fault | None:
        """The fault for a request with these route tags, or None. Consumes counted rules.
        ``wildcard`` False: only rules that name one of ``tags`` (not "*") can hit."""
        self._drawn.fault = fault = self._draw(tags, wildcard)
        return fault

    def _draw(self, tags: frozenset[str], wildcard: bool = True) -> Fault | None:
        with self._lock:
            for rule in self._rules:
                if rule.route == "*" and not wildcard:
                    continue
                if rule.route != "*" and rule.route not in tags:
                    continue
                if rule.kind in ("errored", "expired") and "batch_request" not in tags:
                    continue
                if rule.kind.endswith("-upload") and "upload" not in tags:
                    continue
                if rule.kind.endswith("-stream") and "stream" not in tags:
                    continue
                if rule.remaining is not None:
                    if rule.remaining <= 0:
                        continue
                    rule.remaining -= 1
                elif rule.probability is not None and self._rng.random() >= rule.probability:
                    continue
                retry_after = self._retry_after
                if rule.kind == "429" and retry_after is None:
                    retry_after = 1.0
                if len(self.hits) >= 10_000:  # a long-running server keeps the recent ones
                    del self.hits[:5_000]
                self.hits.append((rule.route, rule.kind))
                return Fault(kind=rule.kind, arg=rule.arg, retry_after=retry_after)
        return None
