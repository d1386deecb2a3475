"""Injected faults: error statuses the SDK parses and retries, slow answers, dropped connections."""

from __future__ import annotations

import anthropic
import httpx2
import pytest
from anthropic.types import MessageParam

from assistant.sandbox.faults import FaultPlan, FaultSpecError
from assistant.sandbox.server import SandboxServer

from .helpers import MODEL

HELLO: list[MessageParam] = [{"role": "user", "content": "hello"}]


def _retrying(server: SandboxServer, retries: int) -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key=server.api_key, base_url=server.base_url, max_retries=retries)


@pytest.mark.parametrize(
    "spec",
    ["430", "messages:", "nowhere:429", "429x", "429@1.5", "slow=abc", "429=3", "seed=x", "retry-after=-1"],
)
def test_bad_specs_are_refused(spec: str) -> None:
    with pytest.raises(FaultSpecError):
        FaultPlan(spec)


def test_counted_rules_are_used_up_in_order() -> None:
    plan = FaultPlan("messages:529x2,files:429x1")
    messages = frozenset({"*", "messages"})
    files = frozenset({"*", "files"})
    assert plan.draw(files) is not None
    assert plan.draw(files) is None
    first, second, third = plan.draw(messages), plan.draw(messages), plan.draw(messages)
    assert first is not None and first.status == 529
    assert second is not None and third is None
    assert not plan.active


def test_drop_rules_only_match_their_kind_of_request() -> None:
    plan = FaultPlan("drop-stream=4x1,drop-upload=100x1")
    assert plan.draw(frozenset({"*", "messages"})) is None
    upload = plan.draw(frozenset({"*", "files", "upload"}))
    assert upload is not None and (upload.kind, upload.arg) == ("drop-upload", 100)
    stream = plan.draw(frozenset({"*", "messages", "stream"}))
    assert stream is not None and (stream.kind, stream.arg) == ("drop-stream", 4)


def test_probabilistic_faults_are_deterministic_by_seed() -> None:
    tags = frozenset({"*", "messages"})

    def pattern(spec: str) -> list[bool]:
        plan = FaultPlan(spec)
        return [plan.draw(tags) is not None for _ in range(200)]

    a = pattern("500@0.3,seed=7")
    assert a == pattern("500@0.3,seed=7")
    assert a != pattern("500@0.3,seed=8")
    assert 20 < sum(a) < 100


def test_injected_statuses_parse_into_sdk_errors(server: SandboxServer, client: anthropic.Anthropic) -> None:
    server.faults.set("models:429x1,models:500x1,models:529x1,retry-after=0.01")
    with pytest.raises(anthropic.RateLimitError) as rate:
        client.models.list()
    assert rate.value.request_id and rate.value.type == "rate_limit_error"
    assert rate.value.response.headers["retry-after"] == "1"
    assert rate.value.response.headers["retry-after-ms"] == "10"
    with pytest.raises(anthropic.InternalServerError) as internal:
        client.models.list()
    assert internal.value.status_code == 500 and internal.value.type == "api_error"
    with pytest.raises(anthropic.OverloadedError) as overloaded:
        client.models.list()
    assert overloaded.value.status_code == 529 and overloaded.value.type == "overloaded_error"
    assert overloaded.value.request_id
    assert client.models.list().data


def test_429_carries_retry_after_by_default(server: SandboxServer, client: anthropic.Anthropic) -> None:
    server.faults.set("files:429x1")
    with pytest.raises(anthropic.RateLimitError) as info:
        client.files.list()
    assert float(info.value.response.headers["retry-after"]) >= 1


def test_sdk_retries_absorb_529_on_messages(server: SandboxServer) -> None:
    server.faults.set("messages:529x2,retry-after=0.01")
    with _retrying(server, 2) as c:
        message = c.messages.create(model=MODEL, max_tokens=50, messages=HELLO)
    assert message.content
    assert server.faults.hits == [("messages", "529"), ("messages", "529")]


def test_sdk_retries_absorb_429_on_uploads(server: SandboxServer) -> None:
    server.faults.set("upload:429x2,retry-after=0.01")
    with _retrying(server, 2) as c:
        f = c.files.upload(file=("a.txt", b"x" * 300_000, "text/plain"))
        assert [x.id for x in c.files.list()] == [f.id]
    assert len(server.faults.hits) == 2


def test_retries_run_out(server: SandboxServer) -> None:
    server.faults.set("messages:529x3,retry-after=0.01")
    with _retrying(server, 2) as c, pytest.raises(anthropic.OverloadedError):
        c.messages.create(model=MODEL, max_tokens=50, messages=HELLO)
    assert len(server.faults.hits) == 3


def test_streams_get_529_before_any_event(server: SandboxServer, client: anthropic.Anthropic) -> None:
    server.faults.set("stream:529x1")
    with (
        pytest.raises(anthropic.OverloadedError),
        client.messages.stream(model=MODEL, max_tokens=50, messages=HELLO) as s,
    ):
        s.get_final_message()
    client.messages.create(model=MODEL, max_tokens=50, messages=HELLO)
    assert server.faults.hits == [("stream", "529")]


def test_stream_dropped_mid_way(server: SandboxServer, client: anthropic.Anthropic) -> None:
    server.faults.set("stream:drop-stream=6x1")
    events: list[str] = []
    with (
        pytest.raises((httpx2.RemoteProtocolError, anthropic.APIConnectionError)),
        client.messages.stream(model=MODEL, max_tokens=200, messages=HELLO) as s,
    ):
        events.extend(e.type for e in s if e.type not in ("text", "citation"))
    # ping is not surfaced by the SDK: the 6 events on the wire before the drop are 5 here
    assert events == ["message_start", "content_block_start", *["content_block_delta"] * 3]
    # the next stream is whole, and plain messages never match drop-stream
    client.messages.create(model=MODEL, max_tokens=50, messages=HELLO)
    with client.messages.stream(model=MODEL, max_tokens=200, messages=HELLO) as s:
        assert s.get_final_message().stop_reason == "end_turn"


def test_upload_dropped_mid_way(server: SandboxServer, client: anthropic.Anthropic) -> None:
    server.faults.set("upload:drop-upload=100000x1")
    with pytest.raises(anthropic.APIConnectionError):
        client.files.upload(file=("big.txt", b"y" * 2_000_000, "text/plain"))
    assert list(client.files.list()) == []
    assert list((server.data_dir / "tmp").iterdir()) == []
    # with retries, the SDK's second attempt succeeds
    server.faults.set("upload:drop-upload=100000x1")
    with _retrying(server, 1) as c:
        f = c.files.upload(file=("big.txt", b"y" * 2_000_000, "text/plain"))
        assert f.size_bytes == 2_000_000
        assert [x.id for x in c.files.list()] == [f.id]


def test_slow_answers(server: SandboxServer) -> None:
    server.faults.set("models:slow=1x1")
    with anthropic.Anthropic(
        api_key=server.api_key, base_url=server.base_url, max_retries=0, timeout=0.2
    ) as impatient:
        with pytest.raises(anthropic.APITimeoutError):
            impatient.models.list()
        assert impatient.models.list().data  # the slow answer was a one-off


def test_faults_from_the_constructor(tmp_path: object) -> None:
    with SandboxServer(api_key="k", faults="*:500x1") as server, _retrying(server, 0) as c:
        with pytest.raises(anthropic.InternalServerError):
            c.files.list()
        assert list(c.files.list()) == []


def test_stream_error_event_mid_way(server: SandboxServer, client: anthropic.Anthropic) -> None:
    server.faults.set("stream:error-stream=4x1")
    events: list[str] = []
    with (
        pytest.raises(anthropic.APIStatusError) as info,
        client.messages.stream(model=MODEL, max_tokens=200, messages=HELLO) as s,
    ):
        events.extend(e.type for e in s if e.type not in ("text", "citation"))
    assert info.value.type == "overloaded_error"
    assert info.value.body is not None
    assert events == ["message_start", "content_block_start", "content_block_delta"]
    with client.messages.stream(model=MODEL, max_tokens=200, messages=HELLO) as s:
        assert s.get_final_message().stop_reason == "end_turn"


def test_random_faults_are_reproducible_over_http_and_retries_absorb_them(tmp_path: object) -> None:
    def run() -> list[tuple[str, str]]:
        spec = "messages:529@0.4,messages:429@0.2,seed=11,retry-after=0.001"
        with SandboxServer(api_key="k", faults=spec) as server, _retrying(server, 8) as c:
            for _ in range(8):
                assert c.messages.create(model=MODEL, max_tokens=20, messages=HELLO).content
            return list(server.faults.hits)

    first = run()
    assert first == run()
    assert {kind for _, kind in first} == {"529", "429"}
