"""``precheck`` (watched folders, issue 12) says what ``prepare`` would say about a file's kind and size,
and gives the source's SHA-256 that ``prepare`` records; content already on the server is not sniffed.
What only reading the whole document finds (a damaged or password-protected PDF) is left to ``prepare``,
which the upload queue runs: the folder then shows the file as failed, with why."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pytest

from assistant.documents import DocumentError, DocumentErrorKind, prepare
from assistant.documents.precheck import precheck
from tests.helpers_pdf import make_pdf

DAMAGED_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LEFT_TO_PREPARE = {DocumentErrorKind.CORRUPT_PDF, DocumentErrorKind.ENCRYPTED_PDF}


def _files(root: Path) -> dict[str, Path]:
    made = {
        "note.md": b"# Title\nSome text.\n",
        "report.pdf": make_pdf(["Page one."]),
        "damaged.pdf": DAMAGED_PDF,
        "latin1.txt": "caf\xe9 cr\xe8me\n".encode("latin-1"),
        "empty.txt": b"",
        "tool.bin": bytes(range(256)) * 4,
        "later-nul.txt": b"text " * 4000 + b"\x00binary",
        "big.txt": b"x" * 5000,
        "notes.txt.gz": gzip.compress(b"compressed notes\n"),
        "fake.docx": b"not a zip at all, just words\n",
    }
    for name, data in made.items():
        (root / name).write_bytes(data)
    return {name: root / name for name in made}


@pytest.mark.parametrize(
    "name",
    [
        "note.md",
        "report.pdf",
        "latin1.txt",
        "empty.txt",
        "tool.bin",
        "later-nul.txt",
        "big.txt",
        "notes.txt.gz",
        "fake.docx",
    ],
)
def test_precheck_agrees_with_prepare(tmp_path: Path, name: str) -> None:
    path = _files(tmp_path)[name]
    checked = precheck(path, max_file_bytes=4096)
    try:
        doc = prepare(path, cache_dir=tmp_path / "cache", max_file_bytes=4096)
    except DocumentError as exc:
        if exc.kind in LEFT_TO_PREPARE:
            assert checked.error is None and checked.sha256 is not None
        else:
            assert checked.error is not None and checked.error.kind is exc.kind and checked.sha256 is None
    else:
        assert checked.error is None and checked.sha256 == doc.source_sha256


def test_known_content_is_not_judged_again(tmp_path: Path) -> None:
    path = tmp_path / "tool.bin"
    path.write_bytes(bytes(range(256)) * 4)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert precheck(path, max_file_bytes=4096).error is not None
    assert precheck(path, max_file_bytes=4096, known={digest}).sha256 == digest
