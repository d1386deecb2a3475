"""The HTTP server and its request handler: plumbing, authentication, injected faults, errors.

Every answer carries a `request-id`; errors have the API's shape (also for malformed HTTP); an
unexpected exception is a 500 and the server keeps serving. Routing is in `routes`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import secrets
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from assistant.sandbox.errors import ApiError
from assistant.sandbox.faults import Fault
from assistant.sandbox.http.routes import Call, fault_tags, route
from assistant.sandbox.http.wire import BodyReader, ConnectionDropped
from assistant.sandbox.storage import new_id

if TYPE_CHECKING:
    from assistant.sandbox.server import SandboxServer

log = logging.getLogger("assistant.sandbox")

MAX_JSON_BODY = 32 * 1024 * 1024  # the API's request size limit for Messages


class HTTPServer(ThreadingHTTPServer):
    """A thread per connection; keeps the live sockets so that stop() can wake idle keep-alive threads."""

    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], sandbox: SandboxServer) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.sandbox = sandbox
        self.live: set[socket.socket] = set()
        self.live_lock = threading.Lock()
        super().__init__(address, Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.live_lock:
            self.live.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.live_lock:
            self.live.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("connection error from %s", client_address, exc_info=True)


class Handler(BaseHTTPRequestHandler):
    """One connection: each request authenticated, its fault drawn, routed, answered in the API's shape."""

    protocol_version = "HTTP/1.1"
    server_version = "AnthropicSandbox/1"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = 300  # seconds a connection may sit idle (or stall mid-body) before it is closed
    server: HTTPServer

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Malformed HTTP (bad request line, headers too long...): still the API's error shape."""
        request_id = new_id("req_")
        self.close_connection = True
        err = ApiError(code, message or explain or "Bad request.")
        body = json.dumps(err.body(request_id)).encode()
        self.send_response(code, message)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("request-id", request_id)
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    # -- plumbing ------------------------------------------------------------------------------

    def _body_reader(self) -> BodyReader:
        chunked = "chunked" in self.headers.get("Transfer-Encoding", "").lower()
        length: int | None = None
        if not chunked:
            try:
                length = int(self.headers.get("Content-Length", "0") or "0")
            except ValueError:
                length = 0
            length = max(length, 0)
        return BodyReader(self.rfile, length, chunked)

    def reply(
        self,
        status: int,
        body: bytes,
        request_id: str,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("request-id", request_id)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def reply_json(self, status: int, obj: object, request_id: str) -> None:
        self.reply(status, json.dumps(obj).encode(), request_id)

    def reply_error(self, err: ApiError, request_id: str, retry_after: float | None = None) -> None:
        headers: dict[str, str] = {}
        if retry_after is not None:
            headers["retry-after"] = str(max(0, math.ceil(retry_after)))
            headers["retry-after-ms"] = str(round(retry_after * 1000))
        if err.status == 529 or err.status >= 500:
            headers["x-should-retry"] = "true"
        self.reply(err.status, json.dumps(err.body(request_id)).encode(), request_id, headers=headers)

    def _drop(self) -> None:
        """Cut the connection with no answer (a fault, or a client that went away)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _dispatch(self, method: str) -> None:
        request_id = new_id("req_")
        sandbox = self.server.sandbox
        reader = self._body_reader()
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        query = parse_qs(url.query, keep_blank_values=True)
        try:
            try:
                self._authenticate()
                tags = fault_tags(method, path)
                # /v1/messages draws its fault once it knows whether the request streams
                fault = sandbox.faults.draw(tags) if path != "/v1/messages" else None
                if fault is not None:
                    self.apply_fault(fault, reader)
                route(self, Call(method, path, query, reader, request_id))
            except ApiError as err:
                if not reader.done:
                    reader.drain()
                self.reply_error(err, request_id, getattr(err, "retry_after", None))
        except ConnectionDropped:
            self._drop()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as exc:  # a bug: answer as the API does, and keep serving
            log.exception("sandbox error on %s %s", method, self.path)
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.reply_error(ApiError(500, f"Internal server error: {type(exc).__name__}"), request_id)
        if not reader.done:
            self.close_connection = True

    def _authenticate(self) -> None:
        sandbox = self.server.sandbox
        key = self.headers.get("x-api-key")
        if not key:
            auth = self.headers.get("Authorization", "")
            if auth.lower().startswith("bearer "):
                key = auth[7:].strip()
        if not key:
            raise ApiError(401, "x-api-key header is required")
        if sandbox.api_key is not None and not secrets.compare_digest(key.encode(), sandbox.api_key.encode()):
            raise ApiError(401, "invalid x-api-key")

    def apply_fault(self, fault: Fault, reader: BodyReader) -> None:
        """Error and slow faults act here; drops are set up for the body reader; the ``-stream``
        faults act in the stream (``sse.write_stream``)."""
        if fault.kind.endswith("-stream"):
            return
        if fault.kind == "slow":
            self.server.sandbox.stopping.wait(fault.arg)  # cut short by stop()
        elif fault.kind == "drop-upload":
            reader.drop_after = int(fault.arg)
        elif fault.status:
            err = ApiError(
                fault.status,
                {
                    400: "The request was refused as invalid (injected by the sandbox).",
                    403: "Your API key does not have permission to use the specified resource "
                    "(injected by the sandbox).",
                    429: "Number of requests has exceeded your rate limit (injected by the sandbox).",
                    500: "Internal server error (injected by the sandbox).",
                    529: "Overloaded (injected by the sandbox).",
                }[fault.status],
            )
            err.retry_after = fault.retry_after  # type: ignore[attr-defined]
            raise err

    def json_body(self, reader: BodyReader) -> object:
        raw = reader.read_all(MAX_JSON_BODY)
        try:
            return json.loads(raw)
        except ValueError:
            raise ApiError(400, "The request body is not valid JSON.") from None
