"""HTTP request bodies (Content-Length or chunked) and an incremental multipart/form-data parser.

Nothing here holds a whole body in memory: the multipart parser keeps a buffer bounded by one read
chunk plus the boundary, and hands each part's bytes to a sink as they arrive.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Protocol

from assistant.sandbox.errors import ApiError

CHUNK = 1 << 20  # bytes per read
_MAX_LINE = 8192
_MAX_HEADERS = 16384
_MAX_PREAMBLE = 65536


class ConnectionDropped(Exception):
    """A fault asked for the connection to be dropped, or the client went away mid-body."""


class BodyReader:
    """Reads a request body framed by Content-Length or chunked transfer encoding."""

    def __init__(self, rfile: io.BufferedIOBase, length: int | None, chunked: bool) -> None:
        self._rfile = rfile
        self._chunked = chunked
        self.length = None if chunked else length  # the declared Content-Length, if any
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

    def readinto(self, buffer: memoryview, /) -> int:
        """Read up to len(buffer) bytes of the body into it; 0 at its end."""
        if self._done:
            return 0
        if self._chunked and self._left == 0:
            self._next_chunk()
            if self._left == 0:  # the last chunk
                return 0
        want = min(len(buffer), self._left)
        if self.drop_after is not None:
            if self.consumed >= self.drop_after:
                raise ConnectionDropped("fault: drop-upload")
            want = min(want, max(1, self.drop_after - self.consumed))
        n = self._rfile.readinto(buffer[:want])
        if not n:
            raise ConnectionDropped("client closed the connection mid-body")
        self._left -= n
        self.consumed += n
        if self._left == 0:
            if self._chunked:
                if self._rfile.read(2) != b"\r\n":
                    raise ApiError(400, "Malformed chunked request body.")
            else:
                self._done = True
        return n

    def read(self, n: int = CHUNK) -> bytes:
        """Up to `n` bytes of the body; b"" at its end."""
        buf = bytearray(n)
        got = self.readinto(memoryview(buf))
        del buf[got:]
        return bytes(buf)

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
        scratch = memoryview(bytearray(CHUNK))
        while self.readinto(scratch):
            pass


class Source(Protocol):
    def readinto(self, buffer: memoryview, /) -> int: ...


class Sink(Protocol):
    def write(self, data: memoryview, /) -> object: ...


class _Discard:
    def write(self, data: memoryview, /) -> int:
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
    source: Source, boundary: bytes, open_part: Callable[[dict[str, str]], Sink | None]
) -> None:
    """Stream every part of a multipart body: `open_part(headers)` gives the sink for its bytes.

    One fixed buffer of CHUNK bytes (plus the boundary) is read into and handed to the sinks as
    memoryviews, so a body of any size costs no more memory than that, and no copies.
    """
    delim = b"\r\n--" + boundary
    keep = len(delim) - 1
    cap = max(CHUNK, _MAX_HEADERS + len(delim) + 4, _MAX_PREAMBLE + len(delim))
    buf = bytearray(cap)
    view = memoryview(buf)
    buf[:2] = b"\r\n"  # so the first boundary line looks like every other delimiter
    lo, hi = 0, 2

    def fill() -> None:
        nonlocal lo, hi
        if lo and (hi == cap or lo > cap // 2):
            view[: hi - lo] = view[lo:hi]  # the unread tail (short) moves to the front
            lo, hi = 0, hi - lo
        if hi == cap:
            raise ApiError(400, "Malformed multipart/form-data body: a header block is too long.")
        n = source.readinto(view[hi:])
        if not n:
            raise ApiError(400, "Malformed multipart/form-data body: it ends before its closing boundary.")
        hi += n

    while (i := buf.find(delim, lo, hi)) < 0:  # preamble
        if hi - lo > _MAX_PREAMBLE:
            raise ApiError(400, "Malformed multipart/form-data body: no boundary found.")
        fill()
    lo = i + len(delim)
    while True:
        while hi - lo < 2:
            fill()
        if buf[lo : lo + 2] == b"--":  # closing boundary; anything after it is epilogue
            return
        while (j := buf.find(b"\r\n\r\n", lo, hi)) < 0:
            if hi - lo > _MAX_HEADERS:
                raise ApiError(400, "Malformed multipart/form-data body: part headers too long.")
            fill()
        head = bytes(buf[lo:j])
        line_end = head.find(b"\r\n")
        # the rest of the boundary line (transport padding) is ignored
        headers = _parse_part_headers(head[line_end + 2 :] if line_end >= 0 else b"")
        lo = j + 4
        opened = open_part(headers)
        sink: Sink = _Discard() if opened is None else opened
        while True:
            i = buf.find(delim, lo, hi)
            if i >= 0:
                if i > lo:
                    sink.write(view[lo:i])
                lo = i + len(delim)
                break
            safe = hi - keep
            if safe > lo:
                sink.write(view[lo:safe])
                lo = safe
            fill()
