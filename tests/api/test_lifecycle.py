"""The life of a file against the sandbox over real HTTP: source info, renewal, stale copies, orphans,
gone attachments, split PDFs (the catalog migration that records them: tests/catalog/test_schema.py)."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers_pdf import make_pdf

from assistant.api.chat import ChatService, CitationEvent, Done, Failed
from assistant.api.errors import ApiFailure, FailureKind
from assistant.api.files import FileService, UploadProgress
from assistant.api.lifecycle import (
    SourceChanged,
    discard_kept_copy,
    refresh_stale,
    renew,
    replace_attachment,
    split_and_upload,
    stale_state,
    upload_document,
)
from assistant.catalog import FileOrigin, FileState, Store, TurnState
from assistant.catalog.identity import TextConversion, known_name, text_conversion
from assistant.catalog.rules import can_renew, expiring_soon, gone_files_for, orphans
from assistant.documents import SourceState, prepare
from assistant.settings import Paths
from tests.support import REPORT_TEXT

MODEL = "claude-sonnet-5-5"
DAY = 86_400


def _sandbox_now(sandbox: Any) -> datetime:
    return datetime.fromtimestamp(sandbox.clock.now(), UTC)


def _gone_remotely(client: Any, file_id: str) -> bool:
    import anthropic

    try:
        client.files.retrieve_metadata(file_id)
    except anthropic.NotFoundError:
        return True
    return False


def _ask(chat: ChatService, conversation_id: int, question: str) -> tuple[Done, list[CitationEvent]]:
    events = list(chat.ask(conversation_id, question))
    done = events[-1]
    assert isinstance(done, Done), events[-1]
    return done, [e for e in events if isinstance(e, CitationEvent)]


def _docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Orchard Handbook", level=1)
    document.add_paragraph("The orchard opens to visitors on the first Saturday of May.")
    document.add_paragraph("Pear trees are pruned in late February, before the buds swell.")
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


# ---------------------------------------------------------------- upload


def test_upload_document_records_source_kept_copy_and_what_the_user_was_told(
    files: FileService, store: Store, paths: Paths, tmp_path: Path
) -> None:
    src = tmp_path / "minutes: q3?.txt"  # a name the API refuses
    src.write_text(REPORT_TEXT, encoding="utf-8")
    doc = prepare(src, cache_dir=paths.converted)
    assert doc.renamed and doc.warnings
    seen: list[UploadProgress] = []
    result = upload_document(files, store, doc, progress=seen.append)
    rec = result.record
    assert not result.reused and seen[-1].sent == seen[-1].total == doc.upload_size
    assert rec.filename == doc.upload_name != src.name
    assert rec.original_name == src.name and rec.warnings == doc.warnings
    assert rec.local_path == str(src.absolute()) and rec.kept_path == str(src.absolute())
    assert (rec.source_sha256, rec.source_size, rec.source_mtime) == (
        doc.source_sha256,
        src.stat().st_size,
        src.stat().st_mtime,
    )
    assert store.get_file(rec.id) == rec
    assert stale_state(rec) is SourceState.UNCHANGED and can_renew(rec)

    # the same file again: reused, same row; a copy elsewhere: reused, the row keeps its own source
    again = upload_document(files, store, prepare(src, cache_dir=paths.converted))
    assert again.reused and again.record == rec
    copy = tmp_path / "copy.txt"
    copy.write_text(REPORT_TEXT, encoding="utf-8")
    other = upload_document(files, store, prepare(copy, cache_dir=paths.converted))
    assert other.reused and other.record.local_path == rec.local_path == str(src.absolute())
    assert len(files.list_remote()) == 1


def test_converted_document_keeps_the_converted_text_and_its_source_name(
    files: FileService, store: Store, paths: Paths, tmp_path: Path
) -> None:
    doc = prepare(_docx(tmp_path / "handbook.docx"), cache_dir=paths.converted)
    rec = upload_document(files, store, doc).record
    assert rec.kept_path == str(doc.upload_path.absolute()) and Path(rec.kept_path).parent == paths.converted
    assert rec.local_path == str((tmp_path / "handbook.docx").absolute())
    assert rec.filename == "handbook.docx.txt" and rec.original_name == "handbook.docx"
    assert rec.source_sha256 == doc.source_sha256 != rec.sha256  # source vs. what was uploaded
    # what the user knows it as: its own name, kind and size; the text is what was sent (issue 10, item 10)
    assert rec.source_kind == "docx" and known_name(rec) == "handbook.docx"
    assert text_conversion(rec) == TextConversion(
        "handbook.docx",
        "docx",
        (tmp_path / "handbook.docx").stat().st_size,
        rec.size_bytes,
        "handbook.docx.txt",
    )


# ---------------------------------------------------------------- renewal


def test_renewal_moves_a_new_file_id_into_the_row_and_the_conversation_keeps_working(  # noqa: PLR0917
    files: FileService, store: Store, chat: ChatService, client: Any, sandbox: Any, paths: Paths, report: Path
) -> None:
    rec = upload_document(files, store, prepare(report, cache_dir=paths.converted)).record
    conv = store.create_conversation("Lighthouse", MODEL, [rec.id]).id
    first, _ = _ask(chat, conv, "How much did the restoration cost?")

    sandbox.clock.advance(28 * DAY)  # two days left of the 30-day retention
    now = _sandbox_now(sandbox)
    assert [r.id for r in expiring_soon(store.list_files(), now)] == [rec.id]
    assert expiring_soon(store.list_files(), now, within=timedelta(days=1)) == []

    renewed = renew(files, store, rec.id)
    assert renewed.id == rec.id and renewed.file_id != rec.file_id and renewed.is_active
    assert renewed.expires_at is not None and rec.expires_at is not None
    assert abs(renewed.expires_at - (now + timedelta(days=30))) < timedelta(minutes=5)
    assert renewed.sha256 == rec.sha256 and renewed.kept_path == rec.kept_path
    assert renewed.source_sha256 == rec.source_sha256 and renewed.warnings == rec.warnings
    assert _gone_remotely(client, rec.file_id) and not _gone_remotely(client, renewed.file_id)
    assert [f.file_id for f in files.list_remote()] == [renewed.file_id]
    assert expiring_soon(store.list_files(), _sandbox_now(sandbox)) == []

    second, citations = _ask(chat, conv, "Who paid for the restoration?")
    assert second.turn.state is TurnState.COMPLETE and citations
    assert {c.citation.file_id for c in citations} == {renewed.file_id}
    turns = store.list_turns(conv)
    assert [t.id for t in turns] == [first.turn.id, second.turn.id]
    assert turns[0].answer == first.turn.answer and turns[0].citations == first.turn.citations
    assert store.get_conversation(conv).file_ids == (rec.id,)  # type: ignore[union-attr]


def test_renewal_of_a_converted_docx_after_its_source_is_deleted(  # noqa: PLR0917
    files: FileService,
    store: Store,
    chat: ChatService,
    client: Any,
    sandbox: Any,
    paths: Paths,
    tmp_path: Path,
) -> None:
    src = _docx(tmp_path / "handbook.docx")
    rec = upload_document(files, store, prepare(src, cache_dir=paths.converted)).record
    src.unlink()
    assert stale_state(rec) is SourceState.MISSING
    sandbox.clock.advance(28 * DAY)

    renewed = renew(files, store, rec.id)
    assert renewed.file_id != rec.file_id and renewed.sha256 == rec.sha256
    assert _gone_remotely(client, rec.file_id)
    conv = store.create_conversation("Orchard", MODEL, [rec.id]).id
    _, citations = _ask(chat, conv, "When does the orchard open to visitors?")
    assert any("first Saturday of May" in c.citation.cited_text for c in citations)

    # with neither the kept copy nor the source left, renewal says so and changes nothing
    assert renewed.kept_path is not None
    Path(renewed.kept_path).unlink()
    with pytest.raises(ApiFailure) as failure:
        renew(files, store, rec.id)
    assert failure.value.kind is FailureKind.LOCAL and not isinstance(failure.value, SourceChanged)
    assert "handbook.docx" in failure.value.message and "Add the file again" in failure.value.message
    assert store.get_file(rec.id).file_id == renewed.file_id  # type: ignore[union-attr]
    assert not _gone_remotely(client, renewed.file_id)


def test_renewal_converts_the_unchanged_source_again_when_the_kept_copy_is_gone(
    files: FileService, store: Store, client: Any, paths: Paths, tmp_path: Path
) -> None:
    src = _docx(tmp_path / "handbook.docx")
    rec = upload_document(files, store, prepare(src, cache_dir=paths.converted)).record
    assert rec.kept_path is not None
    for cached in paths.converted.iterdir():
        cached.unlink()
    renewed = renew(files, store, rec.id)
    assert renewed.file_id != rec.file_id and renewed.sha256 == rec.sha256
    assert renewed.kept_path is not None and Path(renewed.kept_path).is_file()
    assert _gone_remotely(client, rec.file_id)


def test_renewal_refuses_to_upload_a_changed_original_and_adopted_files(
    files: FileService, store: Store, client: Any, paths: Paths, tmp_path: Path
) -> None:
    src = tmp_path / "notes.txt"
    src.write_text("The ferry leaves at nine.\n", encoding="utf-8")
    rec = upload_document(files, store, prepare(src, cache_dir=paths.converted)).record
    src.write_text("The ferry leaves at ten, not nine.\n", encoding="utf-8")
    with pytest.raises(SourceChanged) as changed:
        renew(files, store, rec.id)
    assert changed.value.kind is FailureKind.LOCAL and "Re-upload it" in changed.value.message
    assert store.get_file(rec.id) == rec and not _gone_remotely(client, rec.file_id)

    with open(tmp_path / "notes.txt", "rb") as fh:
        client.files.upload(file=("foreign.txt", fh, "text/plain"))
    (adopted,) = files.reconcile().adopted
    assert not can_renew(adopted)
    with pytest.raises(ApiFailure, match="not uploaded by this app"):
        renew(files, store, adopted.id)


# ---------------------------------------------------------------- stale copies


def test_stale_detection_by_size_time_and_hash_then_refresh_swaps_the_row(  # noqa: PLR0917
    files: FileService, store: Store, chat: ChatService, client: Any, paths: Paths, tmp_path: Path
) -> None:
    src = tmp_path / "schedule.txt"
    src.write_text("The ferry leaves at nine o'clock.\n", encoding="utf-8")
    rec = upload_document(files, store, prepare(src, cache_dir=paths.converted)).record
    conv = store.create_conversation("Ferry", MODEL, [rec.id]).id
    assert stale_state(rec) is SourceState.UNCHANGED

    later = src.stat().st_mtime + 10
    os.utime(src, (later, later))  # touched: the time moved, the bytes did not
    assert stale_state(rec) is SourceState.UNCHANGED
    src.write_text("The ferry leaves at noon o'clock.\n", encoding="utf-8")  # same size, new bytes
    os.utime(src, (later + 10, later + 10))
    assert src.stat().st_size == rec.source_size and stale_state(rec) is SourceState.CHANGED
    src.write_text("The ferry leaves at half past eleven.\n", encoding="utf-8")  # new size
    assert stale_state(rec) is SourceState.CHANGED

    fresh = refresh_stale(files, store, rec.id, paths.converted)
    assert fresh.id == rec.id and fresh.file_id != rec.file_id and fresh.sha256 != rec.sha256
    assert fresh.source_size == src.stat().st_size and fresh.source_mtime == src.stat().st_mtime
    assert stale_state(fresh) is SourceState.UNCHANGED
    assert _gone_remotely(client, rec.file_id)
    assert refresh_stale(files, store, rec.id, paths.converted) == fresh  # unchanged: nothing to do
    _, citations = _ask(chat, conv, "When does the ferry leave?")
    assert any("half past eleven" in c.citation.cited_text for c in citations)
    assert {c.citation.file_id for c in citations} == {fresh.file_id}

    src.unlink()
    assert stale_state(store.get_file(rec.id)) is SourceState.MISSING  # type: ignore[arg-type]
    with pytest.raises(ApiFailure, match="no longer at"):
        refresh_stale(files, store, rec.id, paths.converted)


def test_refresh_of_a_converted_document_replaces_the_kept_copy(
    files: FileService, store: Store, paths: Paths, tmp_path: Path
) -> None:
    src = _docx(tmp_path / "handbook.docx")
    rec = upload_document(files, store, prepare(src, cache_dir=paths.converted)).record
    assert rec.kept_path is not None
    import docx

    document = docx.Document(str(src))
    document.add_paragraph("Cherry trees flower in April.")
    document.save(str(src))
    assert stale_state(rec) is SourceState.CHANGED
    fresh = refresh_stale(files, store, rec.id, paths.converted)
    assert fresh.kept_path is not None and fresh.kept_path != rec.kept_path
    assert "Cherry trees flower in April." in Path(fresh.kept_path).read_text(encoding="utf-8")
    assert not Path(rec.kept_path).exists()  # the old converted copy is not kept for nothing


def test_discarding_a_deleted_files_converted_copy_then_renewing_from_the_source(
    files: FileService, store: Store, client: Any, paths: Paths, tmp_path: Path
) -> None:
    text = tmp_path / "plain.txt"
    text.write_text("Plain text is kept as its source.\n", encoding="utf-8")
    plain = upload_document(files, store, prepare(text, cache_dir=paths.converted)).record
    assert not discard_kept_copy(store, plain.id) and text.is_file()  # the source is never removed

    src = _docx(tmp_path / "handbook.docx")
    rec = upload_document(files, store, prepare(src, cache_dir=paths.converted)).record
    assert rec.kept_path is not None
    assert files.delete(rec.id).ok
    assert discard_kept_copy(store, rec.id)
    assert not Path(rec.kept_path).exists() and sorted(paths.converted.iterdir()) == []
    back = renew(files, store, rec.id)  # a deleted row comes back from its unchanged source
    assert back.is_active and back.sha256 == rec.sha256 and Path(rec.kept_path).is_file()
    assert not _gone_remotely(client, back.file_id)


# ---------------------------------------------------------------- orphans and gone files


def test_orphans_are_files_uploaded_elsewhere_and_still_present(
    files: FileService, store: Store, client: Any, tmp_path: Path
) -> None:
    (tmp_path / "mine.txt").write_text("uploaded by this app", encoding="utf-8")
    mine = files.upload(tmp_path / "mine.txt").record
    with open(tmp_path / "mine.txt", "rb") as fh:  # same bytes, uploaded with the bare SDK
        foreign = client.files.upload(file=("theirs.txt", fh, "text/plain"))
    assert orphans(store) == []
    files.reconcile()
    (orphan,) = orphans(store)
    assert orphan.file_id == foreign.id and orphan.origin is FileOrigin.ADOPTED and orphan.id != mine.id
    assert files.delete(orphan.id).ok
    assert orphans(store) == [] and _gone_remotely(client, foreign.id)


def test_gone_files_after_expiry_and_attaching_another(  # noqa: PLR0917
    files: FileService,
    store: Store,
    chat: ChatService,
    client: Any,
    sandbox: Any,
    paths: Paths,
    report: Path,
    tmp_path: Path,
) -> None:
    short = FileService(client, store, retention_seconds=2 * DAY)
    old = upload_document(short, store, prepare(report, cache_dir=paths.converted)).record
    keep = tmp_path / "keepers.txt"
    keep.write_text("The last resident keeper, Marta Quint, left in 1987.\n", encoding="utf-8")
    kept = upload_document(files, store, prepare(keep, cache_dir=paths.converted)).record
    conv = store.create_conversation("Lighthouse", MODEL, [old.id, kept.id]).id
    other = store.create_conversation("Keepers", MODEL, [kept.id]).id
    assert gone_files_for(store, conv) == [] and gone_files_for(store, other) == []

    sandbox.clock.advance(3 * DAY)
    report_of = files.reconcile(now=_sandbox_now(sandbox))
    assert report_of.expired == (old.id,)
    (gone,) = gone_files_for(store, conv)
    assert gone.id == old.id and gone.state is FileState.EXPIRED
    assert gone_files_for(store, other) == []
    failed = list(chat.ask(conv, "How much did it cost?"))[-1]
    assert isinstance(failed, Failed) and failed.failure.kind is FailureKind.FILE_EXPIRED

    copy = tmp_path / "report-again.txt"
    copy.write_text(REPORT_TEXT + "\nSecond copy.\n", encoding="utf-8")
    new = upload_document(files, store, prepare(copy, cache_dir=paths.converted)).record
    with pytest.raises(ApiFailure):
        replace_attachment(store, conv, old.id, old.id)  # an expired file cannot be the replacement
    updated = replace_attachment(store, conv, old.id, new.id)
    assert updated.file_ids == (new.id, kept.id)  # in the place of the old one
    assert gone_files_for(store, conv) == [] and gone_files_for(store, other) == []
    _, citations = _ask(chat, conv, "How much did the restoration cost?")
    assert any("2.4 million" in c.citation.cited_text for c in citations)
    # attaching a file already there only drops the gone one
    store.attach_files(other, [new.id])
    assert replace_attachment(store, other, kept.id, new.id).file_ids == (new.id,)


def test_an_expired_file_is_renewed_from_its_kept_copy(  # noqa: PLR0917
    files: FileService, store: Store, chat: ChatService, sandbox: Any, paths: Paths, report: Path
) -> None:
    rec = upload_document(files, store, prepare(report, cache_dir=paths.converted)).record
    conv = store.create_conversation("Lighthouse", MODEL, [rec.id]).id
    sandbox.clock.advance(31 * DAY)
    files.reconcile(now=_sandbox_now(sandbox))
    assert [r.id for r in gone_files_for(store, conv)] == [rec.id]
    renewed = renew(files, store, rec.id)
    assert renewed.is_active and gone_files_for(store, conv) == []
    done, citations = _ask(chat, conv, "How much did the restoration cost?")
    assert done.turn.state is TurnState.COMPLETE and citations


# ---------------------------------------------------------------- split PDFs


def test_split_and_upload_a_pdf_over_the_page_limit(
    files: FileService, store: Store, chat: ChatService, paths: Paths, tmp_path: Path
) -> None:
    pages = [
        [f"Page {n} of the tide tables.", f"High water on day {n} is at {n + 5} o'clock."]
        for n in range(1, 6)
    ]
    pdf = tmp_path / "tides.pdf"
    pdf.write_bytes(make_pdf(pages))
    doc = prepare(pdf, cache_dir=paths.converted, max_pdf_pages=2)
    assert doc.needs_split is not None and doc.needs_split.parts == ((1, 2), (3, 4), (5, 5))
    seen: list[UploadProgress] = []
    results = split_and_upload(files, store, doc, paths.converted, progress=seen.append)
    names = [r.record.filename for r in results]
    assert names == ["tides (pages 1-2).pdf", "tides (pages 3-4).pdf", "tides (pages 5-5).pdf"]
    total = sum(Path(r.record.kept_path or "").stat().st_size for r in results)
    assert [p.sent for p in seen] == sorted(p.sent for p in seen) and seen[-1] == UploadProgress(total, total)
    for r in results:
        rec = r.record
        assert not r.reused and rec.mime_type == "application/pdf" and rec.original_name == "tides.pdf"
        assert rec.source_sha256 == doc.source_sha256 and rec.local_path == str(pdf.absolute())
        assert rec.kept_path is not None and Path(rec.kept_path).is_file()
        assert Path(rec.kept_path).parent.parent == paths.converted
        assert stale_state(rec) is SourceState.UNCHANGED
    assert len(files.list_remote()) == 3

    conv = store.create_conversation("Tides", MODEL, [results[1].record.id]).id
    _, citations = _ask(chat, conv, "When is high water on day 4?")
    assert citations and all(c.citation.kind == "page" for c in citations)
    assert any("day 4" in c.citation.cited_text for c in citations)

    # again: every part is reused, nothing is sent twice
    again = split_and_upload(files, store, doc, paths.converted)
    assert [r.record.id for r in again] == [r.record.id for r in results] and all(r.reused for r in again)

    # a part renews from its kept part, and from the unchanged source once the part is gone
    part = results[2].record
    assert part.kept_path is not None
    Path(part.kept_path).unlink()
    renewed = renew(files, store, part.id)
    assert renewed.file_id != part.file_id and renewed.sha256 == part.sha256
    assert Path(part.kept_path).is_file()
    # a changed source cannot be refreshed part by part
    pdf.write_bytes(make_pdf([*pages, ["Page 6."]]))
    with pytest.raises(ApiFailure, match="uploaded in parts"):
        refresh_stale(files, store, part.id, paths.converted)
