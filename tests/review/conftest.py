"""Fixtures of the review tests: the review service on the sandbox, three supplier contracts uploaded."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.catalog import Store
from assistant.review import AnswerType, BatchProgress, QuestionSpec, ReviewService

MODEL = "claude-sonnet-5-5"

NOTICE = QuestionSpec("What is the notice period for termination?", AnswerType.NUMBER)
CAP = QuestionSpec("What is the liability cap amount?", AnswerType.AMOUNT)


def contract(name: str, days: int, cap: str, signed: str) -> str:
    filler = " ".join(
        f"Schedule {i}. Deliveries of goods are made to the warehouse on weekdays; the buyer inspects "
        f"the goods within five working days and reports defects in writing to the supplier's service desk."
        for i in range(1, 40)
    )
    return (
        f"Supply agreement between {name} Ltd (the supplier) and Harbour Foods (the buyer), "
        f"signed {signed}.\n\n"
        f"Termination. Either party may terminate this agreement with a notice period of {days} days, "
        "given in writing.\n\n"
        f"Liability. The liability cap of the supplier is {cap} per year for all claims together.\n\n"
        f"{filler}\n"
    )


CONTRACTS = {
    "acme-supply.txt": contract("Acme", 90, "EUR 2,000,000", "12 March 2024"),
    "borealis-supply.txt": contract("Borealis", 30, "USD 500,000", "1 June 2023"),
    "cobalt-supply.txt": contract("Cobalt", 14, "GBP 750,000", "31 March 2025"),
}


@pytest.fixture
def reviews(client: Any, store: Store) -> ReviewService:
    return ReviewService(client, store, max_tokens=512, parallel=3)


@pytest.fixture
def contracts(files: Any, tmp_path: Path) -> list[int]:
    """The three contracts uploaded (catalog row ids, in name order)."""
    folder = tmp_path / "contracts"
    folder.mkdir()
    ids = []
    for name, text in CONTRACTS.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        ids.append(files.upload(path).record.id)
    return ids


def wait_ended(
    reviews: ReviewService, batch_id: str, seen: Callable[[BatchProgress], None] | None = None
) -> BatchProgress:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        progress = reviews.poll(batch_id)
        if seen is not None:
            seen(progress)
        if progress.ended:
            return progress
        time.sleep(0.02)
    raise AssertionError("the batch did not end")
