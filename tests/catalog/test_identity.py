"""What the user knows a file as (issue 10, item 10): a file converted to text here is its own name,
kind and size, in rows recorded now (``source_kind``) and in rows of older catalogs (judged by name)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.catalog import FileOrigin, FileRecord, FileState, Store
from assistant.catalog.identity import TextConversion, known_name, text_conversion
from assistant.catalog.schema import MIGRATIONS


def _record(filename: str, mime_type: str = "text/plain", **kw: object) -> FileRecord:
    return FileRecord(
        id=1,
        file_id="file_1",
        filename=filename,
        mime_type=mime_type,
        size_bytes=413,
        sha256=None,
        local_path=None,
        uploaded_at=datetime(2030, 1, 1, tzinfo=UTC),
        expires_at=None,
        last_used_at=None,
        state=FileState.ACTIVE,
        origin=FileOrigin.APP,
        **kw,  # type: ignore[arg-type]
    )


def test_a_row_recorded_now_says_what_was_converted() -> None:
    memo = _record("q3-memo.docx.txt", original_name="q3-memo.docx", source_size=31_000, source_kind="docx")
    assert text_conversion(memo) == TextConversion("q3-memo.docx", "docx", 31_000, 413, "q3-memo.docx.txt")
    assert known_name(memo) == "q3-memo.docx"
    # a Word file under a text name keeps its name (nothing was renamed)
    minutes = _record("minutes.txt", source_size=9_000, source_kind="docx")
    assert known_name(minutes) == "minutes.txt" and text_conversion(minutes) is not None
    manual = _record("manual.txt", original_name="manual.txt.gz", source_size=90, source_kind="gzip")
    conversion = text_conversion(manual)
    assert conversion is not None and conversion.decompressed and known_name(manual) == "manual.txt.gz"


@pytest.mark.parametrize(
    "record",
    [
        _record("notes.txt", source_kind="text"),
        # text named like a Word file, sent with ".txt" added: not converted, its upload name stays
        _record("fake.docx.txt", original_name="fake.docx", source_kind="text"),
        _record("a_b.md", original_name="a:b.md", source_kind="markdown"),
        _record("a_b.md", original_name="a:b.md"),
        _record("manual (pages 1-2).pdf", "application/pdf", original_name="manual.pdf", source_kind="pdf"),
        _record("notes.txt"),
    ],
)
def test_files_sent_as_they_are_keep_their_upload_name(record: FileRecord) -> None:
    assert text_conversion(record) is None
    assert known_name(record) == record.filename


@pytest.mark.parametrize(
    ("filename", "original", "name", "kind"),
    [
        ("report.docx.txt", "report.docx", "report.docx", "docx"),
        ("budget_ v2.xlsx.txt", "budget: v2.xlsx", "budget: v2.xlsx", "xlsx"),  # also renamed
        ("deck.pptx.txt", None, "deck.pptx", "pptx"),  # schema 1: no original name recorded
        ("src.tar.gz.txt", "src.tar.gz", "src.tar.gz", "tar.gzip"),
        ("bundle.zip.txt", None, "bundle.zip", "zip"),
        ("man.txt", "man.txt.gz", "man.txt.gz", "gzip"),
        ("changelog", "changelog.xz", "changelog.xz", "xz"),
    ],
)
def test_a_row_of_an_older_catalog_is_judged_by_its_names(
    filename: str, original: str | None, name: str, kind: str
) -> None:
    record = _record(filename, original_name=original, source_size=5_000 if original else None)
    conversion = text_conversion(record)
    assert conversion is not None
    assert (conversion.name, conversion.kind, conversion.text_size) == (name, kind, 413)
    assert conversion.size == (5_000 if original else None)


def test_a_converted_row_of_a_schema_4_catalog_reads_as_its_original(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    for version, script in enumerate(MIGRATIONS[:4], start=1):
        db.executescript(script)
        db.execute(f"PRAGMA user_version = {version}")
    db.execute(
        "INSERT INTO files (file_id, filename, mime_type, size_bytes, uploaded_at, state, source_size, "
        "original_name) VALUES ('file_m', 'memo.docx.txt', 'text/plain', 413, 0, 'active', 31000, "
        "'memo.docx')"
    )
    db.commit()
    db.close()
    with Store.open(path) as store:
        (memo,) = store.list_files()
        assert memo.source_kind is None
        assert text_conversion(memo) == TextConversion("memo.docx", "docx", 31_000, 413, "memo.docx.txt")
        recorded = store.set_source_info(
            memo.id,
            source_sha256=None,
            source_size=31_000,
            source_mtime=None,
            kept_path=None,
            source_kind="docx",
        )
        assert recorded.source_kind == "docx" and store.get_file(memo.id) == recorded
