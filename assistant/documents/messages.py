"""What `prepare` tells a person: the kinds that work, labels of kinds, and the refusals that say why
a file cannot be read and what to do instead."""

from __future__ import annotations

from .errors import DocumentError, DocumentErrorKind
from .model import TEXT_KINDS, DocumentKind
from .names import is_acceptable_name
from .sniff import Sniffed

SUPPORTED_KINDS_TEXT = (
    "PDF; plain text, Markdown, CSV, JSON, XML, YAML, logs and source code, also compressed on their own "
    "(.gz, .bz2, .xz); Word (.docx), Excel (.xlsx) and PowerPoint (.pptx); JPEG, PNG, GIF and WebP images; "
    "ZIP and tar archives (.zip, .tar, .tar.gz, .tgz)"
)

IN_ARCHIVES = SUPPORTED_KINDS_TEXT.replace("; JPEG, PNG, GIF and WebP images", "")

KIND_LABEL = {
    DocumentKind.PDF: "a PDF",
    DocumentKind.DOCX: "a Word document",
    DocumentKind.XLSX: "an Excel workbook",
    DocumentKind.PPTX: "a PowerPoint presentation",
    DocumentKind.IMAGE: "an image",
    DocumentKind.ARCHIVE: "an archive",
}

_UNSUPPORTED_DETAIL = {
    "ole2": "an old-style Office file (.doc, .xls or .ppt). Open it in Word, Excel or PowerPoint, save it "
    "as .docx, .xlsx or .pptx, and add that",
    "odf": "an OpenDocument file (.odt, .ods or .odp). Save it as .docx, .xlsx or .pptx, or as PDF, "
    "and add that",
    "office-other": "an Office file of a kind that cannot be read here (a macro-enabled Word file, a "
    "template, a slide show or a binary workbook). Open it and save it as .docx, .xlsx or .pptx (or PDF), "
    "and add that",
    "epub": "an e-book (EPUB). Convert it to PDF or text first",
    "image": "an image in a format the API does not take (it takes JPEG, PNG, GIF and WebP). Save or "
    "export it as PNG or JPEG and add that",
    # Only a compressed file inside a compressed file gets this far (one layer is decompressed).
    "gzip": "compressed more than once. Decompress it and add the file inside",
    "bzip2": "compressed more than once. Decompress it and add the file inside",
    "xz": "compressed more than once. Decompress it and add the file inside",
}


def family(kind: DocumentKind) -> str:
    return "text" if kind in TEXT_KINDS else kind.value


def kind_label(kind: DocumentKind) -> str:
    return "text" if kind in TEXT_KINDS else KIND_LABEL.get(kind, kind.value)


def is_derived_name(upload_name: str, name: str) -> bool:
    """An upload name that only adds a suffix to an acceptable name ("report.docx" -> "report.docx.txt")."""
    return (
        is_acceptable_name(name) and upload_name.startswith(name) and "." not in upload_name[len(name) + 1 :]
    )


def no_text(name: str) -> DocumentError:
    return DocumentError(
        DocumentErrorKind.EMPTY, f"“{name}” has no text in it (only blank space). Add a file with some text."
    )


def unsupported(name: str, sniffed: Sniffed, claimed: DocumentKind | None) -> DocumentError:
    if sniffed.detail.startswith("broken "):
        what = (
            "a compressed file"
            if sniffed.detail in ("broken gzip", "broken bzip2", "broken xz")
            else kind_label(claimed)
            if claimed is not None and claimed not in TEXT_KINDS
            else "a ZIP archive"
            if sniffed.detail == "broken zip"
            else "a compressed file"
        )
        return DocumentError(
            DocumentErrorKind.CORRUPT_DOCUMENT,
            f"“{name}” looks like {what} but is damaged or incomplete, so it cannot be read. "
            "Save or download it again and add the new copy.",
        )
    detail = _UNSUPPORTED_DETAIL.get(sniffed.detail)
    if detail is not None:
        return DocumentError(
            DocumentErrorKind.UNSUPPORTED, f"“{name}” is {detail}. Kinds that work: {SUPPORTED_KINDS_TEXT}."
        )
    named = ""
    if claimed is not None and claimed not in TEXT_KINDS:
        named = f" It is named like {kind_label(claimed)} but its content is not one."
    return DocumentError(
        DocumentErrorKind.UNSUPPORTED,
        f"“{name}” is not a kind of file that can be read.{named} Kinds that work: {SUPPORTED_KINDS_TEXT}. "
        "Export or convert it to one of these (PDF works for most documents) and add that.",
    )


def listing(items: list[str], most: int = 5) -> str:
    shown = "; ".join(items[:most])
    return shown + (f"; and {len(items) - most} more" if len(items) > most else "")


def compressed_not_text(name: str, inner: str, kind: DocumentKind) -> DocumentError:
    """A compressed file that holds a document of a kind read only on its own (a PDF, an image...)."""
    noun = kind_label(kind).split(" ", 1)[1]
    return DocumentError(
        DocumentErrorKind.UNSUPPORTED,
        f"“{name}” is a compressed {noun}. Decompress it and add “{inner}” on its own; compressed, only "
        f"text files and tar archives are read. Kinds that work: {SUPPORTED_KINDS_TEXT}.",
    )
