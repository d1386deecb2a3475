"""File uploads: a multipart/form-data body streamed to a temporary file, then added to the FileStore."""

from __future__ import annotations

import os
import pathlib
from typing import TYPE_CHECKING, Any, cast

from assistant.sandbox.errors import ApiError
from assistant.sandbox.http.wire import (
    BodyReader,
    ConnectionDropped,
    Sink,
    boundary_of,
    content_disposition,
    parse_multipart,
)
from assistant.sandbox.storage import MAX_EXPIRY, MIN_EXPIRY

if TYPE_CHECKING:
    from assistant.sandbox.http.handler import Handler

_MULTIPART_SLACK = 1 << 20  # room for multipart framing and form fields around the file's bytes


def upload(h: Handler, reader: BodyReader, request_id: str) -> None:
    """POST /v1/files: the multipart body streamed into the FileStore (413 and quota checked early)."""
    sandbox = h.server.sandbox
    files = sandbox.files
    ctype = h.headers.get("Content-Type", "")
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
    answer = record.to_api()
    fault = sandbox.faults.drawn()
    if fault is not None and fault.kind == "lose-upload":
        raise ConnectionDropped("fault: lose-upload")  # stored, and the answer never leaves
    if fault is not None and fault.kind == "reuse-id-upload":
        other = files.newest_other(record.id)
        if other is not None:
            answer["id"] = other.id
    h.reply_json(200, answer, request_id)
