"""Every typed failure, produced by the sandbox over real HTTP (injected faults, limits, clock, keys)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.api.chat import ChatService, Done, Failed
from assistant.api.client import ClientConfig, make_client
from assistant.api.errors import ApiFailure, FailureKind
from assistant.api.files import FileService
from assistant.catalog import Store, TurnState
from assistant.secrets import check_key

MODEL = "claude-sonnet-5-5"
WRONG_KEY = "sk-ant-wrong-key-000000000"


@pytest.fixture
def bare_client(sandbox: Any) -> Iterator[Any]:
    """No SDK retries: one attempt, so network faults surface at once."""
    with make_client(ClientConfig(api_key=sandbox.api_key, base_url=sandbox.base_url, max_retries=0)) as c:
        yield c


def _conv(store: Store, files: FileService, report: Path) -> int:
    return store.create_conversation("c", MODEL, [files.upload(report).record.id]).id


def _fail(events: list[Any]) -> ApiFailure:
    assert isinstance(events[-1], Failed), events[-1]
    assert events[-1].turn.state is TurnState.FAILED
    return events[-1].failure


def test_sdk_retries_a_single_429(
    chat: ChatService, files: FileService, store: Store, report: Path, sandbox: Any
) -> None:
    conv = _conv(store, files, report)
    sandbox.faults.set("messages:429x1,retry-after=0.01")
    assert isinstance(list(chat.ask(conv, "Who was the keeper?"))[-1], Done)
    assert len(sandbox.faults.hits) == 1


def test_rate_limited_with_wait(
    chat: ChatService, files: FileService, store: Store, report: Path, sandbox: Any
) -> None:
    conv = _conv(store, files, report)
    sandbox.faults.set("messages:429,retry-after=0.02")
    failure = _fail(list(chat.ask(conv, "Who was the keeper?")))
    assert failure.kind is FailureKind.RATE_LIMITED and failure.status == 429
    assert failure.retry_after == pytest.approx(0.02)
    assert failure.request_id and "Try again" in failure.message and failure.retryable
    assert len(sandbox.faults.hits) == 3  # the SDK tried three times before giving up


@pytest.mark.parametrize(("fault", "kind"), [("529", FailureKind.OVERLOADED), ("500", FailureKind.SERVER)])
def test_overloaded_and_server_error(  # noqa: PLR0917
    chat: ChatService,
    files: FileService,
    store: Store,
    report: Path,
    sandbox: Any,
    fault: str,
    kind: FailureKind,
) -> None:
    conv = _conv(store, files, report)
    sandbox.faults.set(f"messages:{fault},retry-after=0.01")
    failure = _fail(list(chat.ask(conv, "Who was the keeper?")))
    assert failure.kind is kind and failure.request_id and failure.retryable


def test_connection_dropped_mid_stream_keeps_partial_answer(
    chat: ChatService, files: FileService, store: Store, report: Path, sandbox: Any
) -> None:
    conv = _conv(store, files, report)
    sandbox.faults.set("stream:drop-stream=6")
    events = list(chat.ask(conv, "How much did the restoration cost?"))
    failure = _fail(events)
    assert failure.kind is FailureKind.NETWORK and "connection" in failure.message.lower()
    (turn,) = store.list_turns(conv)
    assert turn.state is TurnState.FAILED and turn.question == "How much did the restoration cost?"


def test_network_down(store: Store) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = ClientConfig(api_key="sk-ant-x-123", base_url=f"http://127.0.0.1:{port}", max_retries=0)
    with make_client(config) as c, pytest.raises(ApiFailure) as info:
        FileService(c, store).list_remote()
    assert info.value.kind is FailureKind.NETWORK


def test_upload_connection_dropped(bare_client: Any, store: Store, sandbox: Any, tmp_path: Path) -> None:
    sandbox.faults.set("upload:drop-upload=65536")
    src = tmp_path / "big.txt"
    src.write_bytes(b"x" * 300_000)
    with pytest.raises(ApiFailure) as info:
        FileService(bare_client, store).upload(src)
    assert info.value.kind is FailureKind.NETWORK
    assert store.list_files() == []


def test_timeout(sandbox: Any, store: Store) -> None:
    sandbox.faults.set("files:slow=1.5")
    config = ClientConfig(api_key=sandbox.api_key, base_url=sandbox.base_url, timeout=0.3, max_retries=0)
    with make_client(config) as c, pytest.raises(ApiFailure) as info:
        FileService(c, store).list_remote()
    assert info.value.kind is FailureKind.TIMEOUT


def test_bad_key(sandbox: Any, store: Store) -> None:
    with (
        make_client(ClientConfig(api_key=WRONG_KEY, base_url=sandbox.base_url)) as c,
        pytest.raises(ApiFailure) as info,
    ):
        FileService(c, store).list_remote()
    failure = info.value
    assert failure.kind is FailureKind.BAD_KEY and failure.status == 401 and failure.request_id
    assert WRONG_KEY not in str(failure) and "key" in failure.message
    assert not failure.retryable


def test_check_key_before_saving(sandbox: Any) -> None:
    check_key(sandbox.api_key, sandbox.base_url)  # accepted: no exception
    with pytest.raises(ApiFailure) as info:
        check_key(WRONG_KEY, sandbox.base_url)
    assert info.value.kind is FailureKind.BAD_KEY
    assert "401" in info.value.message and WRONG_KEY not in str(info.value)


def test_storage_quota(files: FileService, sandbox: Any, report: Path) -> None:
    sandbox.storage_quota = 100
    with pytest.raises(ApiFailure) as info:
        files.upload(report)
    assert info.value.kind is FailureKind.STORAGE_QUOTA and "Clean up" in info.value.message


def test_file_deleted_remotely(
    chat: ChatService, files: FileService, store: Store, report: Path, client: Any
) -> None:
    conv = _conv(store, files, report)
    client.files.delete(store.list_files()[0].file_id)
    failure = _fail(list(chat.ask(conv, "Who was the keeper?")))
    assert failure.kind is FailureKind.FILE_NOT_FOUND and failure.status == 404 and failure.request_id


def test_file_expired_remotely(
    chat: ChatService, files: FileService, store: Store, report: Path, sandbox: Any
) -> None:
    conv = _conv(store, files, report)
    sandbox.clock.advance(31 * 86_400)  # past the 30-day retention; the catalog has not noticed yet
    failure = _fail(list(chat.ask(conv, "Who was the keeper?")))
    assert failure.kind is FailureKind.FILE_EXPIRED and "Renew" in failure.message


def test_bad_request_carries_the_api_message(chat: ChatService, store: Store) -> None:
    conv = store.create_conversation("c", MODEL).id
    failure = _fail(list(chat.ask(conv, "")))
    assert failure.kind is FailureKind.BAD_REQUEST and failure.status == 400
    assert failure.api_message and failure.api_message in failure.message


def test_file_too_large_from_the_api(bare_client: Any, store: Store, sandbox: Any, tmp_path: Path) -> None:
    sandbox.max_file_size = 10_000
    src = tmp_path / "big.txt"
    src.write_bytes(b"y" * 20_000)
    with pytest.raises(ApiFailure) as info:
        FileService(bare_client, store).upload(src)
    assert info.value.kind is FailureKind.FILE_TOO_LARGE and info.value.status == 413
