"""Text as it is uploaded: a seekable stream decoded (see `encoding`) into the sink as UTF-8, with every
byte that does not decode replaced by U+FFFD and counted, so the caller can say so."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import BinaryIO

from .encoding import BAD_BYTE, BAD_BYTES, TextEncoding, choose_encoding
from .sink import TextSink

CHUNK = 1 << 20
REPLACEMENT = "\ufffd"


@dataclass(frozen=True, slots=True)
class TextReport:
    """How a text was written: its encoding, and the bytes that did not decode (replaced by U+FFFD)."""

    encoding: TextEncoding
    replaced: int = 0
    first_bad_line: int | None = None  # 1-based


def write_text(stream: BinaryIO, sink: TextSink, encoding: TextEncoding | None = None) -> TextReport:
    """Decode a seekable text stream (from its start) into the sink; the encoding is found first unless
    given. Valid UTF-8 is copied as it is."""
    stream.seek(0)
    if encoding is None:
        encoding = choose_encoding(stream)
        stream.seek(0)
    last = b""
    replaced = 0
    first_bad_line: int | None = None
    if encoding.as_is:
        while chunk := stream.read(CHUNK):
            sink.content_bytes(chunk)
            last = chunk[-1:]
    else:
        errors = "surrogateescape" if encoding.codec in ("utf-8", "utf-8-sig") else BAD_BYTES
        decoder = codecs.getincrementaldecoder(encoding.codec)(errors)
        lines = 0  # line breaks written so far
        final = False
        while not final:
            chunk = stream.read(CHUNK)
            final = not chunk
            text = decoder.decode(chunk, final=final)
            if not text:
                continue
            if first_bad_line is None and (bad := BAD_BYTE.search(text)) is not None:
                first_bad_line = lines + text.count("\n", 0, bad.start()) + 1
            text, count = BAD_BYTE.subn(REPLACEMENT, text)
            replaced += count
            lines += text.count("\n")
            sink.content(text)
            last = text[-1:].encode()
    if last and not last.endswith(b"\n"):
        sink.write("\n")
    sink.write("\n")
    return TextReport(encoding, replaced, first_bad_line)


def text_warnings(report: TextReport) -> tuple[str, ...]:
    """What the upload row says about how a text was read: its encoding when it was not UTF-8, and the
    bytes that did not decode."""
    warnings = []
    if report.encoding.codec != "utf-8":
        warnings.append(
            f"The text was encoded as {report.encoding.label}; it is uploaded converted to UTF-8."
        )
    if report.replaced:
        what = "1 byte" if report.replaced == 1 else f"{report.replaced:,} bytes"
        were = "was" if report.replaced == 1 else "were"
        kind = "UTF-8" if report.encoding.codec in ("utf-8", "utf-8-sig") else report.encoding.label
        warnings.append(
            f"{what} of the text {were} not valid {kind} (the first on line {report.first_bad_line}) and "
            f"{were} replaced with “{REPLACEMENT}”; the rest is uploaded as written."
        )
    return tuple(warnings)
