"""PDF checks with pypdf: pages, encryption, damage, a text layer; splitting by page ranges."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:  # pypdf is imported when a PDF is read, not with the package (it costs ~60 ms)
    from pypdf import PdfReader

from .errors import DocumentError, DocumentErrorKind
from .model import SplitPlan
from .names import safe_upload_name
from .office import heading
from .sink import TextSink, write_failed

TEXT_SAMPLE_PAGES = 12
NO_TEXT_WARNING = (
    "This PDF has no text layer (it looks scanned or made of images): Claude sees the pages as images, "
    "but citations will not work. Run OCR on it (e.g. 'Make searchable' in a PDF tool) for citations."
)


@dataclass(frozen=True, slots=True)
class PdfFacts:
    page_count: int
    has_text: bool
    decrypted_copy: Path | None  # written when the PDF opened with an empty password
    warnings: tuple[str, ...]


@contextlib.contextmanager
def _reader(stream: BinaryIO, name: str) -> Iterator[PdfReader]:
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(stream)
    except DependencyError as exc:
        raise _encrypted(name, _NEEDS_CRYPTO) from exc
    except Exception as exc:  # pypdf raises many kinds (PdfReadError, ValueError, OSError...) on damage
        raise _corrupt(name) from exc
    if reader.is_encrypted:
        try:
            result = reader.decrypt("")
        except (DependencyError, NotImplementedError) as exc:
            raise _encrypted(name, _NEEDS_CRYPTO) from exc
        except Exception as exc:  # pypdf raises many kinds on damaged encryption dictionaries
            raise _corrupt(name) from exc
        if result == PasswordType.NOT_DECRYPTED:
            raise _encrypted(name, "")
    yield reader


# pypdf needs the `cryptography` package for AES; without it even an empty password cannot be tried.
_NEEDS_CRYPTO = " (with AES, which this installation cannot open: the 'cryptography' package is missing)"


def _encrypted(name: str, detail: str) -> DocumentError:
    return DocumentError(
        DocumentErrorKind.ENCRYPTED_PDF,
        f"“{name}” is protected with a password{detail}, so it cannot be read. Open it in a PDF viewer, "
        "remove the password (or print it to a new PDF), and add the unprotected copy.",
    )


def _corrupt(name: str) -> DocumentError:
    return DocumentError(
        DocumentErrorKind.CORRUPT_PDF,
        f"“{name}” is damaged or not a complete PDF, so it cannot be read. Open it in a PDF viewer and "
        "save or export it again, or add the original copy.",
    )


def inspect_pdf(path: Path, *, name: str, cache_dir: Path, sha256: str) -> PdfFacts:
    """Page count and text layer; a decrypted copy in `cache_dir` when only an empty password protects it."""
    from pypdf import PdfWriter

    with path.open("rb") as stream, _reader(stream, name) as reader:
        try:
            page_count = len(reader.pages)
            has_text = _has_text(reader, page_count)
        except DocumentError:
            raise
        except Exception as exc:
            raise _corrupt(name) from exc
        if page_count == 0:
            raise DocumentError(
                DocumentErrorKind.EMPTY, f"“{name}” has no pages. Add a PDF with at least one page."
            )
        warnings: list[str] = []
        decrypted: Path | None = None
        if reader.is_encrypted:
            decrypted = cache_dir / f"{sha256}-decrypted.pdf"
            if not decrypted.exists():
                writer = PdfWriter(clone_from=reader)
                _atomic_write(decrypted, writer.write, name=name)
            warnings.append(
                "The PDF was protected with an empty password; an unprotected copy is uploaded instead."
            )
        if not has_text:
            warnings.append(NO_TEXT_WARNING)
    return PdfFacts(page_count, has_text, decrypted, tuple(warnings))


def _has_text(reader: PdfReader, page_count: int) -> bool:
    if page_count <= TEXT_SAMPLE_PAGES:
        indices = list(range(page_count))
    else:
        step = page_count / TEXT_SAMPLE_PAGES
        indices = sorted({int(i * step) for i in range(TEXT_SAMPLE_PAGES)})
    return any(reader.pages[i].extract_text().strip() for i in indices)


def split_plan(page_count: int, pages_per_part: int) -> SplitPlan | None:
    if pages_per_part < 1:
        raise ValueError("pages_per_part must be at least 1")
    if page_count <= pages_per_part:
        return None
    parts = tuple(
        (start, min(start + pages_per_part - 1, page_count))
        for start in range(1, page_count + 1, pages_per_part)
    )
    return SplitPlan(page_count=page_count, pages_per_part=pages_per_part, parts=parts)


def split_pdf(path: Path, cache_dir: Path, pages_per_part: int = 100, *, password: str = "") -> list[Path]:
    """Split a PDF into parts of at most `pages_per_part` pages, written to a folder in `cache_dir` named
    after the source's hash, as "name (pages 1-100).pdf", "name (pages 101-200).pdf", ... Parts already
    there are reused. Raises DocumentError (encrypted_pdf, corrupt_pdf) as `prepare` does."""
    from pypdf import PdfWriter

    from .hashing import sha256_file

    if pages_per_part < 1:
        raise ValueError("pages_per_part must be at least 1")
    name = path.name
    stem = safe_upload_name(path.stem if path.suffix.lower() == ".pdf" else path.name)
    # Leave room for " (pages 12345-12345).pdf" within the 255-character name limit.
    stem = stem[:200].rstrip(" .") or "document"
    folder = cache_dir / f"{sha256_file(path)}-parts-{pages_per_part}"
    with path.open("rb") as stream, _reader(stream, name) as reader:
        if password and reader.is_encrypted:
            reader.decrypt(password)
        try:
            page_count = len(reader.pages)
        except Exception as exc:
            raise _corrupt(name) from exc
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise write_failed(name, exc) from exc
        parts: list[Path] = []
        for start in range(1, page_count + 1, pages_per_part):
            end = min(start + pages_per_part - 1, page_count)
            target = folder / f"{stem} (pages {start}-{end}).pdf"
            parts.append(target)
            if target.exists():
                continue
            writer = PdfWriter()
            try:
                for index in range(start - 1, end):
                    writer.add_page(reader.pages[index])
            except Exception as exc:
                raise _corrupt(name) from exc
            _atomic_write(target, writer.write, name=name)
            writer.close()
    return parts


def pdf_text(stream: BinaryIO, sink: TextSink, *, name: str, level: int) -> None:
    """The text of each page under `Page N` headings (for PDFs inside archives)."""
    with _reader(stream, name) as reader:
        try:
            for number, page in enumerate(reader.pages, start=1):
                text = page.extract_text()
                sink.write(heading(level + 1, f"Page {number}"))
                if text.strip():
                    sink.content(text.strip() + "\n\n")
        except DocumentError:
            raise
        except Exception as exc:
            raise _corrupt(name) from exc


def _atomic_write(target: Path, write: Callable[[BinaryIO], object], *, name: str) -> None:
    try:
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".part-", suffix=".tmp")
    except OSError as exc:
        raise write_failed(name, exc) from exc
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
        os.replace(temp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise write_failed(name, exc) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
