"""Reading the SDK's objects into the catalog's records: citations and token usage.

Each takes an SDK object (a pydantic model) or its dict, so tests and recorded streams can pass plain dicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from assistant.catalog import Citation, CitationKind, Usage
from assistant.documents.pdf_text import page_range

__all__ = ["citation_from_api", "on_pages", "usage_from_api"]

# The API's citation types the app shows, with the fields that hold their start and end.
_LOCATIONS = {
    "page_location": (CitationKind.PAGE, "start_page_number", "end_page_number"),
    "char_location": (CitationKind.CHAR, "start_char_index", "end_char_index"),
}


def _data(obj: Any) -> dict[str, Any]:
    data: dict[str, Any] = obj if isinstance(obj, dict) else obj.model_dump()
    return data


def citation_from_api(obj: Any) -> Citation | None:
    """From an SDK citation object or its dict; None for kinds the app does not show."""
    data = _data(obj)
    location = _LOCATIONS.get(str(data.get("type")))
    if location is None:
        return None
    kind, start, end = location
    return Citation(
        kind,
        str(data.get("cited_text") or ""),
        int(data.get("document_index") or 0),
        data.get("document_title"),
        data.get("file_id"),
        int(data.get(start) or 0),
        int(data.get(end) or 0),
    )


def on_pages(citation: Citation, page_starts: Sequence[int]) -> Citation:
    """A ``char_location`` citation of a PDF sent as text, as the pages it is on (``page_starts``: where
    each page starts in the text sent): it says "page 14" and opens the PDF there, like a citation of
    the PDF itself. Any other citation as it is."""
    if citation.kind is not CitationKind.CHAR or not page_starts:
        return citation
    first, end = page_range(page_starts, citation.start, citation.end)
    return replace(citation, kind=CitationKind.PAGE, start=first, end=end)


def usage_from_api(obj: Any) -> Usage:
    """From an SDK ``Usage`` (or ``MessageDeltaUsage``) object or its dict."""
    data = _data(obj)
    creation = int(data.get("cache_creation_input_tokens") or 0)
    detail = data.get("cache_creation") or {}
    w5 = int(detail.get("ephemeral_5m_input_tokens") or 0)
    w1 = int(detail.get("ephemeral_1h_input_tokens") or 0)
    if creation and not (w5 or w1):
        w5 = creation  # no breakdown: the default TTL is 5 minutes
    return Usage(
        int(data.get("input_tokens") or 0),
        int(data.get("output_tokens") or 0),
        creation,
        int(data.get("cache_read_input_tokens") or 0),
        w5,
        w1,
    )
