"""HTTP request bodies (Content-Length or chunked) and an incremental multipart/form-data parser.

Nothing here holds a whole body in memory: the multipart parser keeps a buffer bounded by one read
chunk plus the boundary, and hands each part's bytes to a sink as they arrive.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO, Protocol

from assistant.sandbox.errors import ApiError

CHUNK = 1 << 20  # bytes per read
_MAX_LINE = 8192
_MAX_HEADERS = 16384
_MAX_PREAMBLE = 65536


class ConnectionDropped(Exception):
    """A fault asked for the connection to be dropped, or the client went away mid-body."""


class BodyReader:
    """Reads a request body framed by Content-Length or chunked transfer encoding."""

    def __init__(self, rfile: BinaryIO, length: int | None, chunked: bool) -> None:
        self._rfile = rfile
        self._chunked = chunked
        self._left = length if length is not None else 0  # bytes left (of the body, or the chunk)
        self._done = not chunked and self._left == 0
        self.consumed = 0
        self.drop_after: int | None = None  # fault: drop the connection after this many body bytes

    @property
    def done(self) -> bool:
        return self._done

    def _next_chunk(self) -> None:
        line = self._rfile.readline(_MAX_LINE)
        if not line.endswith(b"\n"):
            raise ConnectionDropped("truncated chunk header")
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise ApiError(400, "Malformed chunked request body.") from None
        if size == 0:
            while True:  # trailers, up to the empty line
                trailer = self._rfile.readline(_MAX_LINE)
                if not trailer.endswith(b"\n"):
                    raise ConnectionDropped("truncated chunk trailer")
                if trailer in (b"\r\n", b"\n"):
                    break
            self._done = True
        self._left = size

    def read(self, n: int = CHUNK) -> bytes:
        """Up to `n` bytes of the body; b"" at its end."""
        if self._done:
            return b""
        if self._chunked and self._left == 0:
            self._next_chunk()
            if self._left == 0:  # the last chunk
                return b""
        want = min(n, self._left)
        if self.drop_after is not None:
            if self.consumed >= self.drop_after:
                raise ConnectionDropped("fault: drop-upload")
            want = min(want, max(1, self.drop_after - self.consumed))
        data = self._rfile.read(want)
        if not data:
            raise ConnectionDropped("client closed the connection mid-body")
        self._left -= len(data)
        self.consumed += len(data)
        if self._left == 0:
            if self._chunked:
                if self._rfile.read(2) not in (b"\r\n",):
                    raise ApiError(400, "Malformed chunked request body.")
            else:
                self._done = True
        return data

    def read_all(self, limit: int) -> bytes:
        """The whole body, refused with 413 above `limit` bytes (the rest is drained)."""
        parts: list[bytes] = []
        total = 0
        while data := self.read():
            total += len(data)
            if total > limit:
                self.drain()
                raise ApiError(413, f"Request exceeds the maximum allowed number of bytes ({limit}).")
            parts.append(data)
        return b"".join(parts)

    def drain(self) -> None:
        while self.read():
            pass


class Sink(Protocol):
    def write(self, data: bytes, /) -> object: ...


class _Discard:
    def write(self, data: bytes, /) -> int:
        return len(data)


def _parse_part_headers(raw: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in raw.decode("utf-8", "replace").split("\r\n"):
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise ApiError(400, "Malformed multipart/form-data body: bad part header.")
        headers[name.strip().lower()] = value.strip()
    return headers


def content_disposition(value: str) -> dict[str, str]:
    """The parameters of a Content-Disposition header (name, filename), quotes removed."""
    params: dict[str, str] = {}
    i = value.find(";")
    rest = value[i + 1 :] if i >= 0 else ""
    pos = 0
    while pos < len(rest):
        while pos < len(rest) and rest[pos] in " ;\t":
            pos += 1
        eq = rest.find("=", pos)
        if eq < 0:
            break
        key = rest[pos:eq].strip().lower()
        pos = eq + 1
        if pos < len(rest) and rest[pos] == '"':
            pos += 1
            out: list[str] = []
            while pos < len(rest) and rest[pos] != '"':
                if rest[pos] == "\\" and pos + 1 < len(rest) and rest[pos + 1] in '"\\':
                    pos += 1
                out.append(rest[pos])
                pos += 1
            pos += 1
            params[key] = "".join(out)
        else:
            end = rest.find(";", pos)
            end = len(rest) if end < 0 else end
            params[key] = rest[pos:end].strip()
            pos = end
    if "filename*" in params and params["filename*"].lower().startswith("utf-8''"):
        from urllib.parse import unquote

        params["filename"] = unquote(params["filename*"][7:])
    return params


def boundary_of(content_type: str) -> bytes:
    for param in content_type.split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.lower() == "boundary" and value:
            value = value.strip().strip('"')
            if 0 < len(value) <= 200:
                return value.encode("latin-1")
    raise ApiError(400, "Expected a multipart/form-data body with a boundary.")


def parse_multipart(
    read: Callable[[int], bytes], boundary: bytes, open_part: Callable[[dict[str, str]], Sink | None]
) -> None:
    """Stream every part of a multipart body: `open_part(headers)` gives the sink for its bytes.

    The buffer never holds more than one read chunk plus the boundary.
    """
    delim = b"\r\n--" + boundary
    keep = len(delim) - 1
    buf = bytearray(b"\r\n")

    def fill() -> None:
        data = read(CHUNK)
        if not data:
            raise ApiError(400, "Malformed multipart/form-data body: it ends before its closing boundary.")
        buf.extend(data)

    while (i := buf.find(delim)) < 0:  # preamble
        if len(buf) > _MAX_PREAMBLE:
            raise ApiError(400, "Malformed multipart/form-data body: no boundary found.")
        fill()
    del buf[: i + len(delim)]
    while True:
        while len(buf) < 2:
            fill()
        if buf[:2] == b"--":  # closing boundary; anything after it is epilogue
            return
        while (j := buf.find(b"\r\n\r\n")) < 0:
            if len(buf) > _MAX_HEADERS:
                raise ApiError(400, "Malformed multipart/form-data body: part headers too long.")
            fill()
        head = bytes(buf[:j])
        line_end = head.find(b"\r\n")
        # the rest of the boundary line (transport padding) is ignored
        headers = _parse_part_headers(head[line_end + 2 :] if line_end >= 0 else b"")
        del buf[: j + 4]
        opened = open_part(headers)
        sink: Sink = _Discard() if opened is None else opened
        while True:
            i = buf.find(delim)
            if i >= 0:
                if i:
                    sink.write(bytes(buf[:i]))
                del buf[: i + len(delim)]
                break
            safe = len(buf) - keep
            if safe > 0:
                sink.write(bytes(buf[:safe]))
                del buf[:safe]
            fill()
