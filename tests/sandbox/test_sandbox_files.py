"""Files API contract: the official SDK against the sandbox over real HTTP."""

from __future__ import annotations

import pathlib
from datetime import UTC, datetime

import anthropic
import pytest
from anthropic.types import FileExpiredError, FileNotDownloadableError, StorageQuotaExceededError
from helpers_pdf import make_pdf

from assistant.sandbox.server import SandboxServer

from .helpers import MODEL, ask, text_doc


def test_upload_returns_file_metadata(client: anthropic.Anthropic) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    f = client.files.upload(file=("notes.txt", b"alpha beta gamma\n", "text/plain"))
    assert f.id.startswith("file_")
    assert f.type == "file"
    assert f.filename == "notes.txt"
    assert f.mime_type == "text/plain"
    assert f.size_bytes == len(b"alpha beta gamma\n")
    assert f.downloadable is False
    assert f.expires_at is None
    assert f.created_at >= before


def test_upload_with_expiry_sets_expires_at(client: anthropic.Anthropic) -> None:
    f = client.files.upload(file=("a.txt", b"x", "text/plain"), expires_in_seconds=3600)
    assert f.expires_at is not None
    assert (f.expires_at - f.created_at).total_seconds() == pytest.approx(3600, abs=0.01)


@pytest.mark.parametrize("seconds", [3599, 7_776_001, 0])
def test_upload_rejects_expiry_out_of_range(client: anthropic.Anthropic, seconds: int) -> None:
    with pytest.raises(anthropic.BadRequestError) as info:
        client.files.upload(file=("a.txt", b"x", "text/plain"), expires_in_seconds=seconds)
    assert info.value.request_id and info.value.request_id.startswith("req_")
    assert "expires_in_seconds" in str(info.value.api_message)
    assert list(client.files.list()) == []


def test_upload_expiry_bounds_are_inclusive(client: anthropic.Anthropic) -> None:
    low = client.files.upload(file=("a.txt", b"x", "text/plain"), expires_in_seconds=3600)
    high = client.files.upload(file=("b.txt", b"x", "text/plain"), expires_in_seconds=7_776_000)
    assert low.expires_at is not None and high.expires_at is not None


def test_mime_types_from_content_and_name(client: anthropic.Anthropic) -> None:
    pdf = client.files.upload(file=("report.pdf", make_pdf([["Hello"]]), "application/octet-stream"))
    png = client.files.upload(file=("pic.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32))
    md = client.files.upload(file=("readme.md", b"# Title\n", "text/plain"))
    assert (pdf.mime_type, png.mime_type, md.mime_type) == ("application/pdf", "image/png", "text/plain")


def test_only_the_basename_is_kept(client: anthropic.Anthropic) -> None:
    f = client.files.upload(file=("some/dir/deep.txt", b"x", "text/plain"))
    assert f.filename == "deep.txt"


@pytest.mark.parametrize("name", ["a<b.txt", "what?.txt", "pipe|name.txt", "x" * 256, "a\\b.txt"])
def test_invalid_filenames_are_refused(client: anthropic.Anthropic, name: str) -> None:
    with pytest.raises(anthropic.BadRequestError) as info:
        client.files.upload(file=(name, b"x", "text/plain"))
    assert "filename" in str(info.value.api_message).lower()


def test_empty_filename_becomes_unnamed(client: anthropic.Anthropic) -> None:
    f = client.files.upload(file=("", b"plain words", "text/plain"))
    assert f.filename == "unnamed.txt"


def test_retrieve_and_delete(client: anthropic.Anthropic) -> None:
    f = client.files.upload(file=("a.txt", b"abc", "text/plain"))
    assert client.files.retrieve_metadata(f.id) == f
    deleted = client.files.delete(f.id)
    assert (deleted.id, deleted.type) == (f.id, "file_deleted")
    with pytest.raises(anthropic.NotFoundError) as info:
        client.files.retrieve_metadata(f.id)
    assert info.value.request_id
    assert info.value.type == "not_found_error"
    with pytest.raises(anthropic.NotFoundError):
        client.files.delete(f.id)


def test_download_of_uploaded_file_is_refused(client: anthropic.Anthropic) -> None:
    f = client.files.upload(file=("a.txt", b"abc", "text/plain"))
    with pytest.raises(FileNotDownloadableError) as info:
        client.files.download(f.id)
    assert info.value.status_code == 400
    assert info.value.error_code == "file_not_downloadable"
    with pytest.raises(anthropic.NotFoundError):
        client.files.download("file_doesnotexist")


def test_list_is_newest_first_and_pages_across(client: anthropic.Anthropic) -> None:
    ids = [client.files.upload(file=(f"f{i}.txt", b"x", "text/plain")).id for i in range(7)]
    first = client.files.list(limit=3)
    assert [f.id for f in first.data] == ids[::-1][:3]
    assert first.next_page and first.next_page.startswith("page_")
    # the SDK follows next_page on its own
    assert [f.id for f in client.files.list(limit=3)] == ids[::-1]
    pages = list(client.files.list(limit=3).iter_pages())
    assert [len(p.data) for p in pages] == [3, 3, 1]
    assert pages[-1].next_page is None


def test_list_by_ids(client: anthropic.Anthropic) -> None:
    ids = [client.files.upload(file=(f"f{i}.txt", b"x", "text/plain")).id for i in range(4)]
    page = client.files.list(ids=[ids[0], ids[2], "file_unknown"])
    assert {f.id for f in page.data} == {ids[0], ids[2]}
    assert page.next_page is None
    with pytest.raises(anthropic.BadRequestError):
        client.files.list(ids=[ids[0]], limit=2)


@pytest.mark.parametrize("limit", [0, 1001])
def test_list_limit_is_validated(client: anthropic.Anthropic, limit: int) -> None:
    with pytest.raises(anthropic.BadRequestError):
        client.files.list(limit=limit)


def test_list_refuses_bad_cursor_and_beta_params(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.BadRequestError):
        client.files.list(page="page_garbage!")
    with pytest.raises(anthropic.BadRequestError):
        client.files.list(extra_query={"after_id": "file_x"})


def test_upload_over_the_size_limit_is_413(server: SandboxServer, client: anthropic.Anthropic) -> None:
    server.max_file_size = 1000
    with pytest.raises(anthropic.ContentTooLargeError) as info:
        client.files.upload(file=("big.txt", b"x" * 1001, "text/plain"))
    assert info.value.status_code == 413
    assert info.value.type == "request_too_large"
    assert info.value.request_id
    assert client.files.upload(file=("ok.txt", b"x" * 1000, "text/plain")).size_bytes == 1000
    assert len(list(client.files.list())) == 1
    assert list((server.data_dir / "tmp").iterdir()) == []


def test_storage_quota(server: SandboxServer, client: anthropic.Anthropic) -> None:
    server.storage_quota = 2500
    a = client.files.upload(file=("a.txt", b"x" * 1000, "text/plain"))
    client.files.upload(file=("b.txt", b"x" * 1000, "text/plain"))
    with pytest.raises(StorageQuotaExceededError) as info:
        client.files.upload(file=("c.txt", b"x" * 1000, "text/plain"))
    assert info.value.status_code == 400
    assert info.value.error_code == "storage_quota_exceeded"
    assert info.value.request_id
    client.files.delete(a.id)
    assert client.files.upload(file=("c.txt", b"x" * 1000, "text/plain")).size_bytes == 1000


def test_upload_streams_to_disk_in_pieces(
    server: SandboxServer, client: anthropic.Anthropic, tmp_path: pathlib.Path
) -> None:
    """A multi-megabyte upload from a file arrives byte for byte (boundaries across read chunks)."""
    payload = bytes(range(256)) * (5 * 4096 + 17)  # ~5 MB, every byte value, CRLFs included
    src = tmp_path / "blob.bin"
    src.write_bytes(payload)
    f = client.files.upload(file=src)
    assert f.size_bytes == len(payload)
    assert f.filename == "blob.bin"
    assert (server.data_dir / "files" / f"{f.id}.bin").read_bytes() == payload


def test_files_persist_across_restart(tmp_path: pathlib.Path) -> None:
    data = tmp_path / "data"
    with (
        SandboxServer(data_dir=data, api_key="k") as first,
        anthropic.Anthropic(api_key="k", base_url=first.base_url, max_retries=0) as c,
    ):
        kept = c.files.upload(
            file=("kept.txt", b"The harbour opens at dawn.", "text/plain"), expires_in_seconds=86400
        )
        gone = c.files.upload(file=("gone.txt", b"x", "text/plain"))
        c.files.delete(gone.id)
    with (
        SandboxServer(data_dir=data, api_key="k") as second,
        anthropic.Anthropic(api_key="k", base_url=second.base_url, max_retries=0) as c,
    ):
        assert [f.id for f in c.files.list()] == [kept.id]
        assert c.files.retrieve_metadata(kept.id) == kept
        newer = c.files.upload(file=("newer.txt", b"y", "text/plain"))
        assert [f.id for f in c.files.list()] == [newer.id, kept.id]
        m = c.messages.create(
            model=MODEL,
            max_tokens=200,
            messages=ask(text_doc(kept.id), question="When does the harbour open?"),
        )
        assert "dawn" in "".join(b.text for b in m.content if b.type == "text")


def test_expired_file_stays_listed_and_fails_messages(
    server: SandboxServer, client: anthropic.Anthropic
) -> None:
    f = client.files.upload(
        file=("a.txt", b"The vault code is written on the wall.", "text/plain"), expires_in_seconds=3600
    )
    ok = client.messages.create(model=MODEL, max_tokens=100, messages=ask(text_doc(f.id), question="vault?"))
    assert ok.content
    server.clock.advance(3601)
    assert [x.id for x in client.files.list()] == [f.id]
    assert client.files.retrieve_metadata(f.id).expires_at == f.expires_at
    with pytest.raises(FileExpiredError) as info:
        client.messages.create(model=MODEL, max_tokens=100, messages=ask(text_doc(f.id), question="vault?"))
    assert info.value.status_code == 404
    assert info.value.error_code == "file_expired"
    assert info.value.request_id
    with pytest.raises(FileExpiredError):
        client.messages.count_tokens(model=MODEL, messages=ask(text_doc(f.id), question="vault?"))
    with pytest.raises(FileExpiredError):
        client.files.download(f.id)


def test_clock_set_controls_expiry(server: SandboxServer, client: anthropic.Anthropic) -> None:
    f = client.files.upload(file=("a.txt", b"words", "text/plain"), expires_in_seconds=7200)
    assert f.expires_at is not None
    server.clock.set(f.expires_at.timestamp() - 1)
    client.messages.create(model=MODEL, max_tokens=50, messages=ask(text_doc(f.id), question="words"))
    server.clock.set(f.expires_at.timestamp() + 1)
    with pytest.raises(FileExpiredError):
        client.messages.create(model=MODEL, max_tokens=50, messages=ask(text_doc(f.id), question="words"))


def test_upload_without_file_part_is_400(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.BadRequestError):
        client.post(
            "/v1/files",
            cast_to=object,
            body={"expires_in_seconds": 3600},
            files=[("other", ("x.txt", b"x", "text/plain"))],
            options={"headers": {"Content-Type": "multipart/form-data"}},
        )


def test_plainly_oversized_upload_is_refused_without_storing(
    server: SandboxServer, client: anthropic.Anthropic
) -> None:
    server.max_file_size = 1000
    with pytest.raises(anthropic.ContentTooLargeError):
        client.files.upload(file=("big.bin", b"z" * 3_000_000, "application/octet-stream"))
    assert list(client.files.list()) == []  # and the connection still serves
    assert list((server.data_dir / "tmp").iterdir()) == []


def test_plainly_over_quota_upload_is_refused_without_storing(
    server: SandboxServer, client: anthropic.Anthropic
) -> None:
    server.storage_quota = 1000
    with pytest.raises(StorageQuotaExceededError):
        client.files.upload(file=("big.bin", b"z" * 3_000_000, "application/octet-stream"))
    assert list((server.data_dir / "tmp").iterdir()) == []
    assert client.files.upload(file=("small.txt", b"z" * 1000, "text/plain")).size_bytes == 1000


def test_orphaned_bytes_are_cleaned_at_start(tmp_path: pathlib.Path) -> None:
    data = tmp_path / "data"
    with (
        SandboxServer(data_dir=data, api_key="k") as first,
        anthropic.Anthropic(api_key="k", base_url=first.base_url, max_retries=0) as c,
    ):
        kept = c.files.upload(file=("kept.txt", b"kept", "text/plain"))
    orphan = data / "files" / "file_orphan.bin"
    orphan.write_bytes(b"left by a crash")
    with (
        SandboxServer(data_dir=data, api_key="k") as second,
        anthropic.Anthropic(api_key="k", base_url=second.base_url, max_retries=0) as c,
    ):
        assert [f.id for f in c.files.list()] == [kept.id]
    assert not orphan.exists()
    assert (data / "files" / f"{kept.id}.bin").read_bytes() == b"kept"
