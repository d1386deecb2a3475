"""Document preparation: what to upload for a dropped file (PDF, text, Office, images, archives), or a
typed error saying why not and what to do. Plain Python: no Qt, no network; every function blocks and
belongs in a worker thread."""

from __future__ import annotations

from .errors import DocumentError, DocumentErrorKind
from .model import ArchiveLimits, DocumentKind, PreparedDocument, SplitPlan
from .names import is_acceptable_name, safe_upload_name
from .pdf import split_pdf
from .service import (
    DEFAULT_MAX_FILE_BYTES,
    DEFAULT_MAX_PDF_PAGES,
    SUPPORTED_KINDS_TEXT,
    SUPPORTED_SUFFIXES,
    cached_paths,
    prepare,
)
from .stale import SourceState, source_state
from .walk import walk

__all__ = [
    "DEFAULT_MAX_FILE_BYTES",
    "DEFAULT_MAX_PDF_PAGES",
    "SUPPORTED_KINDS_TEXT",
    "SUPPORTED_SUFFIXES",
    "ArchiveLimits",
    "DocumentError",
    "DocumentErrorKind",
    "DocumentKind",
    "PreparedDocument",
    "SourceState",
    "SplitPlan",
    "cached_paths",
    "is_acceptable_name",
    "prepare",
    "safe_upload_name",
    "source_state",
    "split_pdf",
    "walk",
]
