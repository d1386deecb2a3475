"""Reading the SDK's citations and usage into catalog records (dicts stand for SDK objects)."""

from __future__ import annotations

from assistant.api.parse import citation_from_api, usage_from_api
from assistant.catalog import Citation, CitationKind, Usage


def test_usage_from_api_dict_without_breakdown() -> None:
    u = usage_from_api(
        {
            "input_tokens": 5,
            "output_tokens": 7,
            "cache_creation_input_tokens": 100,
            "cache_read_input_tokens": None,
        }
    )
    assert u == Usage(5, 7, 100, 0, 100, 0)
    u2 = usage_from_api(
        {
            "input_tokens": 1,
            "cache_creation_input_tokens": 9,
            "cache_creation": {"ephemeral_5m_input_tokens": 4, "ephemeral_1h_input_tokens": 5},
        }
    )
    assert (u2.cache_write_5m_tokens, u2.cache_write_1h_tokens) == (4, 5)


def test_citation_from_api() -> None:
    c = citation_from_api(
        {
            "type": "page_location",
            "cited_text": "x",
            "document_index": 1,
            "document_title": "a.pdf",
            "file_id": "f",
            "start_page_number": 2,
            "end_page_number": 3,
        }
    )
    assert c == Citation(CitationKind.PAGE, "x", 1, "a.pdf", "f", 2, 3)
    text = {"type": "char_location", "cited_text": "y", "start_char_index": 4, "end_char_index": 9}
    assert citation_from_api(text) == Citation(CitationKind.CHAR, "y", 0, None, None, 4, 9)
    assert citation_from_api({"type": "web_search_result_location"}) is None
