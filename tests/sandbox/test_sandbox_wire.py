"""HTTP framing below the SDK: keep-alive, chunked bodies, the streaming multipart parser, the CLI."""

from __future__ import annotations

import http.client
import io
import json
import os
import pathlib
import signal
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator

import anthropic
import pytest

from assistant.sandbox.errors import ApiError
from assistant.sandbox.http.wire import CHUNK, content_disposition, parse_multipart
from assistant.sandbox.server import SandboxServer

from .helpers import MODEL, ask, text_doc

BOUNDARY = "sandboxtestboundary"


def _multipart(payload: bytes, filename: str = "data.bin", expires: int | None = None) -> bytes:
    out = b""
    if expires is not None:
        out += (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="expires_in_seconds"\r\n\r\n{expires}\r\n'
        ).encode()
    out += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return out + payload + f"\r\n--{BOUNDARY}--\r\n".encode()


def _conn(server: SandboxServer) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)


def _headers(server: SandboxServer, **extra: str) -> dict[str, str]:
    return {"x-api-key": str(server.api_key), **extra}


def test_keep_alive_across_requests_and_errors(server: SandboxServer) -> None:
    server.max_file_size = 10
    conn = _conn(server)
    try:
        seen: list[str] = []
        for method, path, body, headers, status in [
            ("GET", "/v1/models", None, _headers(server), 200),
            ("GET", "/v1/files", None, {"x-api-key": "wrong"}, 401),
            (
                "POST",
                "/v1/files",
                _multipart(b"x" * 50),
                _headers(server, **{"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}),
                413,
            ),
            ("GET", "/v1/nothing-here", None, _headers(server), 404),
            ("POST", "/v1/messages", b"{not json", _headers(server), 400),
            ("GET", "/v1/files", None, _headers(server), 200),
        ]:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            assert resp.status == status, (path, data)
            request_id = resp.headers["request-id"]
            assert request_id.startswith("req_")
            seen.append(request_id)
            if status >= 400:
                error = json.loads(data)
                assert error["type"] == "error" and error["request_id"] == request_id
                assert error["error"]["type"] and error["error"]["message"]
        assert len(set(seen)) == len(seen)
        assert conn.sock is not None  # one connection served all of them
    finally:
        conn.close()


def test_chunked_request_bodies(server: SandboxServer) -> None:
    def chunks(data: bytes, size: int) -> Iterator[bytes]:
        for i in range(0, len(data), size):
            yield data[i : i + size]

    conn = _conn(server)
    try:
        message = json.dumps(
            {"model": MODEL, "max_tokens": 20, "messages": [{"role": "user", "content": "hello"}]}
        ).encode()
        conn.request(
            "POST",
            "/v1/messages",
            body=chunks(message, 7),
            encode_chunked=True,
            headers=_headers(server, **{"Content-Type": "application/json"}),
        )
        resp = conn.getresponse()
        assert resp.status == 200
        assert json.loads(resp.read())["type"] == "message"
        payload = os.urandom(300_000)
        form = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
        conn.request(
            "POST",
            "/v1/files",
            body=chunks(_multipart(payload, expires=3600), 65_537),
            encode_chunked=True,
            headers=_headers(server, **form),
        )
        resp = conn.getresponse()
        record = json.loads(resp.read())
        assert resp.status == 200, record
        assert record["size_bytes"] == len(payload) and record["expires_at"]
        assert (server.data_dir / "files" / f"{record['id']}.bin").read_bytes() == payload
        conn.request("GET", f"/v1/files/{record['id']}", headers=_headers(server))
        assert json.loads(conn.getresponse().read())["id"] == record["id"]
    finally:
        conn.close()


@pytest.mark.parametrize("step", [1, 2, 5, 23, 4096])
def test_multipart_parser_with_any_read_size(step: int) -> None:
    payload = b"\r\n--sandboxtestboundar" + bytes(range(256)) * 3 + b"\r\n--sandbox\r\n"
    body = io.BytesIO(_multipart(payload, expires=7200))
    got: dict[str, io.BytesIO] = {}

    def open_part(headers: dict[str, str]) -> io.BytesIO:
        name = content_disposition(headers["content-disposition"])["name"]
        got[name] = io.BytesIO()
        return got[name]

    class Trickle:
        def readinto(self, buffer: memoryview) -> int:
            return body.readinto(buffer[:step])

    parse_multipart(Trickle(), BOUNDARY.encode(), open_part)
    assert got["file"].getvalue() == payload
    assert got["expires_in_seconds"].getvalue() == b"7200"


def test_multipart_parser_refuses_truncated_body() -> None:
    body = io.BytesIO(_multipart(b"abc")[:-10])
    with pytest.raises(ApiError) as info:
        parse_multipart(body, BOUNDARY.encode(), lambda headers: None)
    assert info.value.status == 400


def test_content_disposition_parameters() -> None:
    assert content_disposition('form-data; name="file"; filename="a b;c.pdf"') == {
        "name": "file",
        "filename": "a b;c.pdf",
    }
    encoded = content_disposition("form-data; name=file; filename*=utf-8''%C3%A9t%C3%A9.txt")
    assert encoded["filename"] == "été.txt"


def test_multipart_parser_memory_stays_bounded() -> None:
    """40 MB through the parser with memory peaking at a few read chunks, not at the body's size."""
    total = 40 * CHUNK
    head = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="x"\r\n\r\n').encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    block = b"z" * (CHUNK // 2)
    state = {"sent": -1}

    class Source:
        def readinto(self, buffer: memoryview) -> int:
            if state["sent"] < 0:
                data = head
                state["sent"] = 0
            elif state["sent"] >= total:
                data = tail if state["sent"] == total else b""
                state["sent"] += 1
            else:
                data = block[: min(len(buffer), total - state["sent"])]
                state["sent"] += len(data)
            buffer[: len(data)] = data
            return len(data)

    class Counter:
        size = 0

        def write(self, data: memoryview) -> None:
            self.size += len(data)

    sink = Counter()
    tracemalloc.start()
    try:
        parse_multipart(Source(), BOUNDARY.encode(), lambda headers: sink)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sink.size == total
    assert peak < 6 * CHUNK


def test_cli_prints_base_url_first_and_serves(tmp_path: pathlib.Path) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assistant.sandbox",
            "--port",
            "0",
            "--data-dir",
            str(tmp_path / "d"),
            "--api-key",
            "sk-cli",
            "--faults",
            "models:529x1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:")
        with anthropic.Anthropic(api_key="sk-cli", base_url=base_url, max_retries=0) as c:
            with pytest.raises(anthropic.OverloadedError):
                c.models.list()
            f = c.files.upload(file=("a.txt", b"hello", "text/plain"))
            assert [x.id for x in c.files.list()] == [f.id]
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
        assert proc.returncode == 0
        assert "loopback" in err
        assert (tmp_path / "d" / "files" / f"{f.id}.bin").read_bytes() == b"hello"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_cli_help_documents_faults_and_refuses_bad_spec() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "assistant.sandbox", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for word in ("--faults", "--tokens-per-second", "drop-stream", "retry-after", "seed"):
        assert word in out
    bad = subprocess.run(
        [sys.executable, "-m", "assistant.sandbox", "--faults", "nope"],
        check=False,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "fault" in bad.stderr


def test_malformed_http_still_gets_the_api_error_shape(server: SandboxServer) -> None:
    import socket

    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"GET /v1/models HTTP/1.1\r\nx-huge: " + b"h" * 70_000 + b"\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 431")
    assert b"request-id: req_" in head.lower()
    error = json.loads(body)
    assert error["type"] == "error" and error["error"]["message"]
    assert error["request_id"].encode() in head


def _call(server: SandboxServer, method: str, path: str, body: object = None) -> tuple[int, bytes]:
    conn = _conn(server)
    try:
        data = json.dumps(body).encode() if body is not None else None
        headers = _headers(server, **{"Content-Type": "application/json"})
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def test_response_objects_carry_every_required_field(server: SandboxServer) -> None:
    """The fields the API's schema requires (nullable ones present as null), beyond what the SDK checks."""
    file_id = "file_none"
    with anthropic.Anthropic(api_key=server.api_key, base_url=server.base_url, max_retries=0) as c:
        file_id = c.files.upload(file=("a.txt", b"The mill grinds wheat on Tuesdays.", "text/plain")).id
    status, raw = _call(server, "GET", f"/v1/files/{file_id}")
    assert status == 200
    assert set(json.loads(raw)) == {
        "id",
        "type",
        "filename",
        "mime_type",
        "size_bytes",
        "created_at",
        "downloadable",
        "expires_at",
    }
    request = {
        "model": MODEL,
        "max_tokens": 300,
        "messages": ask(text_doc(file_id), question="When does the mill grind wheat?"),
    }
    status, raw = _call(server, "POST", "/v1/messages", request)
    message = json.loads(raw)
    assert status == 200
    assert set(message) == {
        "id",
        "type",
        "role",
        "content",
        "model",
        "stop_reason",
        "stop_sequence",
        "stop_details",
        "usage",
        "container",
    }
    assert {
        "cache_creation",
        "cache_creation_input_tokens",
        "cache_read_input_tokens",
        "inference_geo",
        "input_tokens",
        "output_tokens",
        "output_tokens_details",
        "server_tool_use",
        "service_tier",
    } <= set(message["usage"])
    assert set(message["usage"]["cache_creation"]) == {
        "ephemeral_1h_input_tokens",
        "ephemeral_5m_input_tokens",
    }
    for block in message["content"]:
        assert set(block) == {"type", "text", "citations"}
        for citation in block["citations"] or []:
            assert {"cited_text", "document_index", "document_title", "file_id", "type"} <= set(citation)
    assert any(block["citations"] for block in message["content"])
    status, raw = _call(server, "POST", "/v1/messages", {**request, "stream": True})
    events = [json.loads(line[6:]) for line in raw.decode().splitlines() if line.startswith("data: ")]
    delta = next(e for e in events if e["type"] == "message_delta")
    assert set(delta["delta"]) == {"stop_reason", "stop_sequence", "stop_details", "container"}
    assert {
        "cache_creation_input_tokens",
        "cache_read_input_tokens",
        "input_tokens",
        "output_tokens",
        "output_tokens_details",
        "server_tool_use",
    } <= set(delta["usage"])
    start = next(e for e in events if e["type"] == "content_block_start")
    assert set(start["content_block"]) == {"type", "text", "citations"}
    status, raw = _call(
        server, "POST", "/v1/messages/batches", {"requests": [{"custom_id": "one", "params": request}]}
    )
    assert status == 200
    assert set(json.loads(raw)) == {
        "archived_at",
        "cancel_initiated_at",
        "created_at",
        "ended_at",
        "expires_at",
        "id",
        "processing_status",
        "request_counts",
        "results_url",
        "type",
    }
    status, raw = _call(server, "GET", "/v1/models?limit=1")
    listing = json.loads(raw)
    assert set(listing) == {"data", "first_id", "has_more", "last_id"}
    assert {
        "capabilities",
        "created_at",
        "display_name",
        "id",
        "max_input_tokens",
        "max_tokens",
        "type",
    } <= set(listing["data"][0])
    status, raw = _call(server, "GET", "/v1/files?limit=1")
    assert set(json.loads(raw)) == {"data", "next_page"}


def test_the_sandbox_imports_nothing_of_the_app() -> None:
    code = (
        "import sys, assistant.sandbox.server, assistant.sandbox.__main__\n"
        "print('\\n'.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('assistant', 'anthropic', 'httpx2', 'PySide6', 'keyring', 'platformdirs'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    modules = out.split()
    assert "assistant.sandbox.server" in modules
    assert [m for m in modules if m != "assistant" and not m.startswith("assistant.sandbox")] == []
