"""Helpers for the sandbox tests: request blocks, and tiny valid PNGs (PDFs: tests/helpers_pdf.py)."""

from __future__ import annotations

import struct
import zlib

MODEL = "claude-sonnet-5-5"


def text_doc(file_id: str, *, citations: bool = True, **extra: object) -> dict[str, object]:
    block: dict[str, object] = {"type": "document", "source": {"type": "file", "file_id": file_id}}
    if citations:
        block["citations"] = {"enabled": True}
    block.update(extra)
    return block


def ask(*blocks: dict[str, object], question: str) -> list[dict[str, object]]:
    return [{"role": "user", "content": [*blocks, {"type": "text", "text": question}]}]


def make_png(width: int, height: int) -> bytes:
    """A valid grey PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
