"""Text as it is uploaded: a seekable stream decoded (BOM, UTF-8, cp1252, latin-1) into the sink as UTF-8."""

from __future__ import annotations

import codecs
from typing import BinaryIO

from .sink import TextSink
from .sniff import choose_encoding

CHUNK = 1 << 20


def write_text(stream: BinaryIO, sink: TextSink) -> str:
    """Decode a seekable text stream (BOM, UTF-8, cp1252, latin-1) into the sink; returns the encoding."""
    encoding = choose_encoding(stream)
    stream.seek(0)
    last = b""
    if encoding == "utf-8":  # already valid UTF-8: copied as it is
        while chunk := stream.read(CHUNK):
            sink.content_bytes(chunk)
            last = chunk[-1:]
    else:
        decoder = codecs.getincrementaldecoder(encoding)("replace")
        while chunk := stream.read(CHUNK):
            text = decoder.decode(chunk)
            if text:
                sink.content(text)
                last = text[-1:].encode()
        tail = decoder.decode(b"", final=True)
        if tail:
            sink.content(tail)
            last = tail[-1:].encode()
    if last and not last.endswith(b"\n"):
        sink.write("\n")
    sink.write("\n")
    return encoding
