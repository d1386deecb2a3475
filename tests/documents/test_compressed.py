"""A single gzip, bzip2 or xz compressed file (man-db-manual.txt.gz, server.log.xz) is decompressed on
this computer and read by the kind of what is inside, under the archive guard's limits: a small file
that expands to gigabytes is refused early, with a message that says why."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import lzma
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers_pdf import make_pdf

from assistant.documents import (
    SUPPORTED_SUFFIXES,
    ArchiveLimits,
    DocumentError,
    DocumentErrorKind,
    DocumentKind,
    prepare,
)

from . import corpus

MIB = 1024 * 1024
MANUAL = (
    "The man-db package manual\n\n"
    "1. Introduction\n\nman-db provides the man command, which formats and displays manual pages.\n"
    "The mandb program maintains the index caches; run it after installing new pages.\n"
) * 20

COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "bzip2": bz2.compress,
    "xz": lzma.compress,
}


def refused(path: Path, cache_dir: Path, kind: DocumentErrorKind, **kwargs: object) -> str:
    with pytest.raises(DocumentError) as info:
        prepare(path, cache_dir=cache_dir, **kwargs)  # type: ignore[arg-type]
    assert info.value.kind is kind, info.value.message
    assert path.name in info.value.message
    return info.value.message


CASES = {  # name: (compressor, kind, the name of what is inside)
    "man-db-manual.txt.gz": ("gzip", DocumentKind.TEXT, "man-db-manual.txt"),
    "server.log.xz": ("xz", DocumentKind.LOG, "server.log"),
    "notes.md.bz2": ("bzip2", DocumentKind.MARKDOWN, "notes.md"),
    "changelog.gz": ("gzip", DocumentKind.TEXT, "changelog"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_compressed_text_is_decompressed_and_read_as_text(src: Path, cache_dir: Path, name: str) -> None:
    compressor, kind, inner = CASES[name]
    path = src / name
    path.write_bytes(COMPRESSORS[compressor](MANUAL.encode()))
    doc = prepare(path, cache_dir=cache_dir)
    assert (doc.kind, doc.mime_type, doc.block) == (kind, "text/plain", "document")
    assert doc.upload_name == inner and doc.original_name == name
    assert doc.converted and doc.upload_path.parent == cache_dir
    assert doc.upload_path.read_text(encoding="utf-8").startswith(MANUAL)
    assert doc.source_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert doc.source_size == path.stat().st_size
    assert doc.warnings == ()  # no rename warning: the name only lost its compression suffix
    again = prepare(path, cache_dir=cache_dir)  # from the cache, same verdict
    assert (again.kind, again.upload_path, again.upload_name) == (doc.kind, doc.upload_path, doc.upload_name)


def test_compressed_text_in_another_encoding_is_decoded(src: Path, cache_dir: Path) -> None:
    path = src / "memo.txt.gz"
    memo = "会議は午後三時に始まります。資料を忘れないでください。\n"
    path.write_bytes(gzip.compress(memo.encode("shift_jis")))
    doc = prepare(path, cache_dir=cache_dir)
    assert doc.upload_path.read_text(encoding="utf-8").startswith(memo)
    assert any("Shift-JIS" in w for w in doc.warnings)


def test_a_compressed_tar_is_still_an_archive(src: Path, cache_dir: Path) -> None:
    path = src / "logs.tar.gz"
    path.write_bytes(corpus.tar_bytes({"app.log": b"ERROR disk quota exceeded\n"}))
    doc = prepare(path, cache_dir=cache_dir)
    assert doc.kind is DocumentKind.ARCHIVE
    assert "disk quota exceeded" in doc.upload_path.read_text(encoding="utf-8")


def gzip_bomb(path: Path, expands_to: int) -> Path:
    """Many gzip members of zeros, one after another: a few MB that decompress to `expands_to` bytes."""
    member = gzip.compress(bytes(MIB), compresslevel=9)
    with path.open("wb") as out:
        for _ in range(expands_to // MIB):
            out.write(member)
    return path


def test_a_gzip_bomb_is_refused_early_by_its_ratio(src: Path, cache_dir: Path) -> None:
    path = gzip_bomb(src / "huge.txt.gz", 4 * 1024 * MIB)  # 4 GB of zeros in about 4 MB
    message = refused(path, cache_dir, DocumentErrorKind.ARCHIVE_COMPRESSION_RATIO)
    assert "200 times" in message and "archive bombs" in message
    assert list(cache_dir.iterdir()) == []  # nothing half-written left behind


def test_compressed_text_over_the_unpacked_limit_is_refused(src: Path, cache_dir: Path) -> None:
    path = src / "big.log.gz"
    path.write_bytes(gzip.compress(b"2026-01-01 INFO nothing happened\n" * 100_000))  # 3.3 MB
    limits = ArchiveLimits(max_total_bytes=2 * MIB, max_ratio=1e9)
    message = refused(path, cache_dir, DocumentErrorKind.ARCHIVE_TOO_LARGE, archive_limits=limits)
    assert "unpacks to more than 2.0 MB" in message
    assert list(cache_dir.iterdir()) == []


def test_compressed_files_that_are_not_text_say_what_is_inside(src: Path, cache_dir: Path) -> None:
    pdf = src / "paper.pdf.gz"
    pdf.write_bytes(gzip.compress(make_pdf([["a page"]])))
    message = refused(pdf, cache_dir, DocumentErrorKind.UNSUPPORTED)
    assert "a compressed PDF" in message and "Decompress it" in message
    blob = src / "blob.xz"
    blob.write_bytes(lzma.compress(bytes(range(256)) * 64))
    assert "not a kind of file that can be read" in refused(blob, cache_dir, DocumentErrorKind.UNSUPPORTED)


def test_a_truncated_compressed_file_is_damaged(src: Path, cache_dir: Path) -> None:
    data = gzip.compress((MANUAL * 50).encode())
    path = src / "cut.txt.gz"
    path.write_bytes(data[: len(data) // 2])
    assert "damaged or incomplete" in refused(path, cache_dir, DocumentErrorKind.CORRUPT_DOCUMENT)
    assert [p for p in cache_dir.iterdir() if p.name.startswith(".")] == []


def test_a_compressed_file_that_is_empty_inside_is_empty(src: Path, cache_dir: Path) -> None:
    path = src / "blank.txt.gz"
    path.write_bytes(gzip.compress(b" \n\n"))
    refused(path, cache_dir, DocumentErrorKind.EMPTY)


def test_compressed_suffixes_are_offered_in_file_dialogs() -> None:
    assert {".gz", ".bz2", ".xz"} <= set(SUPPORTED_SUFFIXES)


def test_compressed_members_of_an_archive_are_read(src: Path, cache_dir: Path) -> None:
    path = src / "docs.zip"
    members = {
        "man/man-db-manual.txt.gz": gzip.compress(MANUAL.encode()),
        "logs/app.log.xz": lzma.compress(b"ERROR disk quota exceeded on volume seven\n"),
        "paper.pdf.bz2": bz2.compress(make_pdf([["The cider press broke in October."]])),
    }
    path.write_bytes(corpus.zip_bytes(members))
    doc = prepare(path, cache_dir=cache_dir)
    text = doc.upload_path.read_text(encoding="utf-8")
    assert "The mandb program maintains the index caches" in text
    assert "volume seven" in text and "cider press broke" in text


def test_a_gzip_bomb_inside_an_archive_is_refused(src: Path, cache_dir: Path) -> None:
    bomb = gzip_bomb(src / "bomb.gz", 64 * MIB).read_bytes()
    path = src / "innocent.zip"
    path.write_bytes(corpus.zip_bytes({"readme.txt": b"hello\n", "data.txt.gz": bomb}))
    message = refused(path, cache_dir, DocumentErrorKind.ARCHIVE_COMPRESSION_RATIO)
    assert "archive bombs" in message


def test_stopping_while_decompressing_leaves_nothing(src: Path, cache_dir: Path) -> None:
    path = src / "notes.txt.gz"
    path.write_bytes(gzip.compress(MANUAL.encode()))
    refused(path, cache_dir, DocumentErrorKind.CANCELLED, should_stop=lambda: True)
    assert list(cache_dir.iterdir()) == []
