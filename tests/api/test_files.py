"""Files service against the sandbox over real HTTP: upload, progress, cancel, dedupe, pages, reconcile."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from assistant.api.errors import ApiFailure, Cancelled, CancelToken, FailureKind
from assistant.api.files import FileService, UploadProgress, guess_mime_type
from assistant.catalog import FileOrigin, FileState, Store
from tests.support import sandbox_now


def _write(path: Path, size: int, seed: int = 0) -> Path:
    path.write_bytes(bytes((i * 31 + seed) % 251 for i in range(size)))
    return path


def _text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_upload_streams_with_progress_and_sets_expiry(
    files: FileService, store: Store, sandbox: Any, tmp_path: Path
) -> None:
    src = _write(tmp_path / "data.txt", 3 * 1024 * 1024 + 123)
    seen: list[UploadProgress] = []
    result = files.upload(src, mime_type="text/plain", progress=seen.append)
    assert not result.reused
    rec = result.record
    assert rec.file_id.startswith("file_") and rec.filename == "data.txt"
    assert rec.size_bytes == src.stat().st_size and rec.origin is FileOrigin.APP
    assert rec.local_path == str(src.resolve()) and rec.sha256
    assert rec.expires_at is not None
    assert abs(rec.expires_at - (sandbox_now(sandbox) + timedelta(days=30))) < timedelta(minutes=5)
    # progress: increasing, several steps, ends at the total
    sent = [p.sent for p in seen]
    assert sent == sorted(sent) and len(sent) >= 3
    assert seen[-1] == UploadProgress(src.stat().st_size, src.stat().st_size)
    assert store.get_file(rec.id) == rec
    remote = {f.file_id: f for f in files.iter_remote()}
    assert remote[rec.file_id].expires_at == rec.expires_at


def test_retention_never_means_no_expiry(client: Any, store: Store, tmp_path: Path) -> None:
    service = FileService(client, store, retention_seconds=lambda: None)
    rec = service.upload(_text(tmp_path / "n.txt", "never expires")).record
    assert rec.expires_at is None and rec.expires_in() is None


def test_cancel_mid_upload_sends_nothing_and_keeps_no_row(
    files: FileService, store: Store, sandbox: Any, tmp_path: Path
) -> None:
    src = _write(tmp_path / "big.txt", 8 * 1024 * 1024)
    token = CancelToken()
    seen: list[UploadProgress] = []

    def progress(p: UploadProgress) -> None:
        seen.append(p)
        token.cancel()  # cancel after the first MiB went out

    with pytest.raises(Cancelled):
        files.upload(src, progress=progress, cancel=token)
    assert 0 < seen[-1].sent < src.stat().st_size
    assert store.list_files() == []
    assert files.list_remote() == []


def test_same_content_is_not_uploaded_again(files: FileService, tmp_path: Path) -> None:
    a = _text(tmp_path / "a.txt", "identical content\n" * 100)
    b = _text(tmp_path / "copy-of-a.txt", "identical content\n" * 100)
    first = files.upload(a)
    second = files.upload(b)
    assert second.reused and second.record.id == first.record.id
    assert len(files.list_remote()) == 1


def test_expired_duplicate_is_uploaded_afresh(files: FileService, store: Store, tmp_path: Path) -> None:
    a = _text(tmp_path / "a.txt", "some text")
    first = files.upload(a)
    store.set_file_state(first.record.id, FileState.EXPIRED)
    second = files.upload(a)
    assert not second.reused and second.record.file_id != first.record.file_id


def test_list_walks_every_page(files: FileService, client: Any, tmp_path: Path) -> None:
    ids = {files.upload(_text(tmp_path / f"f{i}.txt", f"file number {i}")).record.file_id for i in range(5)}
    first_page = client.files.list(limit=2)
    assert len(first_page.data) == 2 and first_page.next_page  # really more than one page
    listed = files.list_remote(page_size=2)
    assert {f.file_id for f in listed} == ids and len(listed) == 5


def test_reconcile_adopts_marks_missing_and_expired(
    files: FileService, store: Store, client: Any, sandbox: Any, tmp_path: Path
) -> None:
    short = FileService(client, store, retention_seconds=3600)
    soon = short.upload(_text(tmp_path / "soon.txt", "expires in an hour")).record
    gone = files.upload(_text(tmp_path / "gone.txt", "deleted elsewhere")).record
    kept = files.upload(_text(tmp_path / "kept.txt", "stays")).record
    with open(_text(tmp_path / "other.txt", "uploaded by another tool"), "rb") as fh:
        foreign = client.files.upload(file=("other.txt", fh, "text/plain"))
    client.files.delete(gone.file_id)
    sandbox.clock.advance(2 * 3600)

    report = files.reconcile(now=sandbox_now(sandbox))
    assert report.expired == (soon.id,)
    assert report.missing == (gone.id,)
    assert [r.file_id for r in report.adopted] == [foreign.id]
    assert report.adopted[0].origin is FileOrigin.ADOPTED and report.adopted[0].state is FileState.ACTIVE
    assert report.remote_count == 3
    states = {r.file_id: r.state for r in store.list_files()}
    assert states == {
        soon.file_id: FileState.EXPIRED,
        gone.file_id: FileState.MISSING,
        kept.file_id: FileState.ACTIVE,
        foreign.id: FileState.ACTIVE,
    }
    # a second reconcile changes nothing
    again = files.reconcile(now=sandbox_now(sandbox))
    assert (again.adopted, again.missing, again.expired, again.reactivated) == ((), (), (), ())


def test_delete_and_404_means_already_deleted(
    files: FileService, store: Store, client: Any, tmp_path: Path
) -> None:
    a = files.upload(_text(tmp_path / "a.txt", "to delete")).record
    b = files.upload(_text(tmp_path / "b.txt", "deleted elsewhere first")).record
    client.files.delete(b.file_id)
    outcome = files.delete(a.id)
    assert outcome.ok and not outcome.already_gone
    outcomes = list(files.delete_many([b.id]))
    assert outcomes[0].ok and outcomes[0].already_gone
    assert {r.state for r in store.list_files()} == {FileState.DELETED}
    assert files.list_remote() == []


def test_replace_keeps_row_and_conversations(files: FileService, store: Store, tmp_path: Path) -> None:
    src = _text(tmp_path / "r.txt", "version one")
    rec = files.upload(src).record
    conv = store.create_conversation("c", "claude-sonnet-5-5", [rec.id])
    src.write_text("version two")
    renewed = files.replace(rec.id, src)
    assert renewed.id == rec.id and renewed.file_id != rec.file_id
    assert store.get_conversation(conv.id).file_ids == (rec.id,)  # type: ignore[union-attr]
    assert [f.file_id for f in files.list_remote()] == [renewed.file_id]


def test_file_over_500_mb_refused_before_sending(files: FileService, sandbox: Any, tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as fh:
        fh.truncate(500 * 1024 * 1024 + 1)  # sparse: no disk used
    with pytest.raises(ApiFailure) as info:
        files.upload(huge)
    assert info.value.kind is FailureKind.FILE_TOO_LARGE and info.value.request_id is None
    assert "500 MB" in info.value.message
    assert sandbox.faults.hits == [] and files.list_remote() == []


def test_guess_mime_type() -> None:
    assert guess_mime_type("a.PDF") == "application/pdf"
    assert guess_mime_type("notes.md") == "text/plain"
    assert guess_mime_type("p.webp") == "image/webp"


def test_same_content_uploaded_concurrently_is_sent_once(
    files: FileService, sandbox: Any, tmp_path: Path
) -> None:
    import threading

    a = _text(tmp_path / "a.txt", "the same bytes\n" * 1000)
    b = _text(tmp_path / "b.txt", "the same bytes\n" * 1000)
    sandbox.faults.set("upload:slow=0.5x1")  # the first upload takes a while
    results: dict[str, Any] = {}

    def run(name: str, path: Path) -> None:
        results[name] = files.upload(path)

    threads = [threading.Thread(target=run, args=(n, p)) for n, p in (("a", a), ("b", b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.reused for r in results.values()) == [False, True]
    assert results["a"].record.id == results["b"].record.id
    assert len(files.list_remote()) == 1
