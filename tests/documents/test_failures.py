"""Every failure is a DocumentError of its own kind, with a message that says what happened and what to do;
mismatched names are handled by content, with a warning; nothing crashes."""

from __future__ import annotations

import io
import os
import socket
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers_pdf import make_pdf

from assistant.documents import (
    DocumentError,
    DocumentErrorKind,
    DocumentKind,
    PreparedDocument,
    is_acceptable_name,
    prepare,
    safe_upload_name,
)

from . import corpus


def refused(path: Path, cache_dir: Path, kind: DocumentErrorKind, **kwargs: int) -> str:
    with pytest.raises(DocumentError) as info:
        prepare(path, cache_dir=cache_dir, **kwargs)  # type: ignore[arg-type]
    assert info.value.kind is kind, info.value.message
    assert path.name in info.value.message
    return info.value.message


# ---------------------------------------------------------------- not files, empty, large, unreadable


def test_missing_file_and_broken_link(src: Path, cache_dir: Path) -> None:
    assert "not there any more" in refused(src / "gone.txt", cache_dir, DocumentErrorKind.NOT_FOUND)
    link = src / "dangling.txt"
    link.symlink_to(src / "nowhere")
    refused(link, cache_dir, DocumentErrorKind.NOT_FOUND)


def test_folder_is_not_a_file(src: Path, cache_dir: Path) -> None:
    folder = src / "photos"
    folder.mkdir()
    message = refused(folder, cache_dir, DocumentErrorKind.NOT_A_FILE)
    assert "a folder" in message and "Drop the folder" in message


def test_fifo_socket_and_device_are_not_files(src: Path, cache_dir: Path) -> None:
    fifo = src / "pipe"
    os.mkfifo(fifo)
    assert "named pipe" in refused(fifo, cache_dir, DocumentErrorKind.NOT_A_FILE)
    # Unix socket paths are limited to ~100 bytes; tmp_path may be longer.
    with tempfile.TemporaryDirectory(prefix="s") as short:
        sock_path = Path(short) / "sock"
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(str(sock_path))
            assert "a socket" in refused(sock_path, cache_dir, DocumentErrorKind.NOT_A_FILE)
    assert "a device" in refused(Path("/dev/null"), cache_dir, DocumentErrorKind.NOT_A_FILE)


def test_empty_file(src: Path, cache_dir: Path) -> None:
    path = src / "nothing.pdf"
    path.touch()
    assert "empty (0 bytes)" in refused(path, cache_dir, DocumentErrorKind.EMPTY)


def test_blank_text_and_textless_documents_are_empty(src: Path, cache_dir: Path) -> None:
    blank = src / "blank.txt"
    blank.write_text("  \n\n\t\n", encoding="utf-8")
    assert "no text" in refused(blank, cache_dir, DocumentErrorKind.EMPTY)
    import docx

    empty_docx = src / "empty.docx"
    docx.Document().save(str(empty_docx))
    assert "no text" in refused(empty_docx, cache_dir, DocumentErrorKind.EMPTY)


def test_over_the_per_file_limit(src: Path, cache_dir: Path) -> None:
    path = src / "big.txt"
    path.write_text("x" * 2048, encoding="utf-8")
    message = refused(path, cache_dir, DocumentErrorKind.TOO_LARGE, max_file_bytes=1024)
    assert "2.0 KB" in message and "1.0 KB" in message and "Split" in message
    assert prepare(path, cache_dir=cache_dir, max_file_bytes=4096).upload_size == 2048


def test_converted_text_over_the_limit(src: Path, cache_dir: Path) -> None:
    path = src / "wide.xlsx"
    corpus.big_xlsx(path, rows=2000)
    assert path.stat().st_size < 60_000
    refused(path, cache_dir, DocumentErrorKind.TOO_LARGE, max_file_bytes=60_000)
    assert [p for p in cache_dir.iterdir() if p.name.startswith(".")] == []  # partial output removed


def test_permission_denied_is_unreadable(src: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = src / "secret.txt"
    path.write_text("classified", encoding="utf-8")

    def denied(p: Path) -> object:
        raise PermissionError(13, "Permission denied", str(p))

    monkeypatch.setattr("assistant.documents.source._open", denied)
    assert "permission denied" in refused(path, cache_dir, DocumentErrorKind.UNREADABLE)


def _refused_without_privileges(path: Path, cache_dir: Path) -> tuple[str, str]:
    """prepare() in a forked child that has dropped root for `nobody`, where permissions apply.

    Root reads files whatever their mode, so as root (CI runs as root) the child gives up its
    privileges before it tries; as anyone else it just runs. Returns (kind, message)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        code = 0
        try:
            os.close(read_end)
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
            try:
                prepare(path, cache_dir=cache_dir)
                report = "prepared\n"
            except DocumentError as error:
                report = f"{error.kind.value}\n{error.message}"
            os.write(write_end, report.encode())
        except BaseException as error:
            os.write(write_end, f"crashed\n{error!r}".encode())
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        output = reader.read().decode()
    os.waitpid(pid, 0)
    kind, _, message = output.partition("\n")
    return kind, message


def test_permission_denied_for_real(cache_dir: Path) -> None:
    # A folder that `nobody` may pass through, holding a file nobody may read.
    folder = Path(tempfile.mkdtemp(prefix="da-unreadable-"))
    try:
        folder.chmod(0o711)
        path = folder / "secret.txt"
        path.write_text("classified", encoding="utf-8")
        path.chmod(0)
        kind, message = _refused_without_privileges(path, cache_dir)
        assert kind == DocumentErrorKind.UNREADABLE.value, message
        assert "secret.txt" in message and "permission" in message.lower()
    finally:
        for child in folder.iterdir():
            child.chmod(0o600)
            child.unlink()
        folder.rmdir()


# ---------------------------------------------------------------- PDFs


def test_corrupt_pdf(src: Path, cache_dir: Path) -> None:
    path = src / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    message = refused(path, cache_dir, DocumentErrorKind.CORRUPT_PDF)
    assert "damaged" in message and "save or export it again" in message


def test_truncated_pdf_never_crashes(src: Path, cache_dir: Path) -> None:
    data = make_pdf([["one"], ["two"], ["three"]])
    for cut in (20, len(data) // 3, len(data) // 2, len(data) - 30):
        path = src / f"cut{cut}.pdf"
        path.write_bytes(data[:cut])
        outcome = attempt(path, cache_dir)
        if isinstance(outcome, DocumentError):
            assert outcome.kind in (DocumentErrorKind.CORRUPT_PDF, DocumentErrorKind.EMPTY), outcome
        else:
            assert outcome.kind is DocumentKind.PDF and outcome.page_count


# ---------------------------------------------------------------- unsupported and mismatched


def test_unsupported_binary_lists_the_kinds_that_work(src: Path, cache_dir: Path) -> None:
    path = src / "program.bin"
    path.write_bytes(bytes(range(256)) * 16)
    message = refused(path, cache_dir, DocumentErrorKind.UNSUPPORTED)
    for kind in ("PDF", "Markdown", ".docx", ".xlsx", ".pptx", "PNG", ".zip", ".tgz"):
        assert kind in message


def test_text_with_binary_data_further_on_is_unsupported(src: Path, cache_dir: Path) -> None:
    path = src / "export.dat"
    path.write_bytes(b"header line\n" * 2000 + b"\x00\x01\x02binary")
    assert "binary data further on" in refused(path, cache_dir, DocumentErrorKind.UNSUPPORTED)
    utf16 = src / "wide.txt"
    utf16.write_text("wide text\n" * 2000, encoding="utf-16")
    assert prepare(utf16, cache_dir=cache_dir).kind is DocumentKind.TEXT


def test_old_office_and_opendocument_say_what_to_do(src: Path, cache_dir: Path) -> None:
    doc = src / "old.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert "save it as .docx" in refused(doc, cache_dir, DocumentErrorKind.UNSUPPORTED)
    odt = src / "letter.odt"
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<x/>")
    assert "OpenDocument" in refused(odt, cache_dir, DocumentErrorKind.UNSUPPORTED)


def test_pdf_named_file_that_is_text(src: Path, cache_dir: Path) -> None:
    path = src / "invoice.pdf"
    path.write_text("Invoice 42: total 100 EUR\n", encoding="utf-8")
    doc = prepare(path, cache_dir=cache_dir)
    assert (doc.kind, doc.mime_type) == (DocumentKind.TEXT, "text/plain")
    assert doc.upload_name == "invoice.pdf.txt" and doc.original_name == "invoice.pdf"
    assert any("named like a PDF but is really text" in w for w in doc.warnings)


def test_txt_named_file_that_is_a_png(src: Path, cache_dir: Path) -> None:
    path = src / "notes.txt"
    path.write_bytes(corpus.image_bytes("PNG"))
    doc = prepare(path, cache_dir=cache_dir)
    assert (doc.kind, doc.block, doc.mime_type) == (DocumentKind.IMAGE, "image", "image/png")
    assert doc.upload_name == "notes.txt.png"
    assert any("is really an image" in w for w in doc.warnings)


def test_docx_named_files_that_are_not_word_documents(src: Path, cache_dir: Path) -> None:
    garbage = src / "garbage.docx"
    garbage.write_bytes(bytes(range(256)) * 4)
    assert "named like a Word document" in refused(garbage, cache_dir, DocumentErrorKind.UNSUPPORTED)
    broken = src / "broken.docx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00\x01" * 200)
    assert "damaged or incomplete" in refused(broken, cache_dir, DocumentErrorKind.CORRUPT_DOCUMENT)
    plain_zip = src / "bundle.docx"
    plain_zip.write_bytes(corpus.zip_bytes({"readme.txt": b"just a zip\n"}))
    doc = prepare(plain_zip, cache_dir=cache_dir)
    assert doc.kind is DocumentKind.ARCHIVE and "just a zip" in doc.upload_path.read_text(encoding="utf-8")
    assert any("really an archive" in w for w in doc.warnings)
    text = src / "typed.docx"
    text.write_text("someone typed this\n", encoding="utf-8")
    assert prepare(text, cache_dir=cache_dir).kind is DocumentKind.TEXT


def test_office_file_with_broken_xml_is_corrupt(src: Path, cache_dir: Path) -> None:
    path = src / "bad.xlsx"
    path.write_bytes(
        corpus.zip_bytes(
            {"[Content_Types].xml": b"<Types", "xl/workbook.xml": b"<not xml", "_rels/.rels": b"<"}
        )
    )
    message = refused(path, cache_dir, DocumentErrorKind.CORRUPT_DOCUMENT)
    assert "looks like an Excel workbook" in message and "save it again" in message


# ---------------------------------------------------------------- names


def test_names_the_api_refuses_are_renamed_and_the_original_kept(src: Path, cache_dir: Path) -> None:
    name = 'plan: "v2" <final>? a|b*\\c\x01.md'
    path = src / name
    path.write_text("# Plan\n", encoding="utf-8")
    doc = prepare(path, cache_dir=cache_dir)
    assert doc.original_name == name
    assert doc.upload_name == "plan_ _v2_ _final__ a_b__c_.md"
    assert is_acceptable_name(doc.upload_name)
    assert any("not one the API accepts" in w and doc.upload_name in w for w in doc.warnings)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ok name.pdf", "ok name.pdf"),
        ("a/b.txt", "a_b.txt"),
        ("  spaced .txt ", "  spaced .txt "),  # accepted as it is
        (" a?b ", "a_b"),
        ("Cafe\u0301.md", "Cafe\u0301.md"),  # decomposed (macOS) names are kept, not normalised
        ("...", "document"),
        ("", "document"),
        ("???.pdf", "___.pdf"),
        ("?", "document"),
        ("x" * 300 + ".xlsx", "x" * 250 + ".xlsx"),
        ("é" * 300, "é" * 255),
    ],
)
def test_safe_upload_name(name: str, expected: str) -> None:
    assert safe_upload_name(name) == expected
    assert is_acceptable_name(expected)


# ---------------------------------------------------------------- nothing crashes


def attempt(path: Path, cache_dir: Path) -> PreparedDocument | DocumentError:
    try:
        return prepare(path, cache_dir=cache_dir)
    except DocumentError as exc:
        assert exc.message and path.name in exc.message
        return exc


MAKERS: dict[str, Callable[[], bytes]] = {
    "doc.docx": corpus.docx_bytes,
    "book.xlsx": corpus.xlsx_bytes,
    "deck.pptx": corpus.pptx_bytes,
    "pic.png": lambda: corpus.image_bytes("PNG"),
    "pic.jpg": lambda: corpus.image_bytes("JPEG"),
    "paper.pdf": lambda: make_pdf([["a", "b"], ["c"]]),
    "bundle.zip": lambda: corpus.zip_bytes({"a.txt": b"alpha\n" * 50, "d.docx": corpus.docx_bytes()}),
    "bundle.tar.gz": lambda: corpus.tar_bytes({"a.txt": b"alpha\n" * 50, "b.md": b"# b\n" * 50}),
}


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_truncated_and_scrambled_files_never_crash(src: Path, cache_dir: Path, name: str) -> None:
    data = MAKERS[name]()
    variants = {
        "half": data[: len(data) // 2],
        "head": data[:64],
        "flipped": bytes(b ^ 0x5A if 100 <= i < 400 else b for i, b in enumerate(data)),
        "tail-cut": data[:-22],
    }
    for label, content in variants.items():
        path = src / f"{label}-{name}"
        path.write_bytes(content)
        outcome = attempt(path, cache_dir)
        assert isinstance(outcome, PreparedDocument | DocumentError)
        if isinstance(outcome, PreparedDocument):
            assert outcome.upload_path.stat().st_size > 0


def test_images_the_api_does_not_take_say_which_it_does(src: Path, cache_dir: Path) -> None:
    from PIL import Image

    for fmt, name in (("TIFF", "scan.tiff"), ("BMP", "paint.bmp")):
        path = src / name
        Image.new("RGB", (4, 4)).save(path, format=fmt)
        message = refused(path, cache_dir, DocumentErrorKind.UNSUPPORTED)
        assert "JPEG, PNG, GIF and WebP" in message and "export it as PNG" in message
    heic = src / "photo.heic"
    heic.write_bytes(b"\x00\x00\x00\x18ftypheic" + bytes(64))
    refused(heic, cache_dir, DocumentErrorKind.UNSUPPORTED)
    text = src / "cars.txt"
    text.write_text("BMW and TIFF are words here\n", encoding="utf-8")
    assert prepare(text, cache_dir=cache_dir).kind is DocumentKind.TEXT


def test_full_disk_while_converting_is_write_failed(
    src: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    path = src / "report.docx"
    path.write_bytes(corpus.docx_bytes())

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("assistant.documents.conversion.os.replace", full)
    message = refused(path, cache_dir, DocumentErrorKind.WRITE_FAILED)
    assert "No space left on device" in message and "Free some disk space" in message
    assert list(cache_dir.iterdir()) == []


def test_unwritable_cache_folder_is_write_failed(src: Path, tmp_path: Path) -> None:
    path = src / "legacy.txt"
    path.write_bytes("café\n".encode("cp1252"))
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    refused(path, blocker / "cache", DocumentErrorKind.WRITE_FAILED)


def test_file_changing_while_read_is_reported(
    src: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = src / "growing.log"
    path.write_text("line 1\n", encoding="utf-8")
    from assistant.documents import service

    real = service.read_head_and_hash

    def and_append(p: Path, name: str, should_stop: object = None) -> tuple[bytes, str, bool]:
        result = real(p, name)
        with p.open("a", encoding="utf-8") as out:
            out.write("line 2\n")
        return result

    monkeypatch.setattr(service, "read_head_and_hash", and_append)
    assert "changed while it was being read" in refused(path, cache_dir, DocumentErrorKind.UNREADABLE)


def test_office_files_the_libraries_cannot_open_say_to_save_as(src: Path, cache_dir: Path) -> None:
    macro_types = (
        b'<Types><Override PartName="/word/document.xml" '
        b'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
    )
    path = src / "macros.docm"
    path.write_bytes(
        corpus.zip_bytes({"[Content_Types].xml": macro_types, "word/document.xml": b"<w:document/>"})
    )
    message = refused(path, cache_dir, DocumentErrorKind.UNSUPPORTED)
    assert "macro-enabled" in message and "save it as .docx" in message


@pytest.mark.parametrize("name", ["book.xlsx", "logs.zip", "legacy.txt", "big.log"])
def test_should_stop_cancels_and_leaves_nothing_behind(src: Path, cache_dir: Path, name: str) -> None:
    path = src / name
    if name == "book.xlsx":
        corpus.big_xlsx(path, rows=3000)
    elif name == "logs.zip":
        path.write_bytes(corpus.zip_bytes({f"part{i}.log": b"a log line\n" * 50_000 for i in range(3)}))
    elif name == "legacy.txt":
        path.write_bytes("caf\xe9 line\n".encode("cp1252") * 300_000)
    else:
        path.write_bytes(b"a log line\n" * 300_000)  # 3.3 MB: stopped while hashing
    polls = 0

    def stop_after_a_few() -> bool:
        nonlocal polls
        polls += 1
        return polls > 3

    with pytest.raises(DocumentError) as info:
        prepare(path, cache_dir=cache_dir, should_stop=stop_after_a_few)
    assert info.value.kind is DocumentErrorKind.CANCELLED and name in info.value.message
    leftovers = list(cache_dir.glob("*")) if cache_dir.exists() else []
    assert leftovers == []  # no converted text, no temporary file
    # Not stopping: the same file prepares.
    assert prepare(path, cache_dir=cache_dir, should_stop=lambda: False).source_size == path.stat().st_size


def test_office_file_that_is_a_zip_bomb_is_refused_before_parsing(src: Path, cache_dir: Path) -> None:
    import zipfile

    # A Word package whose document part is 8 MB of zeros, compressed to a few KB.
    real = zipfile.ZipFile(io.BytesIO(corpus.docx_bytes()))
    members = {item.filename: real.read(item) for item in real.infolist()}
    real.close()
    members["word/media/padding.bin"] = bytes(8 * 1024 * 1024)
    path = src / "bomb.docx"
    path.write_bytes(corpus.zip_bytes(members))
    message = refused(path, cache_dir, DocumentErrorKind.TOO_LARGE)
    assert "compressed more than a real document would be" in message
    # Within the limits it is read: the total held in memory is what counts.
    from assistant.documents import ArchiveLimits

    with pytest.raises(DocumentError) as info:
        prepare(
            path,
            cache_dir=cache_dir,
            archive_limits=ArchiveLimits(max_ratio=1e9, max_total_bytes=4 * 1024 * 1024),
        )
    assert info.value.kind is DocumentErrorKind.TOO_LARGE and "held in memory" in info.value.message
    doc = prepare(path, cache_dir=cache_dir, archive_limits=ArchiveLimits(max_ratio=1e9))
    assert "Quarterly Report" in doc.upload_path.read_text(encoding="utf-8")
