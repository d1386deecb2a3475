"""Batches as a review sends them (issue 11): file documents with citations and a 1-hour cache
breakpoint, counted per request as the Messages endpoint does; a processing pace with partial counts;
requests ending errored or expired by fault; cancellation mid-way; results only once ended; 403."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from typing import Any

import anthropic
import pytest
from anthropic.types.messages import MessageBatch

from assistant.sandbox.faults import FaultPlan, FaultSpecError
from assistant.sandbox.server import SandboxServer

from .helpers import MODEL, ask, text_doc

LONG_TEXT = " ".join(
    f"Clause {i}. The supplier shall give ninety days notice and the liability cap is EUR {i},000,000."
    for i in range(1, 200)
).encode()


def _wait(client: anthropic.Anthropic, batch_id: str, until: Any, timeout: float = 30) -> MessageBatch:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = client.messages.batches.retrieve(batch_id)
        if until(batch):
            return batch
        time.sleep(0.01)
    raise AssertionError("the batch never reached the expected state")


def _cell(custom_id: str, file_id: str, question: str) -> Any:
    return {
        "custom_id": custom_id,
        "params": {
            "model": MODEL,
            "max_tokens": 300,
            "messages": ask(
                text_doc(file_id, title="contract.txt", cache_control={"type": "ephemeral", "ttl": "1h"}),
                question=question,
            ),
        },
    }


def _his(n: int) -> list[Any]:
    """``n`` small requests ("hi"), with custom ids r0, r1, ..."""
    return [
        {
            "custom_id": f"r{i}",
            "params": {"model": MODEL, "max_tokens": 50, "messages": [{"role": "user", "content": "hi"}]},
        }
        for i in range(n)
    ]


def test_cache_and_citations_per_request(client: anthropic.Anthropic) -> None:
    f = client.files.upload(file=("contract.txt", LONG_TEXT, "text/plain"))
    questions = ["What is the notice period?", "What is the liability cap?", "Who is the supplier?"]
    batch = client.messages.batches.create(
        requests=[_cell(f"q{i}", f.id, q) for i, q in enumerate(questions)]
    )
    _wait(client, batch.id, lambda b: b.processing_status == "ended")
    results = {r.custom_id: r.result for r in client.messages.batches.results(batch.id)}
    usages = [results[f"q{i}"].message.usage for i in range(3)]  # type: ignore[union-attr]
    # processed in order: the first writes the document for an hour, the others read it
    assert usages[0].cache_creation_input_tokens > 1024 and usages[0].cache_read_input_tokens == 0
    assert usages[0].cache_creation is not None and usages[0].cache_creation.ephemeral_1h_input_tokens > 0
    for later in usages[1:]:
        assert later.cache_read_input_tokens == usages[0].cache_creation_input_tokens
        assert later.cache_creation_input_tokens == 0
    counted = client.messages.count_tokens(
        model=MODEL, messages=_cell("x", f.id, questions[1])["params"]["messages"]
    ).input_tokens
    assert usages[1].input_tokens + usages[1].cache_read_input_tokens == counted
    cited = [
        c
        for block in results["q1"].message.content  # type: ignore[union-attr]
        if block.type == "text"
        for c in (block.citations or [])
    ]
    assert cited and cited[0].type == "char_location" and cited[0].file_id == f.id


def test_pace_shows_partial_counts_then_results(server: SandboxServer, client: anthropic.Anthropic) -> None:
    server.batches.pace = 0.15
    batch = client.messages.batches.create(requests=_his(6))
    partial = _wait(client, batch.id, lambda b: 0 < b.request_counts.succeeded < 6)
    assert partial.processing_status == "in_progress"
    assert partial.request_counts.processing == 6 - partial.request_counts.succeeded
    assert partial.results_url is None
    with pytest.raises(anthropic.AnthropicError, match="results_url"):  # the SDK checks first
        list(client.messages.batches.results(batch.id))
    raw = urllib.request.Request(
        f"{server.base_url}/v1/messages/batches/{batch.id}/results",
        headers={"x-api-key": str(server.api_key)},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:  # the endpoint itself: 404 until ended
        urllib.request.urlopen(raw, timeout=10)
    assert refused.value.code == 404
    refused.value.close()
    ended = _wait(client, batch.id, lambda b: b.processing_status == "ended")
    assert ended.request_counts.succeeded == 6
    assert len(list(client.messages.batches.results(batch.id))) == 6


def test_cancel_midway(server: SandboxServer, client: anthropic.Anthropic) -> None:
    server.batches.pace = 0.1
    batch = client.messages.batches.create(requests=_his(30))
    _wait(client, batch.id, lambda b: b.request_counts.succeeded >= 2)
    client.messages.batches.cancel(batch.id)
    ended = _wait(client, batch.id, lambda b: b.processing_status == "ended")
    counts = ended.request_counts
    assert counts.succeeded >= 2 and counts.canceled > 0 and counts.succeeded + counts.canceled == 30
    kinds = [r.result.type for r in client.messages.batches.results(batch.id)]
    assert kinds.count("canceled") == counts.canceled


def test_fault_items_end_requests_errored_or_expired(
    server: SandboxServer, client: anthropic.Anthropic
) -> None:
    server.faults.set("batch_request:erroredx1,batch_request:expiredx1,batch_request:529x1")
    batch = client.messages.batches.create(requests=_his(4))
    ended = _wait(client, batch.id, lambda b: b.processing_status == "ended")
    assert (ended.request_counts.errored, ended.request_counts.expired, ended.request_counts.succeeded) == (
        2,
        1,
        1,
    )
    results = {r.custom_id: r.result for r in client.messages.batches.results(batch.id)}
    assert results["r0"].type == "errored" and results["r0"].error.error.type == "api_error"  # type: ignore[union-attr]
    assert results["r1"].type == "expired"
    assert results["r2"].error.error.type == "overloaded_error"  # type: ignore[union-attr]
    assert results["r3"].type == "succeeded"


def test_wildcard_faults_leave_batch_requests_alone(
    server: SandboxServer, client: anthropic.Anthropic
) -> None:
    server.batches.hold()
    batch = client.messages.batches.create(
        requests=[{"custom_id": "a", "params": {"model": MODEL, "max_tokens": 50,
                   "messages": [{"role": "user", "content": "hi"}]}}]
    )  # fmt: skip
    server.faults.set("500x5")  # the HTTP requests' faults, not the batch worker's
    server.batches.release()
    time.sleep(0.3)
    server.faults.clear()
    ended = _wait(client, batch.id, lambda b: b.processing_status == "ended")
    assert ended.request_counts.succeeded == 1


def test_permission_fault(server: SandboxServer, client: anthropic.Anthropic) -> None:
    server.faults.set("batches:403")
    with pytest.raises(anthropic.PermissionDeniedError) as caught:
        client.messages.batches.create(
            requests=[{"custom_id": "a", "params": {"model": MODEL, "max_tokens": 5, "messages": []}}]
        )
    assert caught.value.body["error"]["type"] == "permission_error"  # type: ignore[index]


def test_spec_grammar() -> None:
    plan = FaultPlan("batch_request:errored@0.5,batches:403x1")
    assert plan.draw(frozenset({"*", "batches"})) is not None
    with pytest.raises(FaultSpecError):
        FaultPlan("errored=3")
