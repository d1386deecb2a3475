"""What the upload queue holds: ``UploadJob`` (one file, its state and what it says) and ``Intake`` (a
drop being counted, or a big one waiting for the person's yes), and the upload function's shape."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from assistant.api.errors import CancelToken
from assistant.api.files import UploadResult
from assistant.bridge import Task
from assistant.catalog.rules import note_line
from assistant.ui.session import NeedsSplit

__all__ = ["FINISHED", "Intake", "JobState", "Outcome", "QueueCounts", "UploadFn", "UploadJob"]

Outcome = UploadResult | list[UploadResult] | NeedsSplit  # one file; a split PDF's parts; too many pages


class UploadFn(Protocol):
    """``ApiSession.upload_one``: prepare and upload one file, in a worker."""

    def __call__(
        self, path: Path, token: CancelToken, report: Callable[[object], None], *, split: bool = False
    ) -> Outcome: ...


class JobState(StrEnum):
    QUEUED = "waiting"
    PREPARING = "preparing"
    UPLOADING = "uploading"
    DONE = "uploaded"
    REUSED = "already uploaded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    NEEDS_SPLIT = "too many pages"


FINISHED = frozenset(
    {JobState.DONE, JobState.REUSED, JobState.FAILED, JobState.CANCELLED, JobState.NEEDS_SPLIT}
)


@dataclass(eq=False)
class UploadJob:
    id: int
    path: Path
    state: JobState = JobState.QUEUED
    sent: int = 0
    total: int = 0
    message: str = ""
    result: Outcome | None = None
    task: Task[Any] | None = field(default=None, repr=False)
    split: bool = False  # the person chose "Split into N parts"
    split_parts: int = 0  # NEEDS_SPLIT: how many parts
    warnings: tuple[str, ...] = ()  # what the uploaded file's rows say (no text layer, renamed, ...)
    parts: tuple[str, ...] = ()  # the uploaded parts of a split PDF
    uploaded_as: str = ""  # the name it was uploaded under, when not the file's own (renamed)
    as_text: bool = False  # converted to text here (a Word file, an archive...): uploaded as its text
    permanent: bool = False  # FAILED: the file can never be uploaded as it is (no Retry)
    failed_at: datetime | None = None  # FAILED: when (a failure listed again after a restart keeps it)
    restored: bool = False  # a failure of an earlier run, listed again from the catalog

    @property
    def fraction(self) -> float:
        if self.state in (JobState.DONE, JobState.REUSED):
            return 1.0
        return 0.0 if self.total <= 0 else min(1.0, self.sent / self.total)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def can_retry(self) -> bool:
        """Retry can work: a cancelled upload, or a failure that depends on the moment."""
        return self.state is JobState.CANCELLED or (self.state is JobState.FAILED and not self.permanent)

    @property
    def needs_attention(self) -> bool:
        """Listed first and keeps the queue open: a failure, or a PDF waiting for "Split"."""
        return self.state in (JobState.FAILED, JobState.NEEDS_SPLIT)

    @property
    def state_text(self) -> str:
        text = self._outcome()
        if self.warnings and self.state in (JobState.DONE, JobState.REUSED):
            text = f"{text} · {self.warnings[0]}"
            if len(self.warnings) > 1:
                text += f" (+{len(self.warnings) - 1} more)"
        return text

    def _outcome(self) -> str:
        if self.state is JobState.REUSED:
            return "already uploaded — same content, not sent again"
        if self.state is JobState.FAILED:
            return f"failed: {self.message}"
        if self.state is JobState.NEEDS_SPLIT:
            return f"not sent: {self.message}"
        if self.state is JobState.DONE and self.parts:
            return f"uploaded in {len(self.parts)} parts: " + ", ".join(self.parts)
        if self.state is JobState.DONE and self.as_text:
            return "converted to text on this computer and uploaded"
        if self.state is JobState.DONE and self.uploaded_as:
            return f"uploaded as {self.uploaded_as}"
        return str(self.state)

    @property
    def tooltip(self) -> str:
        """Everything the row says, whole: the outcome, the parts, the warnings, whether Retry can work."""
        lines = [self._outcome()]
        if self.parts:
            lines += [f"• {name}" for name in self.parts]
        lines += [note_line(w) for w in self.warnings]
        if self.state is JobState.FAILED:
            lines.append(
                "Trying again cannot work until the file itself changes: dismiss it, or fix the file and add "
                "it again."
                if self.permanent
                else "Retry sends it again."
            )
            if self.restored and self.failed_at is not None:
                lines.append(f"Failed in an earlier session ({self.failed_at.astimezone():%d %b %Y %H:%M}).")
        return "\n".join(lines)


@dataclass(eq=False)
class Intake:
    """Files and folders dropped (or chosen) together that are being counted in a worker, or, past the
    big-drop size, wait for the person to say "Upload N files" before anything is queued."""

    id: int
    label: str  # what was dropped: “docs”, or “2 folders and 3 files”
    files: tuple[Path, ...] = ()
    total_bytes: int = 0
    counted: bool = False  # False while the folders are walked
    task: Task[Any] | None = field(default=None, repr=False)


@dataclass(frozen=True)
class QueueCounts:
    """How many jobs are in each state, for the queue's summaries."""

    total: int = 0
    done: int = 0  # uploaded, or already there
    failed: int = 0
    active: int = 0  # waiting, preparing or uploading
    to_split: int = 0
    cancelled: int = 0
    retryable: int = 0  # Retry can work

    @classmethod
    def of(cls, jobs: Sequence[UploadJob]) -> QueueCounts:
        return cls(
            total=len(jobs),
            done=sum(1 for j in jobs if j.state in (JobState.DONE, JobState.REUSED)),
            failed=sum(1 for j in jobs if j.state is JobState.FAILED),
            active=sum(1 for j in jobs if not j.finished),
            to_split=sum(1 for j in jobs if j.state is JobState.NEEDS_SPLIT),
            cancelled=sum(1 for j in jobs if j.state is JobState.CANCELLED),
            retryable=sum(1 for j in jobs if j.can_retry),
        )
