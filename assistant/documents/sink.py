"""Where converted text goes: a UTF-8 file, written in pieces, that refuses to grow past a limit."""

from __future__ import annotations

import errno
from collections.abc import Callable
from typing import BinaryIO

from .errors import DocumentError, DocumentErrorKind


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    value = float(n)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if value >= 10 else f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


_DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG, errno.EACCES, errno.EPERM})


def is_disk_problem(exc: OSError) -> bool:
    """A write that failed for want of space or permission (rather than damaged input)."""
    return exc.errno in _DISK_ERRNOS


def write_failed(name: str, exc: OSError) -> DocumentError:
    where = f" ({exc.filename})" if exc.filename else ""
    return DocumentError(
        DocumentErrorKind.WRITE_FAILED,
        f"“{name}” could not be converted: writing its text failed{where}: {exc.strerror or exc}. "
        "Free some disk space (or check the app's cache folder can be written) and try again.",
    )


def cancelled(name: str) -> DocumentError:
    return DocumentError(DocumentErrorKind.CANCELLED, f"Preparing “{name}” was stopped before it finished.")


class TextSink:
    """Accepts text in pieces, encodes it as UTF-8 and counts the bytes. `has_content` tells whether
    any document text (as opposed to headings the converter added) was written."""

    def __init__(
        self, out: BinaryIO, limit: int, *, name: str, should_stop: Callable[[], bool] | None = None
    ) -> None:
        self._out = out
        self._name = name
        self._should_stop = should_stop
        self._limit = limit
        self.bytes_written = 0
        self.has_content = False

    def write(self, text: str) -> None:
        self.write_bytes(text.encode("utf-8", "replace"))

    def check(self) -> None:
        """Raise `cancelled` when the caller asked to stop."""
        if self._should_stop is not None and self._should_stop():
            raise cancelled(self._name)

    def write_bytes(self, data: bytes) -> None:
        """Write bytes that are already valid UTF-8."""
        self.check()
        self.bytes_written += len(data)
        if self.bytes_written > self._limit:
            raise DocumentError(
                DocumentErrorKind.TOO_LARGE,
                f"The text of “{self._name}” comes to more than {human_size(self._limit)}, the most one "
                "upload can take. "
                "Split it into smaller files and add those.",
            )
        try:
            self._out.write(data)
        except OSError as exc:
            raise write_failed(self._name, exc) from exc

    def content(self, text: str) -> None:
        """Write document content, so that a conversion that found no text can be told apart."""
        if not self.has_content and text.strip():
            self.has_content = True
        self.write(text)

    def content_bytes(self, data: bytes) -> None:
        """Document content that is already valid UTF-8."""
        if not self.has_content and data.strip():
            self.has_content = True
        self.write_bytes(data)
