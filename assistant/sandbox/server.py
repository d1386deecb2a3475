"""The sandbox's HTTP server: the Anthropic API's routes over real HTTP/1.1 (stdlib only).

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

Data dir layout: ``files/<id>.bin`` and ``files/<id>.json`` (bytes and metadata), ``tmp/`` (uploads
in progress), ``batches/<id>.json`` and ``batches/<id>.jsonl`` (batch and its results).

Routes: POST/GET /v1/files, GET/DELETE /v1/files/{id}, GET /v1/files/{id}/content, POST /v1/messages
(plain and stream), POST /v1/messages/count_tokens, GET /v1/models[/{id}], and message batches
(POST/GET /v1/messages/batches, GET /v1/messages/batches/{id}, POST .../cancel, GET .../results,
DELETE /v1/messages/batches/{id}).
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import pathlib
import re
import secrets
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

from assistant.sandbox.answer.cache import CacheLedger
from assistant.sandbox.answer.plan import MessagePlan, plan_message
from assistant.sandbox.batches import BatchStore
from assistant.sandbox.clock import Clock
from assistant.sandbox.errors import ApiError
from assistant.sandbox.faults import Fault, FaultPlan
from assistant.sandbox.http.wire import (
    BodyReader,
    ConnectionDropped,
    Sink,
    boundary_of,
    content_disposition,
    parse_multipart,
)
from assistant.sandbox.models import get_model, known_model, list_models, model_max_tokens
from assistant.sandbox.request.parser import count_request_tokens
from assistant.sandbox.storage import MAX_EXPIRY, MAX_FILE_SIZE, MIN_EXPIRY, STORAGE_QUOTA, FileStore, new_id

log = logging.getLogger("assistant.sandbox")

DEFAULT_API_KEY = "sk-ant-sandbox"
MAX_JSON_BODY = 32 * 1024 * 1024  # the API's request size limit for Messages
_MULTIPART_SLACK = 1 << 20  # room for multipart framing and form fields around the file's bytes
_FILE_ID = re.compile(r"^/v1/files/([^/]+)$")
_FILE_CONTENT = re.compile(r"^/v1/files/([^/]+)/content$")
_MODEL = re.compile(r"^/v1/models/([^/]+)$")
_BATCH = re.compile(r"^/v1/messages/batches/([^/]+)$")
_BATCH_CANCEL = re.compile(r"^/v1/messages/batches/([^/]+)/cancel$")
_BATCH_RESULTS = re.compile(r"^/v1/messages/batches/([^/]+)/results$")
_DELTA_PIECE = re.compile(r"\S+\s*|\s+")


def _tags(method: str, path: str, stream: bool = False) -> frozenset[str]:
    """The fault-route tags of a request."""
    tags = {"*"}
    if path == "/v1/messages":
        tags.add("messages")
        if stream:
            tags.add("stream")
    elif path == "/v1/messages/count_tokens":
        tags.add("count_tokens")
    elif path.startswith("/v1/messages/batches"):
        tags.add("batches")
    elif path.startswith("/v1/files"):
        tags.add("files")
        if method == "POST" and path == "/v1/files":
            tags.add("upload")
    elif path.startswith("/v1/models"):
        tags.add("models")
    return frozenset(tags)


def _int_param(query: dict[str, list[str]], name: str, default: int, low: int, high: int) -> int:
    values = query.get(name)
    if not values:
        return default
    try:
        value = int(values[-1])
    except ValueError:
        raise ApiError(400, f"{name}: Input should be a valid integer") from None
    if not low <= value <= high:
        raise ApiError(400, f"{name}: Input should be between {low} and {high}")
    return value


def _str_param(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[-1] if values else None


def split_deltas(text: str, size: int = 12) -> list[str]:
    """Text in small pieces (a few tokens each, whole words), as the API streams it."""
    pieces: list[str] = []
    current = ""
    for m in _DELTA_PIECE.finditer(text):
        current += m.group()
        if len(current) >= size:
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    return pieces


def validate_message_request(body: object, *, count_only: bool = False) -> dict[str, object]:
    """What the server itself checks of a Messages request before the engine sees it."""
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise ApiError(400, "model: Field required")
    if not count_only:
        max_tokens = body.get("max_tokens")
        if isinstance(max_tokens, bool) or not isinstance(max_tokens, int):
            raise ApiError(400, "max_tokens: Field required")
        if max_tokens < 1:
            raise ApiError(400, "max_tokens: Input should be greater than or equal to 1")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ApiError(400, "messages: Field required (a non-empty list)")
    for name in ("temperature", "top_p", "top_k"):
        if name in body:
            raise ApiError(400, f"{name}: is not supported with anthropic-version 2026-10-21; remove it.")
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise ApiError(400, "stream: Input should be a valid boolean")
    if not known_model(model):
        raise ApiError(404, f"model: {model}")
    limit = model_max_tokens(model)
    max_tokens = body.get("max_tokens")
    if not count_only and isinstance(max_tokens, int) and max_tokens > limit:
        raise ApiError(
            400, f"max_tokens: {max_tokens} > {limit}, which is the maximum allowed number of output tokens "
            f"for {model}",
        )
    return cast(dict[str, object], body)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], sandbox: SandboxServer) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.sandbox = sandbox
        self.live: set[socket.socket] = set()
        self.live_lock = threading.Lock()
        super().__init__(address, _Handler)

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


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "AnthropicSandbox/1"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = 300  # seconds a connection may sit idle (or stall mid-body) before it is closed
    server: _HTTPServer

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

    def _send(
        self, status: int, body: bytes, request_id: str, content_type: str = "application/json",
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

    def _send_json(self, status: int, obj: object, request_id: str) -> None:
        self._send(status, json.dumps(obj).encode(), request_id)

    def _send_error(self, err: ApiError, request_id: str, retry_after: float | None = None) -> None:
        headers: dict[str, str] = {}
        if retry_after is not None:
            headers["retry-after"] = str(max(0, math.ceil(retry_after)))
            headers["retry-after-ms"] = str(round(retry_after * 1000))
        if err.status == 529 or err.status >= 500:
            headers["x-should-retry"] = "true"
        self._send(err.status, json.dumps(err.body(request_id)).encode(), request_id, headers=headers)

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
                tags = _tags(method, path)
                # /v1/messages draws its fault once it knows whether the request streams
                fault = sandbox.faults.draw(tags) if path != "/v1/messages" else None
                if fault is not None:
                    self._apply_fault(fault, reader)
                self._route(method, path, query, reader, request_id)
            except ApiError as err:
                if not reader.done:
                    reader.drain()
                self._send_error(err, request_id, getattr(err, "retry_after", None))
        except ConnectionDropped:
            self._drop()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as exc:  # a bug: answer as the API does, and keep serving
            log.exception("sandbox error on %s %s", method, self.path)
            self.close_connection = True
            with contextlib.suppress(OSError):
                self._send_error(ApiError(500, f"Internal server error: {type(exc).__name__}"), request_id)
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

    def _apply_fault(self, fault: Fault, reader: BodyReader) -> None:
        """Error and slow faults act here; drops are set up for the body reader or the stream."""
        if fault.kind == "slow":
            self.server.sandbox.stopping.wait(fault.arg)  # cut short by stop()
        elif fault.kind == "drop-upload":
            reader.drop_after = int(fault.arg)
        elif fault.status:
            err = ApiError(
                fault.status,
                {
                    429: "Number of requests has exceeded your rate limit (injected by the sandbox).",
                    500: "Internal server error (injected by the sandbox).",
                    529: "Overloaded (injected by the sandbox).",
                }[fault.status],
            )
            err.retry_after = fault.retry_after  # type: ignore[attr-defined]
            raise err

    # -- routes --------------------------------------------------------------------------------

    def _route(
        self, method: str, path: str, query: dict[str, list[str]], reader: BodyReader, request_id: str
    ) -> None:
        sandbox = self.server.sandbox
        files = sandbox.files
        if path == "/v1/messages" and method == "POST":
            self._messages(reader, request_id)
            return
        if path == "/v1/messages/count_tokens" and method == "POST":
            body = validate_message_request(self._json_body(reader), count_only=True)
            tokens = count_request_tokens(body, files.resolve)
            self._send_json(200, {"input_tokens": tokens}, request_id)
            return
        if path == "/v1/files":
            if method == "POST":
                self._upload(reader, request_id)
                return
            if method == "GET":
                self._list_files(query, request_id)
                return
        if m := _FILE_CONTENT.match(path):
            if method == "GET":
                record = files.get(m[1])
                if files.expired(record):
                    raise ApiError(404, f"File {record.id} has expired.", error_code="file_expired")
                raise ApiError(
                    400, f"File {record.id} is not downloadable: only files that tools create can be.",
                    error_code="file_not_downloadable",
                )
        elif m := _FILE_ID.match(path):
            if method == "GET":
                self._send_json(200, files.get(m[1]).to_api(), request_id)
                return
            if method == "DELETE":
                files.delete(m[1])
                self._send_json(200, {"id": m[1], "type": "file_deleted"}, request_id)
                return
        elif path == "/v1/models" and method == "GET":
            limit = _int_param(query, "limit", 20, 1, 1000)
            data, has_more = list_models(limit, _str_param(query, "after_id"), _str_param(query, "before_id"))
            self._send_json(200, {
                "data": data, "has_more": has_more,
                "first_id": data[0]["id"] if data else None, "last_id": data[-1]["id"] if data else None,
            }, request_id)
            return
        elif (m := _MODEL.match(path)) and method == "GET":
            self._send_json(200, get_model(m[1]), request_id)
            return
        elif path.startswith("/v1/messages/batches"):
            self._batches(method, path, query, reader, request_id)
            return
        raise ApiError(404, f"Not found: {method} {path}")

    def _json_body(self, reader: BodyReader) -> object:
        raw = reader.read_all(MAX_JSON_BODY)
        try:
            return json.loads(raw)
        except ValueError:
            raise ApiError(400, "The request body is not valid JSON.") from None

    # files

    def _upload(self, reader: BodyReader, request_id: str) -> None:
        sandbox = self.server.sandbox
        files = sandbox.files
        ctype = self.headers.get("Content-Type", "")
        if not ctype.lower().startswith("multipart/form-data"):
            raise ApiError(400, "Expected a multipart/form-data body.")
        boundary = boundary_of(ctype)
        fields: dict[str, str] = {}
        state: dict[str, Any] = {}
        limit = files.max_file_size
        if reader.length is not None and reader.length > limit + _MULTIPART_SLACK:
            # plainly too big: read and drop the body (so the client hears the answer), store nothing
            reader.drain()
            raise ApiError(413, f"File exceeds the maximum allowed size of {limit} bytes.")
        room = files.storage_quota - files.used_bytes
        if reader.length is not None and reader.length - _MULTIPART_SLACK > room:
            reader.drain()  # plainly over the quota: nothing is stored
            raise files.quota_error()

        class _FileSink:
            def __init__(self, fd: int) -> None:
                self.fd = fd
                self.size = 0
                self.head = bytearray()
                self.over = False

            def write(self, data: memoryview, /) -> int:
                n = len(data)
                self.size += n
                if len(self.head) < 4096:
                    self.head += data[: 4096 - len(self.head)]
                if self.size > limit:
                    self.over = True  # keep reading (and dropping) the body, answer 413 after
                    return n
                while data:
                    data = data[os.write(self.fd, data) :]
                return n

        class _FieldSink:
            def __init__(self, name: str) -> None:
                self.name = name
                fields[name] = ""

            def write(self, data: memoryview, /) -> int:
                if len(fields[self.name]) + len(data) > 4096:
                    raise ApiError(400, f"{self.name}: form field too long")
                fields[self.name] += bytes(data).decode("utf-8", "replace")
                return len(data)

        def open_part(headers: dict[str, str]) -> Sink | None:
            disposition = content_disposition(headers.get("content-disposition", ""))
            name = disposition.get("name", "")
            if name == "file" and "sink" not in state:
                fd, tmp = files.new_upload()
                state["tmp"] = tmp
                state["filename"] = disposition.get("filename")
                state["ctype"] = headers.get("content-type")
                state["sink"] = _FileSink(fd)
                return cast(Sink, state["sink"])
            if name and name != "file":
                return _FieldSink(name)
            return None

        try:
            parse_multipart(reader, boundary, open_part)
            reader.drain()
            sink = cast("_FileSink | None", state.get("sink"))
            if sink is None:
                raise ApiError(400, "file: Field required")
            os.close(sink.fd)
            sink.fd = -1
            if sink.over:
                raise ApiError(413, f"File exceeds the maximum allowed size of {limit} bytes.")
            expires: int | None = None
            if "expires_in_seconds" in fields:
                try:
                    expires = int(fields["expires_in_seconds"].strip())
                except ValueError:
                    raise ApiError(400, "expires_in_seconds: Input should be a valid integer") from None
                if not MIN_EXPIRY <= expires <= MAX_EXPIRY:
                    raise ApiError(
                        400, f"expires_in_seconds: Input should be between {MIN_EXPIRY} and {MAX_EXPIRY}"
                    )
            record = files.add(
                state["tmp"], state["filename"], state["ctype"], sink.size, bytes(sink.head), expires
            )
        finally:
            sink_left = cast("_FileSink | None", state.get("sink"))
            if sink_left is not None and sink_left.fd >= 0:
                os.close(sink_left.fd)
            tmp_left = cast("pathlib.Path | None", state.get("tmp"))
            if tmp_left is not None:
                tmp_left.unlink(missing_ok=True)
        self._send_json(200, record.to_api(), request_id)

    def _list_files(self, query: dict[str, list[str]], request_id: str) -> None:
        files = self.server.sandbox.files
        if "before_id" in query or "after_id" in query:
            raise ApiError(400, "before_id and after_id are not supported; page with `page` and `next_page`.")
        ids = query.get("ids[]", []) + query.get("ids", [])
        if ids:
            if "page" in query or "limit" in query:
                raise ApiError(400, "ids: cannot be combined with page or limit.")
            unique = list(dict.fromkeys(ids))
            if len(unique) > 100:
                raise ApiError(400, "ids: at most 100 ids.")
            data, next_page = files.page(1000, None, unique)
        else:
            limit = _int_param(query, "limit", 20, 1, 1000)
            data, next_page = files.page(limit, _str_param(query, "page"), None)
        self._send_json(200, {"data": [r.to_api() for r in data], "next_page": next_page}, request_id)

    # messages

    def _messages(self, reader: BodyReader, request_id: str) -> None:
        sandbox = self.server.sandbox
        body = self._json_body(reader)
        stream = isinstance(body, dict) and body.get("stream") is True
        fault = sandbox.faults.draw(_tags("POST", "/v1/messages", stream))
        if fault is not None and fault.kind not in ("drop-stream", "error-stream"):
            self._apply_fault(fault, reader)
        body = validate_message_request(body)
        plan = plan_message(body, sandbox.files.resolve, sandbox.ledger, sandbox.clock.now())
        message_id = new_id("msg_")
        if not stream:
            self._send_json(200, message_json(message_id, plan), request_id)
            return
        cut = (fault.kind, int(fault.arg)) if fault is not None and fault.kind.endswith("-stream") else None
        self._stream(message_id, plan, request_id, cut)

    def _stream(
        self, message_id: str, plan: MessagePlan, request_id: str, cut: tuple[str, int] | None
    ) -> None:
        """The answer as server-sent events; `cut` = (fault kind, after how many events) or None."""
        sandbox = self.server.sandbox
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("request-id", request_id)
        self.end_headers()
        tps = sandbox.tokens_per_second
        start = time.monotonic()
        for sent, (event, tokens_so_far) in enumerate(stream_events(message_id, plan)):
            if cut is not None and sent >= cut[1]:
                if cut[0] == "drop-stream":
                    raise ConnectionDropped("fault: drop-stream")
                error = ApiError(529, "Overloaded (injected by the sandbox).").body(request_id)
                payload = f"event: error\ndata: {json.dumps(error)}\n\n".encode()
                self.wfile.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(payload), payload))
                return
            if tps and tokens_so_far:
                delay = start + tokens_so_far / tps - time.monotonic()
                if delay > 0 and sandbox.stopping.wait(delay):
                    raise ConnectionDropped("the sandbox is stopping")
            name = event["type"]
            payload = f"event: {name}\ndata: {json.dumps(event)}\n\n".encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(payload), payload))
        self.wfile.write(b"0\r\n\r\n")

    # batches

    def _batches(
        self, method: str, path: str, query: dict[str, list[str]], reader: BodyReader, request_id: str
    ) -> None:
        batches = self.server.sandbox.batches
        host = self.headers.get("Host") or f"{self.server.sandbox.host}:{self.server.sandbox.port}"
        base = f"http://{host}"
        if path == "/v1/messages/batches":
            if method == "POST":
                body = self._json_body(reader)
                self._send_json(200, batches.create(body).to_api(base), request_id)
                return
            if method == "GET":
                limit = _int_param(query, "limit", 20, 1, 1000)
                after, before = _str_param(query, "after_id"), _str_param(query, "before_id")
                data, has_more = batches.page(limit, after, before)
                self._send_json(200, {
                    "data": [b.to_api(base) for b in data], "has_more": has_more,
                    "first_id": data[0].id if data else None, "last_id": data[-1].id if data else None,
                }, request_id)
                return
        elif m := _BATCH_CANCEL.match(path):
            if method == "POST":
                self._send_json(200, batches.cancel(m[1]).to_api(base), request_id)
                return
        elif m := _BATCH_RESULTS.match(path):
            if method == "GET":
                body_bytes = batches.results(m[1])
                self._send(200, body_bytes, request_id, content_type="application/binary")
                return
        elif m := _BATCH.match(path):
            if method == "GET":
                self._send_json(200, batches.get(m[1]).to_api(base), request_id)
                return
            if method == "DELETE":
                batches.delete(m[1])
                self._send_json(200, {"id": m[1], "type": "message_batch_deleted"}, request_id)
                return
        raise ApiError(404, f"Not found: {method} {path}")


def _usage(plan: MessagePlan) -> dict[str, object]:
    """The plan's usage with every field of the API's Usage present (null where it does not apply)."""
    usage: dict[str, object] = {
        "input_tokens": 0, "output_tokens": 0, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
        "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
        "inference_geo": None, "output_tokens_details": None, "server_tool_use": None,
        "service_tier": "standard",
    }
    usage.update(plan.usage)
    return usage


def _text_block(text: str, citations: list[dict[str, object]] | None) -> dict[str, object]:
    # `citations` is always there, null on a block that cites nothing
    return {"type": "text", "text": text, "citations": citations}


def message_json(message_id: str, plan: MessagePlan) -> dict[str, object]:
    """The non-streamed Message object for a plan."""
    return {
        "id": message_id,
        "type": "message",
        "role": "assistant",
        "model": plan.model,
        "content": [_text_block(b.text, list(b.citations) or None) for b in plan.blocks],
        "stop_reason": plan.stop_reason,
        "stop_sequence": None,
        "stop_details": None,
        "container": None,
        "usage": _usage(plan),
    }


def stream_events(message_id: str, plan: MessagePlan) -> Iterator[tuple[dict[str, object], float]]:
    """The server-sent events of a streamed message, each with the output tokens streamed so far."""
    usage = _usage(plan)
    out_tokens = usage["output_tokens"]
    total_out = out_tokens if isinstance(out_tokens, int) else 0
    start_usage = dict(usage)
    start_usage["output_tokens"] = min(1, total_out)
    yield {
        "type": "message_start",
        "message": {
            "id": message_id, "type": "message", "role": "assistant", "model": plan.model, "content": [],
            "stop_reason": None, "stop_sequence": None, "stop_details": None, "container": None,
            "usage": start_usage,
        },
    }, 0.0
    total_chars = sum(len(b.text) for b in plan.blocks) or 1
    chars = 0
    for index, block in enumerate(plan.blocks):
        start_block = _text_block("", [] if block.citations else None)
        yield {"type": "content_block_start", "index": index, "content_block": start_block}, 0.0
        if index == 0:
            yield {"type": "ping"}, 0.0
        for citation in block.citations:
            yield {
                "type": "content_block_delta", "index": index,
                "delta": {"type": "citations_delta", "citation": citation},
            }, chars * total_out / total_chars
        for piece in split_deltas(block.text):
            chars += len(piece)
            yield {
                "type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": piece},
            }, chars * total_out / total_chars
        yield {"type": "content_block_stop", "index": index}, chars * total_out / total_chars
    final_usage: dict[str, object] = {
        key: usage[key] for key in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
    }
    final_usage.update(output_tokens=total_out, output_tokens_details=None, server_tool_use=None)
    yield {
        "type": "message_delta",
        "delta": {
            "stop_reason": plan.stop_reason, "stop_sequence": None, "stop_details": None, "container": None,
        },
        "usage": final_usage,
    }, float(total_out)
    yield {"type": "message_stop"}, float(total_out)


class SandboxServer:
    """The sandbox, in-process, on a free loopback port unless told otherwise.

    Arguments (all keyword): `data_dir` (files and batches persist there; None = a temporary dir removed
    on stop), `api_key` (the one key accepted; None accepts any non-empty key), `host`, `port` (0 = a
    free port), `faults` (a spec, see `assistant.sandbox.faults`), `tokens_per_second` (stream
    throttle; None or 0 = as fast as possible), `max_file_size`, `storage_quota` (bytes), `clock`.
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
        self.batches = BatchStore(self.data_dir, self.clock, self._run_batch_request)
        self._httpd: _HTTPServer | None = None
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
        self._httpd = _HTTPServer((self.host, self.port), self)
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

