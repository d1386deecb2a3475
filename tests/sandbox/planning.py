"""Helpers for the sandbox tests below HTTP: a stand-in file store, request bodies, answer readers."""

from __future__ import annotations

import io
import pathlib
from collections.abc import Callable
from typing import Any

import pypdf
import pytest

from assistant.sandbox.answer.cache import CacheLedger
from assistant.sandbox.answer.plan import MessagePlan, plan_message
from assistant.sandbox.errors import ApiError
from assistant.sandbox.request.parser import count_request_tokens
from assistant.sandbox.storage import ResolvedFile

MODEL = "claude-sonnet-4-5"

REFUND_TEXT = (
    "Welcome to the Acme handbook.\n\n"
    "Our refund policy allows returns within 30 days of purchase. Refunds are paid to the original card "
    "within five business days.\n\n"
    "Shipping is free for orders over fifty euros. Parcels travel with a tracked courier.\n\n"
    "The office is closed on public holidays."
)

PDF_PAGES = [
    ["Acme Annual Report 2025", "This report covers the financial year.", "Revenue grew strongly."],
    [
        "Employee wellbeing improved across all offices.",
        "",
        "The board approved a new parental leave scheme of sixteen weeks.",
    ],
    ["Risks include currency exposure and supplier concentration.", "Outlook remains positive."],
]


class Files:
    """A stand-in for the server's file store: file id -> ResolvedFile, 404s like the server."""

    def __init__(self, root: pathlib.Path) -> None:
        self.root = root
        self.files: dict[str, ResolvedFile] = {}
        self.expired: set[str] = set()
        self.calls: list[str] = []

    def add(self, filename: str, mime_type: str, data: bytes) -> str:
        file_id = f"file_{len(self.files) + 1:04d}"
        path = self.root / file_id
        path.write_bytes(data)
        self.files[file_id] = ResolvedFile(file_id, filename, mime_type, path, len(data))
        return file_id

    def __call__(self, file_id: str) -> ResolvedFile:
        self.calls.append(file_id)
        if file_id in self.expired:
            raise ApiError(404, f"File {file_id} has expired.", error_code="file_expired")
        if file_id not in self.files:
            raise ApiError(404, f"File {file_id} not found.")
        return self.files[file_id]


def doc_file(file_id: str, *, citations: bool | None = True, **extra: Any) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "document", "source": {"type": "file", "file_id": file_id}, **extra}
    if citations is not None:
        block["citations"] = {"enabled": citations}
    return block


def doc_text(data: str, *, citations: bool | None = True, **extra: Any) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "document",
        "source": {"type": "text", "media_type": "text/plain", "data": data},
        **extra,
    }
    if citations is not None:
        block["citations"] = {"enabled": citations}
    return block


def ask(*blocks: dict[str, Any], question: str | None, **top: Any) -> dict[str, object]:
    content = list(blocks)
    if question is not None:
        content.append({"type": "text", "text": question})
    body: dict[str, object] = {
        "model": MODEL,
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": content}],
    }
    body.update(top)
    return body


def plan(
    body: dict[str, object],
    files: Callable[[str], ResolvedFile],
    ledger: CacheLedger | None = None,
    now: float = 1_000_000.0,
) -> MessagePlan:
    return plan_message(body, files, ledger if ledger is not None else CacheLedger(), now)


def full_text(result: MessagePlan) -> str:
    return "".join(block.text for block in result.blocks)


def citations(result: MessagePlan) -> list[dict[str, object]]:
    return [c for block in result.blocks for c in block.citations]


def pdf_page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def total(usage: dict[str, object]) -> int:
    values = [usage["input_tokens"], usage["cache_read_input_tokens"], usage["cache_creation_input_tokens"]]
    assert all(isinstance(v, int) for v in values)
    return sum(v for v in values if isinstance(v, int))


def creation(usage: dict[str, object]) -> dict[str, object]:
    split = usage["cache_creation"]
    assert isinstance(split, dict)
    return split


def rejected(body: dict[str, object], files: Files) -> ApiError:
    with pytest.raises(ApiError) as caught:
        plan(body, files)
    assert caught.value.status == 400, caught.value
    with pytest.raises(ApiError):
        count_request_tokens(body, files)
    return caught.value
