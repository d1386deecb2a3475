"""What questions on a document bill, against the floor prompt caching allows (run by `make bench`).

Against the sandbox's deterministic counting and cache accounting, through the chat service as the
app sends (the documents a byte-identical prefix with a breakpoint, a second on the question):

1. Ten questions on one ~25k-token text document, asked back to back with the 5-minute TTL: billed
   input cost against the naive cost (every input token at the input price), beside the floor caching
   allows, computed in the same run: (1.25 + 9 x 0.1) / 10 of the naive input cost. Must be within 1.05x.
2. The same ten questions with 6-minute pauses (the sandbox's clock moved): Automatic TTL against a
   fixed 5-minute TTL; Automatic must bill less, and the figure says how much.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.api.chat import ChatService, Done
from assistant.api.files import FileService
from assistant.api.pricing import load_prices, turn_cost
from assistant.catalog import Store, Usage

MODEL = "claude-sonnet-5-5"
QUESTIONS = [
    "What did the keepers inspect on the stairs?",
    "How was the lamp maintained?",
    "What did the weather station record?",
    "Which floor had its paint renewed?",
    "Who cleaned the lantern glass?",
    "Was any structural damage found?",
    "What happened to the copper dome?",
    "When were the railings checked?",
    "What did the volunteers do in summer?",
    "How far does the beam reach?",
]


def _document(path: Path) -> Path:
    words = ["stairs", "railings", "windows", "copper", "dome", "lamp", "lantern", "glass", "paint", "floor"]
    lines = [
        f"Log entry {i}. On day {i} the keepers inspected the {words[i % 10]} and the {words[(i * 3) % 10]}; "
        f"the weather station recorded wind of {i % 40} knots, rain and salt spray; paint was renewed on "
        f"floor {i % 9}; the volunteers cleaned the lantern glass and noted no structural damage."
        for i in range(1, 345)
    ]
    path.write_text("\n\n".join(lines), encoding="utf-8")
    return path


def _ask_all(chat: ChatService, store: Store, conv_id: int, pause: float, sandbox: Any) -> list[Usage]:
    usages = []
    for question in QUESTIONS:
        events = list(chat.ask(conv_id, question))
        done = [e for e in events if isinstance(e, Done)]
        assert done, f"no answer to {question!r}: {events[-1]}"
        usages.append(done[0].usage)
        sandbox.clock.advance(pause)
    return usages


def _costs(usages: list[Usage]) -> tuple[float, float, int]:
    """(billed input cost, naive input cost, document-read tokens of the first question)."""
    price = load_prices().price_for(MODEL)
    assert price is not None
    billed = naive = 0.0
    for usage in usages:
        cost = turn_cost(usage, MODEL)
        assert cost is not None
        billed += cost.input + cost.cache_write + cost.cache_read
        naive += usage.total_input_tokens * price.input / 1e6
    return billed, naive, usages[0].total_input_tokens


@pytest.fixture
def document(tmp_path: Path, client: Any, store: Store) -> Any:
    return FileService(client, store, retention_seconds=86_400).upload(_document(tmp_path / "log.txt")).record


def _conversation(store: Store, document: Any) -> int:
    conv = store.create_conversation("Bench", MODEL)
    store.set_conversation_files(conv.id, [document.id])
    return conv.id


def test_ten_questions_bill_within_five_percent_of_the_caching_floor(
    client: Any, store: Store, sandbox: Any, document: Any
) -> None:
    chat = ChatService(client, store, max_tokens=1024, cache_ttl="5m", clock=sandbox.clock.now)
    usages = _ask_all(chat, store, _conversation(store, document), 1.0, sandbox)
    billed, naive, tokens = _costs(usages)
    floor = (1.25 + 9 * 0.1) / 10
    ratio = billed / naive
    print(
        f"\n[cost 10 questions, 5m TTL] document prompt {tokens:,} tokens: billed input {ratio:.1%} of "
        f"naive (${billed:.4f} vs ${naive:.4f}); floor {floor:.1%}; {ratio / floor:.3f}x the floor"
    )
    assert usages[0].cache_creation_input_tokens > 20_000
    assert all(u.cache_read_input_tokens > 20_000 for u in usages[1:])
    assert ratio <= 1.05 * floor


def test_automatic_ttl_bills_less_than_five_minutes_with_six_minute_pauses(
    client: Any, store: Store, sandbox: Any, document: Any
) -> None:
    results = {}
    for setting in ("5m", "auto"):
        chat = ChatService(client, store, max_tokens=1024, cache_ttl=setting, clock=sandbox.clock.now)
        usages = _ask_all(chat, store, _conversation(store, document), 360.0, sandbox)
        results[setting] = _costs(usages)
        sandbox.clock.advance(7200)  # the other run starts with a cold cache
    fixed, auto = results["5m"][0], results["auto"][0]
    naive = results["5m"][1]
    print(
        f"\n[cost 10 questions, 6 min pauses] fixed 5m TTL ${fixed:.4f} ({fixed / naive:.1%} of naive), "
        f"Automatic ${auto:.4f} ({auto / naive:.1%} of naive): Automatic bills {auto / fixed:.1%} of the "
        f"fixed 5-minute TTL, {1 - auto / fixed:.1%} less"
    )
    assert auto < fixed
