"""Document preparation: what to upload for a dropped file, or a typed error saying why not and what to do.

Plain Python (no Qt, no network, no anthropic). Every function blocks (reads, hashes, converts): run it in
a worker thread, never on the GUI thread.

    files = walk(dropped_paths)                      # folders walked, hidden files skipped, stable order
    for path in files:
        try:
            doc = prepare(path, cache_dir=cache)     # -> PreparedDocument
        except DocumentError as exc:
            show(exc.kind, exc.message)              # message names the file and says what to do
            continue
        upload(doc.upload_name, doc.upload_path, doc.mime_type)   # block: doc.block ("document"/"image")
        doc.warnings                                 # show beside the row (no text layer, renamed, ...)
        doc.source_kind                              # what the file is ("docx", "zip", "gzip", "pdf"...)
        if doc.needs_split: split_pdf(path, cache, doc.needs_split.pages_per_part)

- Kinds: PDF and images as they are; UTF-8 text (Markdown, CSV, JSON, code, logs...) as it is, other
  encodings (found by charset-normalizer) and UTF-8 with a few bad bytes converted to UTF-8, with a
  warning; a single gzip/bzip2/xz compressed text decompressed (within the archive limits); Word, Excel,
  PowerPoint and ZIP/tar archives converted to Markdown-like text in `cache_dir` (named from the
  source's SHA-256, reused, kept for renewal without the source).
- `prepare_isolated(...)`: the same in a conversion process, so a long conversion never holds the app's
  interpreter lock (the GUI thread stays responsive); `shutdown_pool()` at exit.
- `source_state(path, size=, mtime=, sha256=)` tells a stale upload; `cached_paths(cache_dir, sha256)`
  lists what the cache keeps for a source.
"""

from __future__ import annotations

from .conversion import cached_paths
from .errors import DocumentError, DocumentErrorKind
from .isolated import prepare_isolated, shutdown_pool
from .messages import SUPPORTED_KINDS_TEXT
from .model import ArchiveLimits, DocumentKind, PreparedDocument, SplitPlan
from .names import is_acceptable_name, safe_upload_name
from .pdf import split_pdf
from .service import DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_PDF_PAGES, SUPPORTED_SUFFIXES, prepare
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
    "prepare_isolated",
    "safe_upload_name",
    "shutdown_pool",
    "source_state",
    "split_pdf",
    "walk",
]
