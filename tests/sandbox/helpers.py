"""Helpers for the sandbox tests: request blocks, and tiny valid PDFs with real text."""

from __future__ import annotations

from collections.abc import Sequence

MODEL = "claude-sonnet-5-5"


def text_doc(file_id: str, *, citations: bool = True, **extra: object) -> dict[str, object]:
    block: dict[str, object] = {"type": "document", "source": {"type": "file", "file_id": file_id}}
    if citations:
        block["citations"] = {"enabled": True}
    block.update(extra)
    return block


def ask(*blocks: dict[str, object], question: str) -> list[dict[str, object]]:
    return [{"role": "user", "content": [*blocks, {"type": "text", "text": question}]}]


def make_pdf(pages: Sequence[Sequence[str]]) -> bytes:
    """A valid PDF whose page i shows the lines of pages[i] (Helvetica, Latin-1); pypdf extracts them."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for i, lines in enumerate(pages):
        stream = b"BT /F1 11 Tf 14 TL 56 780 Td\n"
        for n, line in enumerate(lines):
            text = line.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
            stream += (b"T* " if n else b"") + b"(" + text + b") Tj\n"
        stream += b"ET\n"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"endstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def make_png(width: int, height: int) -> bytes:
    """A valid grey PNG of the given size."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\0" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
