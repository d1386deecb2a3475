"""Writing a streamed answer: server-sent events in HTTP/1.1 chunks, throttled, cut short by faults."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

from assistant.sandbox.answer.message import message_json, stream_events
from assistant.sandbox.answer.plan import MessagePlan
from assistant.sandbox.errors import ApiError
from assistant.sandbox.http.wire import ConnectionDropped

if TYPE_CHECKING:
    from assistant.sandbox.http.handler import Handler


def write_stream(
    h: Handler, message_id: str, plan: MessagePlan, request_id: str, cut: tuple[str, int] | None
) -> None:
    """The answer as server-sent events; `cut` = (fault kind, after how many events) or None.

    Faults: ``drop-stream`` closes the connection, ``error-stream`` sends an overloaded ``error`` event
    and ends, ``end-stream`` ends the stream cleanly before ``message_stop``, ``json-stream`` answers
    with the whole Message as plain JSON (a server that ignores ``stream``)."""
    sandbox = h.server.sandbox
    if cut is not None and cut[0] == "json-stream":
        h.reply_json(200, message_json(message_id, plan), request_id)
        return
    h.send_response(200)
    h.send_header("Content-Type", "text/event-stream; charset=utf-8")
    h.send_header("Cache-Control", "no-cache")
    h.send_header("Transfer-Encoding", "chunked")
    h.send_header("request-id", request_id)
    h.end_headers()
    tps = sandbox.tokens_per_second
    start = time.monotonic()
    for sent, (event, tokens_so_far) in enumerate(stream_events(message_id, plan)):
        if cut is not None and sent >= cut[1]:
            if cut[0] == "drop-stream":
                raise ConnectionDropped("fault: drop-stream")
            if cut[0] == "end-stream":
                break
            error = ApiError(529, "Overloaded (injected by the sandbox).").body(request_id)
            payload = f"event: error\ndata: {json.dumps(error)}\n\n".encode()
            h.wfile.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(payload), payload))
            return
        if tps and tokens_so_far:
            delay = start + tokens_so_far / tps - time.monotonic()
            if delay > 0 and sandbox.stopping.wait(delay):
                raise ConnectionDropped("the sandbox is stopping")
        name = event["type"]
        payload = f"event: {name}\ndata: {json.dumps(event)}\n\n".encode()
        h.wfile.write(b"%x\r\n%s\r\n" % (len(payload), payload))
    h.wfile.write(b"0\r\n\r\n")
