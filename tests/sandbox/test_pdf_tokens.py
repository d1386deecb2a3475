"""The sandbox bills a PDF document's pages as the API does: their text plus each page as an image."""

from __future__ import annotations

import base64
from typing import Any

from assistant.sandbox.reading.documents import page_image_tokens
from tests.helpers_pdf import make_pdf

PAGE = [
    f"Line {i}: the keepers inspected the stairs, the railings and the lamp; paint renewed on floor {i}."
    for i in range(40)
]


def test_page_image_tokens_follow_the_page_size() -> None:
    assert page_image_tokens(612, 792) == 1534  # US Letter: long edge 1568 px, brought to 1.15 MP
    assert 1500 <= page_image_tokens(595, 842) <= 1600  # A4
    assert page_image_tokens(200, 800) < 900  # a narrow receipt: far fewer pixels at 1568 px tall
    assert page_image_tokens(10_000, 10_000) == 1534  # any square page: the same capped size


def test_a_pdf_costs_its_text_plus_an_image_per_page(client: Any) -> None:
    text = "\n".join(PAGE)
    pdf = base64.b64encode(make_pdf([PAGE, PAGE, PAGE])).decode()

    def count(source: dict[str, str]) -> int:
        content = [{"type": "document", "source": source}, {"type": "text", "text": "?"}]
        messages = [{"role": "user", "content": content}]
        return int(client.messages.count_tokens(model="claude-sonnet-5-5", messages=messages).input_tokens)

    as_pdf = count({"type": "base64", "media_type": "application/pdf", "data": pdf})
    as_text = count({"type": "text", "media_type": "text/plain", "data": "\n\n".join([text] * 3)})
    images = 3 * page_image_tokens(612, 842)
    print(f"\n[pdf tokens] 3 pages: as PDF {as_pdf}, as text {as_text}, page images {images}")
    assert as_pdf - as_text >= images  # every page also billed as an image
    assert as_pdf <= as_text + images + 3 * 10  # and little else (page framing)
