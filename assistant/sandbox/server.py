"""The sandbox server: the Anthropic API over real HTTP/1.1 (stdlib only), its stores, its lifecycle.

In-process use (tests, the app's offline mode)::

    with SandboxServer(data_dir=path, api_key="sk-ant-...") as server:   # or .start() / .stop()
        client = anthropic.Anthropic(api_key=server.api_key, base_url=server.base_url)
        server.clock.advance(3600)           # move time (file expiry, prompt-cache TTLs, batches)
        server.clock.set(timestamp)          # ... or set it; server.clock.now() reads it
        server.faults.set("messages:529x2")  # inject faults (grammar in assistant.sandbox.faults);
        server.faults.add("stream:drop-stream=4x1")  # .add appends, .clear() removes them all,
        server.faults.hits                   # [(route, kind), ...] of the faults that hit
        server.tokens_per_second = 40        # throttle streamed answers (None: unthrottled)
        server.max_file_size = 10_000        # per-file limit in bytes (413 above it)
        server.storage_quota = 100_000       # organisation quota in bytes (400 storage_quota_exceeded)
        server.batches.hold() / .release()   # pause and resume batch processing
        server.batches.pace = 0.05           # seconds per batch request (partial request_counts)

Data dir layout: ``files/<id>.bin`` and ``files/<id>.json`` (bytes and metadata), ``tmp/`` (uploads
in progress), ``batches/<id>.json`` and ``batches/<id>.jsonl`` (batch and its results).
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import shutil
import socket
import tempfile
import threading

from assistant.sandbox.answer.cache import CacheLedger
from assistant.sandbox.answer.message import message_json
from assistant.sandbox.answer.plan import plan_message
from assistant.sandbox.batches import BatchStore
from assistant.sandbox.clock import Clock
from assistant.sandbox.errors import ApiError
from assistant.sandbox.faults import FaultPlan
from assistant.sandbox.http.handler import HTTPServer
from assistant.sandbox.request.validate import validate_message_request
from assistant.sandbox.storage import MAX_FILE_SIZE, STORAGE_QUOTA, FileStore, new_id

DEFAULT_API_KEY = "sk-ant-sandbox"


class SandboxServer:
    """The sandbox, in-process, on a free loopback port unless told otherwise.

    Arguments (all keyword): `data_dir` (files and batches persist there; None = a temporary dir removed
    on stop), `api_key` (the one key accepted; None accepts any non-empty key), `host`, `port` (0 = a
    free port), `faults` (a spec, see `assistant.sandbox.faults`), `tokens_per_second` (stream
    throttle; None or 0 = as fast as possible), `max_file_size`, `storage_quota` (bytes), `clock`,
    `batch_pace` (seconds per batch request; 0 = as fast as possible).
    """

    def __init__(
        self,
        data_dir: str | os.PathLike[str] | None = None,
        api_key: str | None = DEFAULT_API_KEY,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: str | None = None,
        tokens_per_second: float | None = None,
        max_file_size: int = MAX_FILE_SIZE,
        storage_quota: int = STORAGE_QUOTA,
        clock: Clock | None = None,
        batch_pace: float = 0.0,
    ) -> None:
        self._own_dir = data_dir is None
        if data_dir is None:
            data_dir = tempfile.mkdtemp(prefix="sandbox-")
        self.data_dir = pathlib.Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.api_key = api_key
        self.host = host
        self.port = port
        self.clock = clock or Clock()
        self.faults = FaultPlan(faults)
        self.tokens_per_second = tokens_per_second
        self.ledger = CacheLedger()
        self.files = FileStore(self.data_dir, self.clock, max_file_size, storage_quota)
        self.batches = BatchStore(
            self.data_dir, self.clock, self._run_batch_request, faults=self.faults, pace=batch_pace
        )
        self._httpd: HTTPServer | None = None
        self.stopping = threading.Event()  # set by stop(): waits (slow faults, throttling) end
        self._thread: threading.Thread | None = None

    # configuration that tests change at run time
    @property
    def max_file_size(self) -> int:
        return self.files.max_file_size

    @max_file_size.setter
    def max_file_size(self, value: int) -> None:
        self.files.max_file_size = value

    @property
    def storage_quota(self) -> int:
        return self.files.storage_quota

    @storage_quota.setter
    def storage_quota(self, value: int) -> None:
        self.files.storage_quota = value

    @property
    def base_url(self) -> str:
        host = self.host if ":" not in self.host else f"[{self.host}]"
        if host in ("0.0.0.0", "[::]"):
            host = "127.0.0.1"
        return f"http://{host}:{self.port}"

    def _run_batch_request(self, params: object) -> dict[str, object]:
        body = validate_message_request(params)
        if body.get("stream"):
            raise ApiError(400, "stream: batch requests cannot be streamed")
        plan = plan_message(body, self.files.resolve, self.ledger, self.clock.now())
        return message_json(new_id("msg_"), plan)

    def start(self) -> SandboxServer:
        if self._httpd is not None:
            return self
        self.stopping.clear()
        self._httpd = HTTPServer((self.host, self.port), self)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="sandbox-http", daemon=True
        )
        self._thread.start()
        self.batches.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until `stop()` (from another thread) or KeyboardInterrupt."""
        self.start()
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(0.5)
        finally:
            self.stop()

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        self.stopping.set()
        if httpd is not None:
            httpd.shutdown()
            with httpd.live_lock:
                live = list(httpd.live)
            for sock in live:  # wake handler threads idling on keep-alive connections
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            httpd.server_close()  # joins the handler threads
            if self._thread is not None:
                self._thread.join(5)
        self.batches.stop()
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
