"""Stream faults a server no one here wrote may show: a whole Message where a stream was asked for, a
stream that ends cleanly before ``message_stop``, an overloaded error inside a stream."""

from __future__ import annotations

import json

import anthropic
import httpx2
import pytest
from anthropic.types import MessageParam

from assistant.sandbox.faults import FaultPlan
from assistant.sandbox.server import SandboxServer

from .helpers import MODEL

HELLO: list[MessageParam] = [{"role": "user", "content": "hello"}]


def test_stream_faults_parse_and_match_only_streams() -> None:
    plan = FaultPlan("end-stream=2x1,json-streamx1")
    assert plan.draw(frozenset({"*", "messages"})) is None
    end = plan.draw(frozenset({"*", "messages", "stream"}))
    assert end is not None and (end.kind, end.arg) == ("end-stream", 2)
    plain = plan.draw(frozenset({"*", "messages", "stream"}))
    assert plain is not None and plain.kind == "json-stream"


def test_json_stream_answers_a_stream_request_with_a_plain_message(server: SandboxServer) -> None:
    server.faults.set("stream:json-streamx1")
    body = {"model": MODEL, "max_tokens": 200, "messages": HELLO, "stream": True}
    headers = {"x-api-key": str(server.api_key), "anthropic-version": "2023-06-01"}
    reply = httpx2.post(f"{server.base_url}/v1/messages", json=body, headers=headers)
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("application/json")
    message = json.loads(reply.text)
    assert message["type"] == "message" and message["stop_reason"] == "end_turn"
    assert message["content"][0]["type"] == "text" and message["content"][0]["text"]
    # used up: the next stream is a stream again
    again = httpx2.post(f"{server.base_url}/v1/messages", json=body, headers=headers)
    assert again.headers["content-type"].startswith("text/event-stream")


def test_end_stream_ends_cleanly_before_message_stop(
    server: SandboxServer, client: anthropic.Anthropic
) -> None:
    server.faults.set("stream:end-stream=4x1")
    with client.messages.stream(model=MODEL, max_tokens=200, messages=HELLO) as s:
        events = [e.type for e in s if e.type not in ("text", "citation")]
    assert events == ["message_start", "content_block_start", "content_block_delta"]
    with client.messages.stream(model=MODEL, max_tokens=200, messages=HELLO) as s:
        assert s.get_final_message().stop_reason == "end_turn"


def test_error_stream_is_an_overloaded_error_event(
    server: SandboxServer, client: anthropic.Anthropic
) -> None:
    server.faults.set("stream:error-stream=2x1")
    with (
        pytest.raises(anthropic.APIStatusError) as info,
        client.messages.stream(model=MODEL, max_tokens=200, messages=HELLO) as s,
    ):
        list(s)
    assert info.value.status_code == 200  # the stream had begun: the error's type is what tells
    assert isinstance(info.value.body, dict)
    assert info.value.body["error"]["type"] == "overloaded_error"
