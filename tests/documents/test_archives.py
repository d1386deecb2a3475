"""ZIP and tar archives: members as headings, supported members converted, others listed; bombs and
unsafe paths refused or skipped, never extracted."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import pytest
from helpers_pdf import make_pdf

from assistant.documents import ArchiveLimits, DocumentError, DocumentErrorKind, DocumentKind, prepare

from . import corpus

MIB = 1024 * 1024


def members() -> dict[str, bytes]:
    return {
        "docs/report.docx": corpus.docx_bytes(),
        "docs/book.xlsx": corpus.xlsx_bytes(),
        "slides/deck.pptx": corpus.pptx_bytes(),
        "notes.md": "# Notes heading\n\nCafé notes\n".encode(),
        "legacy.txt": "Grüße aus Köln\n".encode("cp1252"),
        "paper.pdf": make_pdf([["PDF page one text"], ["PDF page two text"]]),
        "photo.png": corpus.image_bytes("PNG"),
        "tool.bin": bytes(range(256)) * 4,
        "empty.txt": b"",
    }


def refused(path: Path, cache_dir: Path, kind: DocumentErrorKind, limits: ArchiveLimits | None = None) -> str:
    with pytest.raises(DocumentError) as info:
        prepare(path, cache_dir=cache_dir, archive_limits=limits)
    assert info.value.kind is kind, info.value.message
    assert path.name in info.value.message
    return info.value.message


@pytest.mark.parametrize("name", ["bundle.zip", "bundle.tar", "bundle.tar.gz", "bundle.tgz", "bundle.tar.xz"])
def test_archive_members_become_headed_text(src: Path, cache_dir: Path, name: str) -> None:
    path = src / name
    if name.endswith(".zip"):
        path.write_bytes(corpus.zip_bytes(members()))
    else:
        mode = {"bundle.tar": "w", "bundle.tar.xz": "w:xz"}.get(name, "w:gz")
        path.write_bytes(corpus.tar_bytes(members(), mode=mode))
    doc = prepare(path, cache_dir=cache_dir)
    assert (doc.kind, doc.mime_type, doc.block) == (DocumentKind.ARCHIVE, "text/plain", "document")
    assert doc.upload_name == name + ".txt"
    text = doc.upload_path.read_text(encoding="utf-8")
    assert text.startswith(f"# Archive: {name}\n\n")
    # Each member's path is a heading; member structure is nested below it.
    assert "\n## docs/report.docx\n\n### Quarterly Report\n" in text
    assert "#### Regional results" in text and "| North | 1200 | up \\| strongly |" in text
    assert "\n## docs/book.xlsx\n\n#### Sales (A1:C6)\n" in text and "| 2 | Alice | 42 | 2024-01-31 |" in text
    assert "\n## slides/deck.pptx\n\n#### Slide 1: Introduction\n" in text
    assert "##### Notes\n\nRemember to thank the hosts" in text
    assert "\n## notes.md\n\n# Notes heading\n\nCafé notes\n" in text
    assert "\n## legacy.txt\n\nGrüße aus Köln\n" in text
    assert "\n## paper.pdf\n\n### Page 1\n\nPDF page one text\n\n### Page 2\n\nPDF page two text\n" in text
    assert "\n## photo.png\n\n(skipped: an image" in text
    assert "\n## tool.bin\n\n(skipped: not a supported kind" in text
    assert "\n## empty.txt\n\n(skipped: empty)" in text
    skipped = [w for w in doc.warnings if "listed but not read" in w]
    assert len(skipped) == 1 and "photo.png" in skipped[0] and "tool.bin" in skipped[0]
    assert not any("unsafe" in w for w in doc.warnings)


def test_nested_archives_within_the_depth_limit(src: Path, cache_dir: Path) -> None:
    inner = corpus.tar_bytes({"deep/inner.txt": b"innermost words\n"})
    middle = corpus.zip_bytes({"inner.tgz": inner, "mid.txt": b"middle words\n"})
    path = src / "outer.zip"
    path.write_bytes(corpus.zip_bytes({"middle.zip": middle, "top.txt": b"top words\n"}))
    text = prepare(path, cache_dir=cache_dir).upload_path.read_text(encoding="utf-8")
    assert (
        "\n## middle.zip\n\n### middle.zip/inner.tgz\n\n#### middle.zip/inner.tgz/deep/inner.txt\n\n" in text
    )
    assert "innermost words" in text
    assert "\n### middle.zip/mid.txt\n\nmiddle words\n" in text
    assert "\n## top.txt\n\ntop words\n" in text
    message = refused(path, cache_dir / "2", DocumentErrorKind.ARCHIVE_TOO_DEEP, ArchiveLimits(max_depth=2))
    assert "nested more than 2 deep" in message and "middle.zip/inner.tgz" in message


def test_zip_bomb_of_zeros_is_refused_by_ratio(src: Path, cache_dir: Path) -> None:
    path = src / "zeros.zip"
    path.write_bytes(corpus.zip_bytes({"zeros.txt": bytes(8 * MIB)}))
    assert path.stat().st_size < 100_000
    message = refused(path, cache_dir, DocumentErrorKind.ARCHIVE_COMPRESSION_RATIO)
    assert "archive bomb" in message and "unpack it yourself" in message


@pytest.mark.parametrize("name", ["zeros.zip", "zeros.tar.gz"])
def test_bomb_of_zeros_over_the_total_limit(src: Path, cache_dir: Path, name: str) -> None:
    data = {"a.bin": bytes(3 * MIB), "b.bin": bytes(3 * MIB)}
    path = src / name
    path.write_bytes(corpus.zip_bytes(data) if name.endswith(".zip") else corpus.tar_bytes(data))
    limits = ArchiveLimits(max_total_bytes=4 * MIB, max_ratio=1e9)  # only the total can stop it
    assert "unpacks to more than 4.0 MB" in refused(
        path, cache_dir, DocumentErrorKind.ARCHIVE_TOO_LARGE, limits
    )


def test_tar_gz_bomb_of_zeros_is_refused_by_ratio_while_streaming(src: Path, cache_dir: Path) -> None:
    path = src / "zeros.tar.gz"
    path.write_bytes(corpus.tar_bytes({"zeros.log": bytes(8 * MIB)}))
    refused(path, cache_dir, DocumentErrorKind.ARCHIVE_COMPRESSION_RATIO)


@pytest.mark.parametrize("name", ["many.zip", "many.tar.gz"])
def test_archive_over_the_total_size(src: Path, cache_dir: Path, name: str) -> None:
    data = {f"part{i}.txt": (f"line {i}\n" * 40_000).encode() for i in range(4)}  # ~1.3 MB in all
    path = src / name
    path.write_bytes(corpus.zip_bytes(data) if name.endswith(".zip") else corpus.tar_bytes(data))
    limits = ArchiveLimits(max_total_bytes=1 * MIB, max_ratio=1000)
    message = refused(path, cache_dir, DocumentErrorKind.ARCHIVE_TOO_LARGE, limits)
    assert "unpacks to more than 1.0 MB" in message
    assert (
        prepare(path, cache_dir=cache_dir, archive_limits=ArchiveLimits(max_ratio=1000)).kind
        is DocumentKind.ARCHIVE
    )


def test_huge_member_in_a_tar_is_refused_before_it_is_read(src: Path, cache_dir: Path) -> None:
    # A tar header that claims a 10 GB member, followed by nothing: only the header is read.
    info = tarfile.TarInfo("huge.bin")
    info.size = 10 * 1024**3
    header = info.tobuf(format=tarfile.GNU_FORMAT)
    path = src / "claims.tar"
    path.write_bytes(header + bytes(1024))
    refused(path, cache_dir, DocumentErrorKind.ARCHIVE_TOO_LARGE)


@pytest.mark.parametrize("name", ["many.zip", "many.tar"])
def test_too_many_members(src: Path, cache_dir: Path, name: str) -> None:
    data = {f"f{i}.txt": b"x\n" for i in range(30)}
    path = src / name
    path.write_bytes(corpus.zip_bytes(data) if name.endswith(".zip") else corpus.tar_bytes(data, mode="w"))
    message = refused(
        path, cache_dir, DocumentErrorKind.ARCHIVE_TOO_MANY_MEMBERS, ArchiveLimits(max_members=20)
    )
    assert "more than 20 files" in message
    assert (
        prepare(path, cache_dir=cache_dir, archive_limits=ArchiveLimits(max_members=30)).kind
        is DocumentKind.ARCHIVE
    )


def test_zip_with_traversal_and_absolute_paths_and_links(src: Path, cache_dir: Path, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("good.txt", "good words\n")
        archive.writestr("../evil.txt", "ESCAPED-1\n")
        archive.writestr("a/../../evil2.txt", "ESCAPED-2\n")
        archive.writestr("/etc/evil3.txt", "ESCAPED-3\n")
        archive.writestr("C:\\evil4.txt", "ESCAPED-4\n")
        link = zipfile.ZipInfo("link-to-passwd")
        link.external_attr = 0o120777 << 16
        archive.writestr(link, "/etc/passwd")
    path = src / "sneaky.zip"
    path.write_bytes(buffer.getvalue())
    doc = prepare(path, cache_dir=cache_dir)
    text = doc.upload_path.read_text(encoding="utf-8")
    assert "## good.txt\n\ngood words\n" in text
    assert "ESCAPED" not in text and "/etc/passwd\n" not in text
    assert "## ../evil.txt\n\n(skipped: a path that climbs out of the archive (..))" in text
    assert "## /etc/evil3.txt\n\n(skipped: an absolute path)" in text
    assert "## link-to-passwd\n\n(skipped: a symbolic link)" in text
    unsafe = [w for w in doc.warnings if "unsafe paths" in w]
    assert len(unsafe) == 1 and unsafe[0].startswith("5 archive member(s)")
    assert not list(tmp_path.rglob("evil*")) and not (tmp_path.parent / "evil.txt").exists()


def test_tar_with_links_devices_and_traversal(src: Path, cache_dir: Path) -> None:
    specials = [
        corpus.special_member("sym", tarfile.SYMTYPE, "/etc/passwd"),
        corpus.special_member("hard", tarfile.LNKTYPE, "good.txt"),
        corpus.special_member("dev", tarfile.CHRTYPE),
        corpus.special_member("fifo", tarfile.FIFOTYPE),
    ]
    path = src / "sneaky.tar.gz"
    path.write_bytes(
        corpus.tar_bytes({"good.txt": b"good words\n", "../up.txt": b"ESCAPED\n"}, specials=specials)
    )
    doc = prepare(path, cache_dir=cache_dir)
    text = doc.upload_path.read_text(encoding="utf-8")
    assert "## good.txt\n\ngood words\n" in text and "ESCAPED" not in text
    for name, reason in [
        ("sym", "a symbolic link"),
        ("hard", "a hard link"),
        ("dev", "a device"),
        ("fifo", "a device"),
    ]:
        assert f"## {name}\n\n(skipped: {reason}" in text
    assert any(w.startswith("5 archive member(s) with unsafe paths") for w in doc.warnings)


def test_archive_of_only_unsafe_members_is_refused(src: Path, cache_dir: Path) -> None:
    path = src / "evil.zip"
    path.write_bytes(corpus.zip_bytes({"../../etc/cron.d/job": b"* * * * * rm -rf ~\n"}))
    message = refused(path, cache_dir, DocumentErrorKind.UNSAFE_ARCHIVE_PATH)
    assert "../../etc/cron.d/job" in message


def test_archive_with_nothing_readable_is_empty(src: Path, cache_dir: Path) -> None:
    path = src / "pictures.zip"
    path.write_bytes(
        corpus.zip_bytes({"a.png": corpus.image_bytes("PNG"), "b.gif": corpus.image_bytes("GIF")})
    )
    message = refused(path, cache_dir, DocumentErrorKind.EMPTY)
    assert "a.png" in message and "Kinds that work inside archives" in message


def test_damaged_members_are_listed_not_fatal(src: Path, cache_dir: Path) -> None:
    broken_docx = corpus.docx_bytes()[:300]
    locked = corpus.write_encrypted_pdf(src / "locked.pdf", [["x"]], user="pw", owner="pw").read_bytes()
    path = src / "mixed.zip"
    path.write_bytes(
        corpus.zip_bytes({"ok.txt": b"fine\n", "broken.docx": broken_docx, "locked.pdf": locked})
    )
    doc = prepare(path, cache_dir=cache_dir)
    text = doc.upload_path.read_text(encoding="utf-8")
    assert "## ok.txt\n\nfine\n" in text
    assert "## broken.docx\n\n(skipped:" in text
    assert "## locked.pdf\n\n(skipped: “locked.pdf” is protected with a password" in text


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.9])
def test_damaged_archive_is_corrupt(src: Path, cache_dir: Path, cut: float) -> None:
    import random

    rng = random.Random(5)
    words = " ".join(
        rng.choice(["alpha", "beta", "gamma", "delta", "omega"]) + str(rng.randrange(999))
        for _ in range(40_000)
    )
    data = corpus.tar_bytes({"a.txt": words.encode(), "b.txt": words.encode()})
    path = src / "cut.tar.gz"
    path.write_bytes(data[: int(len(data) * cut)])
    with pytest.raises(DocumentError) as info:
        prepare(path, cache_dir=cache_dir)
    assert info.value.kind is DocumentErrorKind.CORRUPT_DOCUMENT
    assert "damaged or incomplete" in info.value.message


@pytest.mark.parametrize("name", ["big.zip", "big.tar.gz"])
def test_member_over_the_member_limit_is_listed_not_read(src: Path, cache_dir: Path, name: str) -> None:
    import random

    rng = random.Random(7)
    lines = "".join(f"0123456789abcdef {rng.getrandbits(64):016x}\n" for _ in range(50_000))
    data = {"big.log": lines.encode(), "small.txt": b"small words\n"}  # big.log: 1.7 MB, compresses ~2x
    path = src / name
    path.write_bytes(corpus.zip_bytes(data) if name.endswith(".zip") else corpus.tar_bytes(data))
    doc = prepare(path, cache_dir=cache_dir, archive_limits=ArchiveLimits(max_member_bytes=1 * MIB))
    text = doc.upload_path.read_text(encoding="utf-8")
    assert "## big.log\n\n(skipped: larger than 1.0 MB)" in text and "0123456789abcdef" not in text
    assert "## small.txt\n\nsmall words\n" in text
