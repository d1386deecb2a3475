"""What `prepare` records of a file it converts to text on this computer (issue 10, item 10): what the
file is (`source_kind`), its own name and size, beside the text's upload name and size; files sent as
they are record their own kind and are no conversion."""

from __future__ import annotations

import bz2
import gzip
from pathlib import Path

import pytest
from helpers_pdf import make_pdf

from assistant.catalog.identity import TEXT_CONVERSIONS
from assistant.documents import prepare

from . import corpus

CONVERTED = {
    "q3-budget-memo.docx": (corpus.docx_bytes, "docx", "q3-budget-memo.docx.txt"),
    "sales.xlsx": (corpus.xlsx_bytes, "xlsx", "sales.xlsx.txt"),
    "kickoff.pptx": (corpus.pptx_bytes, "pptx", "kickoff.pptx.txt"),
    "notes.zip": (lambda: corpus.zip_bytes({"a.md": b"# A\n\nalpha\n"}), "zip", "notes.zip.txt"),
    "logs.tar.gz": (lambda: corpus.tar_bytes({"app.log": b"ERROR disk\n"}), "tar.gzip", "logs.tar.gz.txt"),
    "manual.txt.gz": (lambda: gzip.compress(b"The manual.\n" * 50), "gzip", "manual.txt"),
    "server.log.bz2": (lambda: bz2.compress(b"boot ok\n" * 50), "bzip2", "server.log"),
}


@pytest.mark.parametrize("name", sorted(CONVERTED))
def test_a_converted_file_records_what_it_is_and_its_own_name_and_size(
    name: str, src: Path, cache_dir: Path
) -> None:
    make, kind, upload_name = CONVERTED[name]
    path = src / name
    path.write_bytes(make())
    doc = prepare(path, cache_dir=cache_dir)
    assert doc.source_kind == kind and kind in TEXT_CONVERSIONS
    assert (doc.original_name, doc.upload_name, doc.mime_type) == (name, upload_name, "text/plain")
    assert doc.source_size == path.stat().st_size
    assert doc.upload_size == doc.upload_path.stat().st_size != doc.source_size
    assert doc.converted and doc.renamed


def test_a_converted_file_named_like_text_still_records_what_it_is(src: Path, cache_dir: Path) -> None:
    path = src / "minutes.txt"  # a Word document under a text name: converted all the same
    path.write_bytes(corpus.docx_bytes())
    doc = prepare(path, cache_dir=cache_dir)
    assert doc.source_kind == "docx" and doc.upload_name == "minutes.txt"


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("notes.md", b"# Notes\n\nThe boiler.\n", "markdown"),
        ("latin.txt", "caf\xe9 cr\xe8me\n".encode("latin-1") * 20, "text"),  # re-encoded, not converted
        ("fake.docx", b"Only text, named like a Word document.\n", "text"),
        ("scan.pdf", make_pdf([["One page."]]), "pdf"),
        ("dot.png", corpus.image_bytes("PNG"), "image"),
    ],
)
def test_a_file_sent_as_it_is_records_its_kind_and_is_no_conversion(
    name: str, data: bytes, kind: str, src: Path, cache_dir: Path
) -> None:
    path = src / name
    path.write_bytes(data)
    doc = prepare(path, cache_dir=cache_dir)
    assert doc.source_kind == kind and not doc.as_text
    assert kind not in TEXT_CONVERSIONS or doc.mime_type != "text/plain"  # "pdf" only when sent as text
