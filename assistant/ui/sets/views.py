"""What the sets sidebar and dialogs show of a document set: small frozen records built from the
catalog in a worker (``backend``), never read back from a widget."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.catalog.set_records import SetSummary, format_summary

__all__ = ["SetView", "plural"]


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class SetView:
    """One document set as the sidebar shows it."""

    id: int
    name: str
    files: int = 0  # the catalog files in the set
    folder: str | None = None  # the linked folder, if any
    instructions: str = ""
    counts: SetSummary = field(default_factory=SetSummary)
    folder_problem: str = ""  # the linked folder is gone, unreadable…: said on the set
    patterns: tuple[str, ...] = ()  # the linked folder's ignore patterns

    @property
    def summary(self) -> str:
        """The sidebar's second line: the sync summary of a watched set, else how many files."""
        if self.folder_problem:
            return self.folder_problem
        if self.folder:
            return format_summary(self.counts)
        return plural(self.files, "file")
