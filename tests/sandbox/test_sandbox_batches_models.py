"""Message batches (processed in the background) and the models list."""

from __future__ import annotations

import pathlib
import time
from typing import Any

import anthropic
import pytest
from anthropic.types import TextBlock
from anthropic.types.messages import MessageBatch

from assistant.sandbox.server import SandboxServer

from .helpers import MODEL, ask, text_doc


def _wait_ended(client: anthropic.Anthropic, batch_id: str) -> MessageBatch:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        batch = client.messages.batches.retrieve(batch_id)
        if batch.processing_status == "ended":
            return batch
        time.sleep(0.02)
    raise AssertionError("batch did not end")


def _request(custom_id: str, content: object, **extra: object) -> Any:
    params: dict[str, object] = {
        "model": MODEL,
        "max_tokens": 200,
        "messages": [{"role": "user", "content": content}],
    }
    params.update(extra)
    return {"custom_id": custom_id, "params": params}


def test_batch_lifecycle(client: anthropic.Anthropic) -> None:
    f = client.files.upload(file=("a.txt", b"The ferry leaves at noon from pier four.", "text/plain"))
    batch = client.messages.batches.create(
        requests=[
            _request("ferry", ask(text_doc(f.id), question="When does the ferry leave?")[0]["content"]),
            _request("hello", "hello"),
            _request("bad", "hi", temperature=0.3),
            _request("gone", ask(text_doc("file_missing"), question="?")[0]["content"]),
        ]
    )
    assert batch.id.startswith("msgbatch_")
    assert batch.type == "message_batch"
    assert batch.processing_status in ("in_progress", "ended")
    counts = batch.request_counts
    assert counts.processing + counts.succeeded + counts.errored == 4
    ended = _wait_ended(client, batch.id)
    assert ended.request_counts.succeeded == 2 and ended.request_counts.errored == 2
    assert ended.request_counts.processing == 0
    assert ended.ended_at is not None and ended.results_url
    results = {r.custom_id: r.result for r in client.messages.batches.results(batch.id)}
    assert set(results) == {"ferry", "hello", "bad", "gone"}
    ferry = results["ferry"]
    assert ferry.type == "succeeded"
    text = "".join(b.text for b in ferry.message.content if isinstance(b, TextBlock))
    assert "noon" in text
    bad, gone = results["bad"], results["gone"]
    assert bad.type == "errored" and bad.error.error.type == "invalid_request_error"
    assert gone.type == "errored" and gone.error.error.type == "not_found_error"
    assert [b.id for b in client.messages.batches.list()] == [batch.id]
    deleted = client.messages.batches.delete(batch.id)
    assert (deleted.id, deleted.type) == (batch.id, "message_batch_deleted")
    with pytest.raises(anthropic.NotFoundError):
        client.messages.batches.retrieve(batch.id)


def test_batch_cancel(server: SandboxServer, client: anthropic.Anthropic) -> None:
    server.batches.hold()
    batch = client.messages.batches.create(requests=[_request(f"r{i}", "hi") for i in range(3)])
    with pytest.raises(anthropic.BadRequestError):
        client.messages.batches.delete(batch.id)  # still in progress
    canceling = client.messages.batches.cancel(batch.id)
    assert canceling.processing_status == "canceling"
    assert canceling.cancel_initiated_at is not None
    server.batches.release()
    ended = _wait_ended(client, batch.id)
    assert ended.request_counts.canceled == 3
    assert {r.result.type for r in client.messages.batches.results(batch.id)} == {"canceled"}


def test_batch_validation(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.BadRequestError):
        client.messages.batches.create(requests=[])
    with pytest.raises(anthropic.BadRequestError):
        client.messages.batches.create(requests=[_request("same", "a"), _request("same", "b")])
    with pytest.raises(anthropic.BadRequestError):
        client.messages.batches.create(requests=[_request("bad id!", "a")])
    with pytest.raises(anthropic.NotFoundError):
        client.messages.batches.retrieve("msgbatch_nope")


def test_batch_list_pages(server: SandboxServer, client: anthropic.Anthropic) -> None:
    server.batches.hold()
    ids = [client.messages.batches.create(requests=[_request("x", "hi")]).id for _ in range(5)]
    first = client.messages.batches.list(limit=2)
    assert [b.id for b in first.data] == ids[::-1][:2]
    assert first.has_more
    assert [b.id for b in client.messages.batches.list(limit=2)] == ids[::-1]
    server.batches.release()


def test_batches_survive_restart(tmp_path: pathlib.Path) -> None:
    data = tmp_path / "data"
    with (
        SandboxServer(data_dir=data, api_key="k") as first,
        anthropic.Anthropic(api_key="k", base_url=first.base_url, max_retries=0) as c,
    ):
        first.batches.hold()
        batch = c.messages.batches.create(requests=[_request("a", "hello")])
    with (
        SandboxServer(data_dir=data, api_key="k") as second,
        anthropic.Anthropic(api_key="k", base_url=second.base_url, max_retries=0) as c,
    ):
        ended = _wait_ended(c, batch.id)
        assert ended.request_counts.succeeded == 1
        assert [r.custom_id for r in c.messages.batches.results(batch.id)] == ["a"]


def test_models(client: anthropic.Anthropic) -> None:
    first = client.models.list(limit=2)
    assert len(first.data) == 2 and first.has_more
    everything = list(client.models.list(limit=2))
    ids = [m.id for m in everything]
    assert len(ids) == len(set(ids)) >= 5
    assert MODEL in ids
    info = client.models.retrieve(MODEL)
    assert info.type == "model" and info.display_name and info.created_at
    assert info.lifecycle == "active"
    assert info.max_input_tokens and info.max_tokens
    assert info.capabilities is not None and info.capabilities.citations.supported
    assert info.capabilities.pdf_input.supported
    back = client.models.list(before_id=ids[3], limit=2)
    assert [m.id for m in back.data] == ids[1:3]
    with pytest.raises(anthropic.NotFoundError):
        client.models.retrieve("claude-unknown")


def test_batch_expires_after_24_hours(server: SandboxServer, client: anthropic.Anthropic) -> None:
    server.batches.hold()
    batch = client.messages.batches.create(requests=[_request("late", "hello"), _request("later", "hi")])
    assert (batch.expires_at - batch.created_at).total_seconds() == pytest.approx(86400, abs=1)
    server.clock.advance(86401)
    server.batches.release()
    ended = _wait_ended(client, batch.id)
    assert ended.request_counts.expired == 2
    assert {r.result.type for r in client.messages.batches.results(batch.id)} == {"expired"}
