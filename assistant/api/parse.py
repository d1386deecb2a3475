"""Reading the SDK's objects into the catalog's records: citations and token usage.

Each takes an SDK object (a pydantic model) or its dict, so tests and recorded streams can pass plain dicts.
"""

from __future__ import annotations

from typing import Any

from assistant.catalog import Citation, CitationKind, Usage

__all__ = ["citation_from_api", "usage_from_api"]

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
