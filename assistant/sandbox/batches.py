"""Message batches: stored in the data dir and processed one request at a time by a background thread.

Layout: ``<data_dir>/batches/<batch_id>.json`` (metadata, rewritten as requests finish),
``<batch_id>.requests.json`` (its requests, written once), ``<batch_id>.jsonl`` (results, one line per
request, written as they finish). A batch still in progress at a restart is resumed.

Each request runs through the Messages endpoint's own planning (file documents, citations, prompt
caching counted per request against the shared cache ledger). ``pace`` (seconds of real time per
request; 0 = as fast as possible) lets a test see ``in_progress`` with partial ``request_counts``; a
cancel mid-way ends the requests not yet run ``canceled``; results are served only once the batch
ended. Faults routed ``batch_request`` (``assistant.sandbox.faults``) end single requests ``errored``
or ``expired``; a batch past its 24 h ``expires_at`` ends its remaining requests ``expired``.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields

from assistant.sandbox.clock import Clock
from assistant.sandbox.errors import ERROR_TYPES, ApiError
from assistant.sandbox.faults import FaultPlan
from assistant.sandbox.storage import new_id, rfc3339

MAX_REQUESTS = 100_000
BATCH_TTL = 24 * 3600
_CUSTOM_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")

Runner = Callable[[object], dict[str, object]]  # params -> Message JSON; raises ApiError


@dataclass
class Batch:
    id: str
    seq: int
    created_at: float
    expires_at: float
    requests: list[dict[str, object]]
    processing_status: str = "in_progress"  # in_progress | canceling | ended
    ended_at: float | None = None
    cancel_initiated_at: float | None = None
    done: int = 0
    counts: dict[str, int] = field(
        default_factory=lambda: {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
    )

    def to_api(self, base_url: str) -> dict[str, object]:
        ended = self.processing_status == "ended"
        return {
            "id": self.id,
            "type": "message_batch",
            "processing_status": self.processing_status,
            "request_counts": dict(self.counts),
            "created_at": rfc3339(self.created_at),
            "expires_at": rfc3339(self.expires_at),
            "ended_at": rfc3339(self.ended_at) if self.ended_at is not None else None,
            "cancel_initiated_at": rfc3339(self.cancel_initiated_at) if self.cancel_initiated_at else None,
            "archived_at": None,
            "results_url": f"{base_url}/v1/messages/batches/{self.id}/results" if ended else None,
        }


def _summary(batch: Batch) -> Batch:
    """A copy of the batch without its requests (what get, list and cancel answer with)."""
    meta = {f.name: getattr(batch, f.name) for f in fields(batch) if f.name not in ("requests", "counts")}
    return Batch(**meta, requests=[], counts=dict(batch.counts))


class BatchStore:
    """Thread-safe batches with a worker thread; `hold()`/`release()` pause processing (for tests)."""

    def __init__(
        self,
        data_dir: pathlib.Path,
        clock: Clock,
        runner: Runner,
        *,
        faults: FaultPlan | None = None,
        pace: float = 0.0,
    ) -> None:
        self.pace = pace  # seconds of real time per request (0: as fast as possible)
        self._faults = faults
        self._next_at = 0.0  # monotonic time before which the next request does not start
        self.dir = data_dir / "batches"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.clock = clock
        self._runner = runner
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._batches: dict[str, Batch] = {}
        self._seq = 0
        self._stopping = False
        self._held = False
        self._thread: threading.Thread | None = None
        for meta in self.dir.glob("msgbatch_*.json"):
            if meta.name.endswith(".requests.json"):
                continue
            try:
                data = json.loads(meta.read_text("utf-8"))
                if "requests" not in data:  # older data dirs kept them in the metadata
                    data["requests"] = json.loads(self._requests_path(meta.stem).read_text("utf-8"))
                batch = Batch(**data)
            except (OSError, ValueError, TypeError):
                continue
            self._batches[batch.id] = batch
            self._seq = max(self._seq, batch.seq)

    # lifecycle

    def start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._stopping = False
            self._thread = threading.Thread(target=self._work, name="sandbox-batches", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            self._wake.notify_all()
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(10)

    def hold(self) -> None:
        """Pause processing after the request in hand (batches stay in_progress)."""
        with self._lock:
            self._held = True

    def release(self) -> None:
        with self._lock:
            self._held = False
            self._wake.notify_all()

    # API

    def create(self, body: object) -> Batch:
        if not isinstance(body, dict):
            raise ApiError(400, "The request body must be a JSON object.")
        requests = body.get("requests")
        if not isinstance(requests, list) or not requests:
            raise ApiError(400, "requests: Field required (a non-empty list)")
        if len(requests) > MAX_REQUESTS:
            raise ApiError(400, f"requests: at most {MAX_REQUESTS} requests per batch")
        seen: set[str] = set()
        for i, request in enumerate(requests):
            if not isinstance(request, dict):
                raise ApiError(400, f"requests.{i}: Input should be an object")
            custom_id = request.get("custom_id")
            if not isinstance(custom_id, str) or not _CUSTOM_ID.match(custom_id):
                raise ApiError(400, f"requests.{i}.custom_id: 1 to 64 letters, digits, '-' or '_'")
            if custom_id in seen:
                raise ApiError(400, f"requests.{i}.custom_id: duplicate custom_id {custom_id!r}")
            seen.add(custom_id)
            if not isinstance(request.get("params"), dict):
                raise ApiError(400, f"requests.{i}.params: Field required")
        now = self.clock.now()
        with self._lock:
            self._seq += 1
            batch = Batch(
                id=new_id("msgbatch_"),
                seq=self._seq,
                created_at=now,
                expires_at=now + BATCH_TTL,
                requests=[{"custom_id": r["custom_id"], "params": r["params"]} for r in requests],
            )
            batch.counts["processing"] = len(requests)
            self._results_path(batch.id).write_bytes(b"")
            part = self._requests_path(batch.id).with_suffix(".part")
            part.write_text(json.dumps(batch.requests), "utf-8")
            os.replace(part, self._requests_path(batch.id))
            self._save(batch)
            self._batches[batch.id] = batch
            self._wake.notify_all()
        return batch

    def get(self, batch_id: str) -> Batch:
        with self._lock:
            batch = self._known(batch_id)
            return _summary(batch)

    def page(self, limit: int, after_id: str | None, before_id: str | None) -> tuple[list[Batch], bool]:
        with self._lock:
            ordered = sorted(self._batches.values(), key=lambda b: b.seq, reverse=True)
            ids = [b.id for b in ordered]
            if after_id is not None:
                if after_id not in ids:
                    raise ApiError(400, f"after_id: unknown batch {after_id}")
                start = ids.index(after_id) + 1
                page, more = ordered[start : start + limit], start + limit < len(ordered)
            elif before_id is not None:
                if before_id not in ids:
                    raise ApiError(400, f"before_id: unknown batch {before_id}")
                end = ids.index(before_id)
                start = max(0, end - limit)
                page, more = ordered[start:end], start > 0
            else:
                page, more = ordered[:limit], limit < len(ordered)
            return [_summary(b) for b in page], more

    def cancel(self, batch_id: str) -> Batch:
        with self._lock:
            batch = self._known(batch_id)
            if batch.processing_status == "in_progress":
                batch.processing_status = "canceling"
                batch.cancel_initiated_at = self.clock.now()
                self._save(batch)
                self._wake.notify_all()
            return _summary(batch)

    def delete(self, batch_id: str) -> None:
        with self._lock:
            batch = self._known(batch_id)
            if batch.processing_status != "ended":
                raise ApiError(400, f"Message batch {batch_id} is still processing; cancel it first.")
            del self._batches[batch_id]
            (self.dir / f"{batch_id}.json").unlink(missing_ok=True)
            self._requests_path(batch_id).unlink(missing_ok=True)
            self._results_path(batch_id).unlink(missing_ok=True)

    def results(self, batch_id: str) -> bytes:
        with self._lock:
            batch = self._known(batch_id)
            if batch.processing_status != "ended":
                raise ApiError(404, f"Results of message batch {batch_id} are not available until it ends.")
            return self._results_path(batch_id).read_bytes()

    # internals

    def _known(self, batch_id: str) -> Batch:
        """The batch with this id, or the API's 404; call with the lock held."""
        batch = self._batches.get(batch_id)
        if batch is None:
            raise ApiError(404, f"Message batch not found: {batch_id}")
        return batch

    def _results_path(self, batch_id: str) -> pathlib.Path:
        return self.dir / f"{batch_id}.jsonl"

    def _requests_path(self, batch_id: str) -> pathlib.Path:
        return self.dir / f"{batch_id}.requests.json"

    def _save(self, batch: Batch) -> None:
        """The metadata (its requests are written once, by ``create``)."""
        path = self.dir / f"{batch.id}.json"
        part = path.with_suffix(".json.part")
        meta = {f.name: getattr(batch, f.name) for f in fields(batch) if f.name != "requests"}
        part.write_text(json.dumps(meta), "utf-8")
        os.replace(part, path)

    def _next_work(self) -> tuple[Batch, dict[str, object]] | None:
        """Under the lock: the next request to run, finishing canceled or expired batches on the way."""
        for batch in sorted(self._batches.values(), key=lambda b: b.seq):
            if batch.processing_status == "ended":
                continue
            now = self.clock.now()
            if batch.processing_status == "canceling" or now >= batch.expires_at:
                kind = "canceled" if batch.processing_status == "canceling" else "expired"
                lines = [
                    json.dumps({"custom_id": r["custom_id"], "result": {"type": kind}})
                    for r in batch.requests[batch.done :]
                ]
                self._append(batch, lines)
                batch.counts[kind] += len(lines)
                batch.counts["processing"] = 0
                batch.done = len(batch.requests)
                self._end(batch)
                continue
            if batch.done >= len(batch.requests):
                self._end(batch)
                continue
            return batch, batch.requests[batch.done]
        return None

    def _end(self, batch: Batch) -> None:
        batch.processing_status = "ended"
        batch.ended_at = self.clock.now()
        self._save(batch)

    def _append(self, batch: Batch, lines: list[str]) -> None:
        if lines:
            with self._results_path(batch.id).open("a", encoding="utf-8") as out:
                out.write("".join(line + "\n" for line in lines))

    def _work(self) -> None:
        while True:
            with self._lock:
                while True:
                    if self._stopping:
                        return
                    wait = self._next_at - time.monotonic() if self.pace > 0 else 0.0
                    work = None if self._held or wait > 0 else self._next_work()
                    if work is not None:
                        break
                    self._wake.wait(min(0.5, wait) if wait > 0 else 0.5)
                batch, request = work
                self._next_at = time.monotonic() + self.pace
            fault = self._faults.draw(frozenset({"batch_request"}), wildcard=False) if self._faults else None
            try:
                if fault is not None and fault.kind == "expired":
                    result: dict[str, object] = {"type": "expired"}
                    kind = "expired"
                elif fault is not None and (fault.status or fault.kind == "errored"):
                    status = fault.status or 500
                    raise ApiError(
                        status, f"{ERROR_TYPES.get(status, 'api_error')} (injected by the sandbox)"
                    )
                else:
                    message = self._runner(request["params"])
                    result = {"type": "succeeded", "message": message}
                    kind = "succeeded"
            except ApiError as err:
                result = {"type": "errored", "error": err.body(new_id("req_"))}
                kind = "errored"
            except Exception as exc:  # a bug in one request must not stop the batch
                bug = ApiError(500, f"Internal server error: {type(exc).__name__}")
                result = {"type": "errored", "error": bug.body(new_id("req_"))}
                kind = "errored"
            with self._lock:
                if batch.processing_status == "ended" or batch.done >= len(batch.requests):
                    continue
                self._append(batch, [json.dumps({"custom_id": request["custom_id"], "result": result})])
                batch.done += 1
                batch.counts[kind] += 1
                batch.counts["processing"] -= 1
                if batch.done >= len(batch.requests):
                    self._end(batch)
                else:
                    self._save(batch)
