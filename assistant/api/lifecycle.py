"""The life of an uploaded file: upload with what the source was, renewal, stale copies, orphans, gone files.

Plain Python, blocking (hashing, converting, uploading): run it in a worker (``bridge.TaskRunner``), never
on the GUI thread; ``replace_attachment`` only reads and writes the catalog and is cheap, and so are the
pure rules in ``assistant.catalog.rules`` (``EXPIRY_WARNING``, ``expiring_soon``, ``can_renew``,
``orphans``, ``gone_files_for``: import them from there). Built on ``files.FileService`` (the transport)
and ``assistant.catalog.Store`` (the catalog); no Qt.

This module is the front door: the work is in ``lifecycle_upload`` (a prepared document, split PDFs),
``lifecycle_renew`` (renewal), ``lifecycle_stale`` (stale copies, re-upload and swap, kept copies) and
``lifecycle_common`` (what they share); ``replace_attachment`` (gone files) is here.

Conversations refer to catalog rows, never to remote ids, so renewing or refreshing a file (a new
``file_id`` moved into the same row) keeps every conversation that uses it working, history included.

Public API::

    upload_document(files, store, doc, *, progress=None, cancel=None) -> UploadResult
        # doc: documents.PreparedDocument. Uploads doc.upload_path as doc.upload_name (sha256 dedupe as
        # files.upload) and records the source's size, time and hash, the kept copy (the exact bytes
        # uploaded), the source's own name when it differs from the upload's (renamed, or converted:
        # "a.docx" uploaded as "a.docx.txt"; else None), and doc.warnings. A reused row that came from
        # another source keeps its own source info.
    split_and_upload(files, store, doc, cache_dir, *, pages_per_part=None, progress=None, cancel=None)
        -> list[UploadResult]
        # a PDF over the page limit: split with documents.split_pdf into "name (pages a-b).pdf" parts
        # (kept in cache_dir), each uploaded and recorded like upload_document; progress over all parts.
        # Parts uploaded before a failure stay in the catalog; trying again reuses them (dedupe).
    catalog.rules.expiring_soon(records, now, within=EXPIRY_WARNING) -> list[FileRecord]   # active, soonest
    catalog.rules.can_renew(record) -> bool   # uploaded by this app, with a kept copy or a source recorded
    renew(files, store, record_id, *, cache_dir=None, progress=None, cancel=None) -> FileRecord
        # re-uploads the kept copy (no dedupe) with a fresh expiry from the retention setting, moves the
        # new file id into the same row, deletes the old remote file (404 is fine). Without the kept copy:
        # an unchanged source is used (converted again into cache_dir, default: where the kept copy was).
        # Raises SourceChanged when the only copy left has changed since upload (offer refresh_stale),
        # ApiFailure(LOCAL) when nothing is left to upload from, ApiFailure from the API, Cancelled.
        # Works for expired, missing and deleted rows too: it uploads afresh into the same row.
    stale_state(record) -> SourceState | None
        # unchanged | changed | missing, from the recorded source size/time/hash (hashes only when the
        # time changed); None when nothing was recorded (adopted rows, rows uploaded before schema 2)
    refresh_stale(files, store, record_id, cache_dir, *, max_pdf_pages=DEFAULT_MAX_PDF_PAGES,
                  progress=None, cancel=None) -> FileRecord
        # prepares the changed source again, uploads it into the same row (new name, type, source info,
        # warnings), deletes the old remote file and the old converted copy. Unchanged: returns the row
        # as it is; nothing recorded (stale_state None): uploads the source as it is now. Raises
        # ApiFailure(LOCAL) when the source is gone or cannot be prepared, or the row is a PDF part.
    discard_kept_copy(store, record_id) -> bool   # remove the row's converted copy from the cache when
                                                  # no other row keeps it (after Clean up deleted it)
    send_pdf_as(files, store, record_id, cache_dir, *, as_text, progress=None, cancel=None) -> FileRecord
        # a whole PDF's row uploaded again as its text (page starts kept, citations turned back into
        # pages) or as a PDF, into the same row; can_send_as(record, as_text=) says whether it can be
        # (lifecycle_pdftext: choice_note says what each way costs per question)
    catalog.rules.orphans(store) -> list[FileRecord]   # active files found remotely, not uploaded by this app
    catalog.rules.gone_files_for(store, conversation_id) -> list[FileRecord]   # attached, not active
    replace_attachment(store, conversation_id, old_row_id, new_row_id) -> Conversation
    SourceChanged                          # ApiFailure (kind LOCAL) raised by renew: offer refresh_stale
"""

from __future__ import annotations

from assistant.api.errors import ApiFailure, FailureKind
from assistant.api.lifecycle_pdftext import can_send_as, send_pdf_as
from assistant.api.lifecycle_renew import SourceChanged, renew
from assistant.api.lifecycle_stale import discard_kept_copy, refresh_stale, stale_state
from assistant.api.lifecycle_upload import split_and_upload, upload_document
from assistant.catalog import Conversation, Store

__all__ = [
    "SourceChanged",
    "can_send_as",
    "discard_kept_copy",
    "refresh_stale",
    "renew",
    "replace_attachment",
    "send_pdf_as",
    "split_and_upload",
    "stale_state",
    "upload_document",
]


def replace_attachment(store: Store, conversation_id: int, old_row_id: int, new_row_id: int) -> Conversation:
    """Attach ``new_row_id`` in the place of ``old_row_id`` (its history stays as it is)."""
    new = store.get_file(new_row_id)
    if new is None or not new.is_active:
        raise ApiFailure(
            FailureKind.LOCAL, "That file is not on the server any more; pick or upload another one."
        )
    store.replace_conversation_file(conversation_id, old_row_id, new_row_id)
    conversation = store.get_conversation(conversation_id)
    if conversation is None:
        raise ApiFailure(FailureKind.LOCAL, "This conversation no longer exists.")
    return conversation
