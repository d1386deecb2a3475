"""A PDF sent as a PDF document or as its text: what each costs said beside the file, and the swap.

An API PDF document is billed per page as an image plus its text; sent as text only the text is billed,
but scanned pages and figures are not seen. ``choice_note`` says what a prepared PDF costs per question
each way (``documents.PdfTokenFigures``, estimated here before upload) and how to switch; ``send_pdf_as``
re-uploads a PDF's row the other way (a new file id in the same row, the old remote file deleted, like
``refresh_stale``), so every conversation that uses it keeps working. Blocking: run in a worker. No Qt.
"""

from __future__ import annotations

from pathlib import Path

from assistant.api.errors import ApiFailure, CancelToken, FailureKind
from assistant.api.files import FileService
from assistant.api.lifecycle_common import (
    Progress,
    display_name,
    document_failure,
    get_record,
    parts_size,
    should_stop,
)
from assistant.api.lifecycle_stale import stale_state, swap_prepared
from assistant.catalog import FileRecord, Store
from assistant.catalog.identity import known_name, sent_as_text
from assistant.catalog.rules import HINT
from assistant.documents import DocumentError, SourceState, prepare
from assistant.documents.model import PdfTokenFigures, PreparedDocument

__all__ = ["KEEP_PDF_FOR", "can_send_as", "choice_note", "send_pdf_as"]

KEEP_PDF_FOR = "Keep the PDF for scanned pages and figures: sent as text, Claude sees only the text."


def _tokens(n: int) -> str:
    return f"{n:,}"


def choice_note(figures: PdfTokenFigures, *, as_text: bool) -> str:
    """What a PDF costs per question both ways, which way it went, and how to switch."""
    share = f"{figures.ratio:.0%}"
    if as_text:
        return (
            f"Sent as text: about {_tokens(figures.as_text)} input tokens per question instead of "
            f"{_tokens(figures.as_pdf)} as a PDF ({share}); citations still give its pages. {KEEP_PDF_FOR} "
            "Right-click it › Send as PDF to switch."
        )
    if figures.as_text == 0:
        return f"Sent as a PDF: about {_tokens(figures.as_pdf)} input tokens per question (no text to send)."
    if not figures.empty_pages:
        empty = ""
    elif figures.empty_pages == (0,):
        empty = " Some of its pages have no text (scans or figures?)."
    else:
        empty = f" {len(figures.empty_pages)} of its {figures.pages} pages have no text (scans or figures?)."
    return (
        f"Sent as a PDF: about {_tokens(figures.as_pdf)} input tokens per question (each page as an image "
        f"plus its text); as text about {_tokens(figures.as_text)} ({share}).{empty} {KEEP_PDF_FOR} "
        "Right-click it › Send as text to pay less."
    )


def can_send_as(record: FileRecord, *, as_text: bool) -> bool:
    """A PDF of this app's, uploaded whole from a file here, that is not yet sent that way."""
    if record.local_path is None or parts_size(record) is not None:
        return False
    if sent_as_text(record):
        return not as_text
    return as_text and record.mime_type == "application/pdf"


def send_pdf_as(
    files: FileService,
    store: Store,
    record_id: int,
    cache_dir: Path,
    *,
    as_text: bool,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
) -> FileRecord:
    """Upload the row's PDF again as text (``as_text``) or as a PDF, into the same row."""
    record = get_record(store, record_id)
    if not can_send_as(record, as_text=as_text):
        way = "as text" if as_text else "as a PDF"
        raise ApiFailure(
            FailureKind.LOCAL,
            f"“{known_name(record)}” cannot be sent {way}: only a whole PDF added from this computer can, "
            "and only the other way than it was sent.",
        )
    assert record.local_path is not None
    source = Path(record.local_path)
    if stale_state(record) in (SourceState.MISSING, SourceState.CHANGED):
        raise ApiFailure(
            FailureKind.LOCAL,
            f"“{display_name(record)}” is gone or has changed since it was uploaded. Add it again.",
        )
    try:
        doc = prepare(
            source,
            cache_dir=cache_dir,
            pdf_as_text=as_text,
            pdf_figures=True,
            should_stop=should_stop(cancel),
        )
    except DocumentError as exc:
        raise document_failure(exc) from None
    return swap_prepared(files, store, record, doc, figures_notes(doc), progress=progress, cancel=cancel)


def figures_notes(doc: PreparedDocument) -> tuple[str, ...]:
    """The figures of a prepared PDF as a note for its row (none for other files)."""
    if doc.figures is None:
        return ()
    return (HINT + choice_note(doc.figures, as_text=doc.as_text),)  # information, not a warning
