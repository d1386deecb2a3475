"""Routing: which answer each method and path gets, and the fault-route tags of a request.

Routes: POST/GET /v1/files, GET/DELETE /v1/files/{id}, GET /v1/files/{id}/content, POST /v1/messages
(plain and stream), POST /v1/messages/count_tokens, GET /v1/models[/{id}], and message batches
(POST/GET /v1/messages/batches, GET /v1/messages/batches/{id}, POST .../cancel, GET .../results,
DELETE /v1/messages/batches/{id}).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.sandbox.answer.message import message_json
from assistant.sandbox.answer.plan import plan_message
from assistant.sandbox.errors import ApiError
from assistant.sandbox.http.sse import write_stream
from assistant.sandbox.http.upload import upload
from assistant.sandbox.http.wire import BodyReader
from assistant.sandbox.models import get_model, list_models
from assistant.sandbox.request.parser import count_request_tokens
from assistant.sandbox.request.validate import validate_message_request
from assistant.sandbox.storage import new_id

if TYPE_CHECKING:
    from assistant.sandbox.http.handler import Handler


@dataclass(frozen=True)
class Call:
    """One request as the routes see it."""

    method: str
    path: str
    query: dict[str, list[str]]
    reader: BodyReader
    request_id: str


_FILE_ID = re.compile(r"^/v1/files/([^/]+)$")
_FILE_CONTENT = re.compile(r"^/v1/files/([^/]+)/content$")
_MODEL = re.compile(r"^/v1/models/([^/]+)$")
_BATCH = re.compile(r"^/v1/messages/batches/([^/]+)$")
_BATCH_CANCEL = re.compile(r"^/v1/messages/batches/([^/]+)/cancel$")
_BATCH_RESULTS = re.compile(r"^/v1/messages/batches/([^/]+)/results$")


def fault_tags(method: str, path: str, stream: bool = False) -> frozenset[str]:
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


def route(h: Handler, call: Call) -> None:
    """Answer `call` (through `h`), or raise the ApiError that is its answer."""
    sandbox = h.server.sandbox
    files = sandbox.files
    if call.path == "/v1/messages" and call.method == "POST":
        _messages(h, call.reader, call.request_id)
        return
    if call.path == "/v1/messages/count_tokens" and call.method == "POST":
        body = validate_message_request(h.json_body(call.reader), count_only=True)
        tokens = count_request_tokens(body, files.resolve)
        h.reply_json(200, {"input_tokens": tokens}, call.request_id)
        return
    if call.path == "/v1/files":
        if call.method == "POST":
            upload(h, call.reader, call.request_id)
            return
        if call.method == "GET":
            _list_files(h, call.query, call.request_id)
            return
    if m := _FILE_CONTENT.match(call.path):
        if call.method == "GET":
            record = files.get(m[1])
            if files.expired(record):
                raise ApiError(404, f"File {record.id} has expired.", error_code="file_expired")
            raise ApiError(
                400,
                f"File {record.id} is not downloadable: only files that tools create can be.",
                error_code="file_not_downloadable",
            )
    elif m := _FILE_ID.match(call.path):
        if call.method == "GET":
            h.reply_json(200, files.get(m[1]).to_api(), call.request_id)
            return
        if call.method == "DELETE":
            files.delete(m[1])
            h.reply_json(200, {"id": m[1], "type": "file_deleted"}, call.request_id)
            return
    elif call.path == "/v1/models" and call.method == "GET":
        limit = _int_param(call.query, "limit", 20, 1, 1000)
        data, has_more = list_models(
            limit, _str_param(call.query, "after_id"), _str_param(call.query, "before_id")
        )
        _reply_listing(h, data, has_more, call.request_id)
        return
    elif (m := _MODEL.match(call.path)) and call.method == "GET":
        h.reply_json(200, get_model(m[1]), call.request_id)
        return
    elif call.path.startswith("/v1/messages/batches"):
        _batches(h, call)
        return
    raise ApiError(404, f"Not found: {call.method} {call.path}")


def _reply_listing(h: Handler, data: list[dict[str, object]], has_more: bool, request_id: str) -> None:
    """A page of a list that pages by id (models, batches)."""
    first_id = data[0]["id"] if data else None
    last_id = data[-1]["id"] if data else None
    h.reply_json(
        200, {"data": data, "has_more": has_more, "first_id": first_id, "last_id": last_id}, request_id
    )


def _list_files(h: Handler, query: dict[str, list[str]], request_id: str) -> None:
    files = h.server.sandbox.files
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
    h.reply_json(200, {"data": [r.to_api() for r in data], "next_page": next_page}, request_id)


def _messages(h: Handler, reader: BodyReader, request_id: str) -> None:
    sandbox = h.server.sandbox
    body = h.json_body(reader)
    stream = isinstance(body, dict) and body.get("stream") is True
    fault = sandbox.faults.draw(fault_tags("POST", "/v1/messages", stream))
    if fault is not None and fault.kind not in ("drop-stream", "error-stream"):
        h.apply_fault(fault, reader)
    body = validate_message_request(body)
    plan = plan_message(body, sandbox.files.resolve, sandbox.ledger, sandbox.clock.now())
    message_id = new_id("msg_")
    if not stream:
        h.reply_json(200, message_json(message_id, plan), request_id)
        return
    cut = (fault.kind, int(fault.arg)) if fault is not None and fault.kind.endswith("-stream") else None
    write_stream(h, message_id, plan, request_id, cut)


def _batches(h: Handler, call: Call) -> None:
    batches = h.server.sandbox.batches
    host = h.headers.get("Host") or f"{h.server.sandbox.host}:{h.server.sandbox.port}"
    base = f"http://{host}"
    if call.path == "/v1/messages/batches":
        if call.method == "POST":
            body = h.json_body(call.reader)
            h.reply_json(200, batches.create(body).to_api(base), call.request_id)
            return
        if call.method == "GET":
            limit = _int_param(call.query, "limit", 20, 1, 1000)
            after, before = _str_param(call.query, "after_id"), _str_param(call.query, "before_id")
            data, has_more = batches.page(limit, after, before)
            _reply_listing(h, [b.to_api(base) for b in data], has_more, call.request_id)
            return
    elif m := _BATCH_CANCEL.match(call.path):
        if call.method == "POST":
            h.reply_json(200, batches.cancel(m[1]).to_api(base), call.request_id)
            return
    elif m := _BATCH_RESULTS.match(call.path):
        if call.method == "GET":
            body_bytes = batches.results(m[1])
            h.reply(200, body_bytes, call.request_id, content_type="application/binary")
            return
    elif m := _BATCH.match(call.path):
        if call.method == "GET":
            h.reply_json(200, batches.get(m[1]).to_api(base), call.request_id)
            return
        if call.method == "DELETE":
            batches.delete(m[1])
            h.reply_json(200, {"id": m[1], "type": "message_batch_deleted"}, call.request_id)
            return
    raise ApiError(404, f"Not found: {call.method} {call.path}")
