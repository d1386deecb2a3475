"""The guards of archive unpacking: a budget of bytes and members (nested archives included) and the
ratio check against archive bombs, unsafe member paths, and the report of what was converted or skipped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .errors import DocumentError, DocumentErrorKind
from .model import ArchiveLimits
from .sink import human_size


@dataclass
class ArchiveReport:
    """What happened to the members, for the caller's warnings."""

    converted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "path (reason)"
    unsafe: list[str] = field(default_factory=list)  # "path (reason)"
    replaced: list[str] = field(default_factory=list)  # "path (count)": bytes that did not decode, in text


@dataclass
class Budget:
    limits: ArchiveLimits
    archive_name: str
    stop_check: Callable[[], None]
    report: ArchiveReport = field(default_factory=ArchiveReport)
    total_bytes: int = 0
    members: int = 0

    def count_member(self) -> None:
        self.members += 1
        if self.members > self.limits.max_members:
            raise DocumentError(
                DocumentErrorKind.ARCHIVE_TOO_MANY_MEMBERS,
                f"“{self.archive_name}” holds more than {self.limits.max_members:,} files (nested archives "
                "included), more than can be read safely. Unpack it and add the files you need.",
            )

    def reserve(self, size: int) -> None:
        if self.total_bytes + size > self.limits.max_total_bytes:
            raise DocumentError(
                DocumentErrorKind.ARCHIVE_TOO_LARGE,
                f"“{self.archive_name}” unpacks to more than {human_size(self.limits.max_total_bytes)}, "
                "more than can be read safely. Unpack it and add the files you need.",
            )

    def ratio_exceeded(self) -> DocumentError:
        return DocumentError(
            DocumentErrorKind.ARCHIVE_COMPRESSION_RATIO,
            f"“{self.archive_name}” expands to more than {self.limits.max_ratio:g} times its packed size, "
            "which is how archive bombs are built, so it was not unpacked. If you trust it, unpack it "
            "yourself and add the files you need.",
        )


def unsafe_reason(member: str) -> str | None:
    """Why a member name must not be used as a path, or None when it is a plain relative path."""
    if not member or "\x00" in member:
        return "an empty or invalid name"
    normalised = member.replace("\\", "/")
    if normalised.startswith("/") or (len(normalised) > 1 and normalised[1] == ":"):
        return "an absolute path"
    if ".." in PurePosixPath(normalised).parts:
        return "a path that climbs out of the archive (..)"
    return None
