"""The one exception this package raises: a kind to switch on and a message a person can act on."""

from __future__ import annotations

from enum import StrEnum


class DocumentErrorKind(StrEnum):
    """Why a file cannot be prepared for upload."""

    NOT_FOUND = "not_found"
    NOT_A_FILE = "not_a_file"  # a folder, socket, device or fifo
    UNREADABLE = "unreadable"  # permissions or an I/O error
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    UNSUPPORTED = "unsupported"
    ENCRYPTED_PDF = "encrypted_pdf"
    CORRUPT_PDF = "corrupt_pdf"
    CORRUPT_DOCUMENT = "corrupt_document"  # a .docx/.xlsx/.pptx (or archive) the library cannot read
    ARCHIVE_TOO_LARGE = "archive_too_large"
    ARCHIVE_TOO_MANY_MEMBERS = "archive_too_many_members"
    ARCHIVE_TOO_DEEP = "archive_too_deep"
    ARCHIVE_COMPRESSION_RATIO = "archive_compression_ratio"
    UNSAFE_ARCHIVE_PATH = "unsafe_archive_path"
    CANCELLED = "cancelled"  # the caller's should_stop() said so
    WRITE_FAILED = "write_failed"  # the cache (or temporary) folder could not be written: disk full?

    @property
    def permanent(self) -> bool:
        """The file can never be prepared as it is: trying again fails the same way until the file
        itself changes (empty, password-protected, damaged, a kind that does not work, over a limit).
        The others depend on the moment (a file moved away or being saved, permissions, a full disk,
        a cancel): trying again may work."""
        return self not in _RETRYABLE


_RETRYABLE = frozenset(
    {
        DocumentErrorKind.NOT_FOUND,
        DocumentErrorKind.UNREADABLE,
        DocumentErrorKind.CANCELLED,
        DocumentErrorKind.WRITE_FAILED,
    }
)


class DocumentError(Exception):
    """A file that cannot be uploaded, decided before any byte is sent.

    `message` says what happened and what to do; it names the file, so it can be shown as is.
    """

    def __init__(self, kind: DocumentErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message

    @property
    def permanent(self) -> bool:
        """Trying this file again as it is cannot work (see ``DocumentErrorKind.permanent``)."""
        return self.kind.permanent

    def __repr__(self) -> str:
        return f"DocumentError({self.kind.value!r}, {self.message!r})"

    def __reduce__(self) -> tuple[type[DocumentError], tuple[DocumentErrorKind, str]]:
        # kind and message survive pickling (conversions run in another process: isolated.py)
        return (DocumentError, (self.kind, self.message))
