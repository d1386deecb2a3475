"""Export of a review grid: CSV, XLSX (openpyxl) or Markdown, picked by the path's suffix.

One row per file (first column "File"), then for each question two columns: the value, and
"<question> — quote" with the supporting quote and its page ('"..." (p. 3)'). Markdown puts the
quotes as footnotes under the table instead. Cells not answered say why ("not stated", "errored: ...").
"""

from __future__ import annotations

from pathlib import Path

from assistant.review.records import ReviewGrid

__all__ = ["EXPORT_SUFFIXES", "export_grid"]

EXPORT_SUFFIXES = (".csv", ".xlsx", ".md")


def export_grid(grid: ReviewGrid, path: Path) -> Path:
    """Writes ``grid`` to ``path`` (suffix .csv, .xlsx or .md; any other: ValueError with the choices)."""
    raise NotImplementedError
