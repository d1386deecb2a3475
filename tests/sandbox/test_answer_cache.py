"""Prompt caching below HTTP: writes, reads, lookback, TTLs, and what is never a breakpoint."""

from __future__ import annotations

from typing import Any

from assistant.sandbox.answer.cache import MIN_CACHEABLE_TOKENS, CacheLedger
from assistant.sandbox.request.parser import count_request_tokens
from assistant.sandbox.request.records import REQUEST_TAIL_TOKENS

from .planning import MODEL, REFUND_TEXT, Files, ask, creation, doc_file, doc_text, plan, rejected, total

BIG_TEXT = "\n\n".join(
    f"Section {n}. The warehouse in district {n} stores spare parts, tools and packaging material "
    f"for the northern region; inventory is checked every {n % 7 + 1} weeks by the logistics team."
    for n in range(80)
)


def conversation(turns: int, *, ttl: str | None = None, automatic: bool = False) -> dict[str, object]:
    """A conversation over BIG_TEXT with `turns` user questions; the document carries the breakpoint."""
    control: dict[str, Any] = {"type": "ephemeral"} | ({"ttl": ttl} if ttl else {})
    document = doc_text(BIG_TEXT, title="Warehouses") | ({} if automatic else {"cache_control": control})
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": [document, {"type": "text", "text": "Which team checks inventory?"}]}
    ]
    for n in range(1, turns):
        messages.append({"role": "assistant", "content": f"Answer number {n}."})
        messages.append({"role": "user", "content": f"And what about district {n}?"})
    body: dict[str, object] = {"model": MODEL, "max_tokens": 300, "messages": messages}
    if automatic:
        body["cache_control"] = control
    return body


def test_first_turn_writes_the_cache_and_the_next_turn_reads_it(files: Files) -> None:
    ledger = CacheLedger()
    first = plan(conversation(1), files, ledger, now=0.0).usage
    assert first["cache_read_input_tokens"] == 0
    written = first["cache_creation_input_tokens"]
    assert isinstance(written, int) and written >= MIN_CACHEABLE_TOKENS
    assert creation(first) == {"ephemeral_5m_input_tokens": written, "ephemeral_1h_input_tokens": 0}
    assert 0 < int(str(first["input_tokens"])) < 40  # the question after the breakpoint

    body = conversation(2)
    second = plan(body, files, ledger, now=60.0).usage
    assert second["cache_read_input_tokens"] == written
    assert second["cache_creation_input_tokens"] == 0
    assert total(second) == count_request_tokens(body, files)


def test_a_changed_prefix_is_not_read(files: Files) -> None:
    ledger = CacheLedger()
    plan(conversation(1), files, ledger, now=0.0)
    changed = conversation(1)
    changed["model"] = "claude-opus-4-5"
    assert plan(changed, files, ledger, now=1.0).usage["cache_read_input_tokens"] == 0
    edited = conversation(1)
    messages = edited["messages"]
    assert isinstance(messages, list)
    messages[0]["content"][0]["source"]["data"] = BIG_TEXT + " Edited."
    assert plan(edited, files, ledger, now=2.0).usage["cache_read_input_tokens"] == 0


def test_automatic_caching_reads_the_previous_turn_through_lookback(files: Files) -> None:
    ledger = CacheLedger()
    first = plan(conversation(1, automatic=True), files, ledger, now=0.0).usage
    written = first["cache_creation_input_tokens"]
    assert isinstance(written, int) and written > MIN_CACHEABLE_TOKENS
    assert (
        first["input_tokens"] == REQUEST_TAIL_TOKENS
    )  # only the framing of the assistant's turn follows the last block
    body = conversation(2, automatic=True)
    second = plan(body, files, ledger, now=10.0).usage
    assert second["cache_read_input_tokens"] == written
    assert int(str(second["cache_creation_input_tokens"])) > 0  # the new turn is written
    assert total(second) == count_request_tokens(body, files)
    third = plan(conversation(3, automatic=True), files, ledger, now=20.0).usage
    assert int(str(third["cache_read_input_tokens"])) == written + int(
        str(second["cache_creation_input_tokens"])
    )


def test_entries_expire_after_their_ttl_and_hits_refresh_them(files: Files) -> None:
    ledger = CacheLedger()
    plan(conversation(1), files, ledger, now=0.0)
    assert plan(conversation(1), files, ledger, now=299.0).usage["cache_read_input_tokens"] != 0
    # The hit at 299 s refreshed the entry: still there at 500 s, gone 5 minutes after the last use.
    assert plan(conversation(1), files, ledger, now=500.0).usage["cache_read_input_tokens"] != 0
    late = plan(conversation(1), files, ledger, now=801.0).usage
    assert late["cache_read_input_tokens"] == 0
    assert int(str(late["cache_creation_input_tokens"])) > 0


def test_one_hour_entries_outlive_five_minutes(files: Files) -> None:
    ledger = CacheLedger()
    first = plan(conversation(1, ttl="1h"), files, ledger, now=0.0).usage
    assert creation(first)["ephemeral_5m_input_tokens"] == 0
    assert creation(first)["ephemeral_1h_input_tokens"] == first["cache_creation_input_tokens"]
    assert plan(conversation(1, ttl="1h"), files, ledger, now=1800.0).usage["cache_read_input_tokens"] != 0
    assert (
        plan(conversation(1, ttl="1h"), files, ledger, now=1800.0 + 3601).usage["cache_read_input_tokens"]
        == 0
    )


def test_creation_is_split_between_one_hour_and_five_minute_breakpoints(files: Files) -> None:
    system = [{"type": "text", "text": BIG_TEXT, "cache_control": {"type": "ephemeral", "ttl": "1h"}}]
    body = ask(
        doc_text(REFUND_TEXT * 30, cache_control={"type": "ephemeral"}), question="refunds?", system=system
    )
    system_only = count_request_tokens(
        {"model": MODEL, "max_tokens": 5, "system": system, "messages": [{"role": "user", "content": "x"}]},
        files,
    )
    usage = plan(body, files).usage
    split = creation(usage)
    one_hour, five_minutes = split["ephemeral_1h_input_tokens"], split["ephemeral_5m_input_tokens"]
    assert isinstance(one_hour, int) and isinstance(five_minutes, int)
    assert one_hour > MIN_CACHEABLE_TOKENS and five_minutes > 0
    assert usage["cache_creation_input_tokens"] == one_hour + five_minutes
    # The 1h part is the system prompt: the whole small request minus its message and framing.
    assert system_only - 20 < one_hour < system_only
    assert total(usage) == count_request_tokens(body, files)


def test_a_prefix_under_the_minimum_is_not_cached(files: Files) -> None:
    ledger = CacheLedger()
    body = ask(doc_text(REFUND_TEXT, cache_control={"type": "ephemeral"}), question="refunds?")
    assert count_request_tokens(body, files) < MIN_CACHEABLE_TOKENS
    for now in (0.0, 1.0):
        usage = plan(body, files, ledger, now=now).usage
        assert usage["cache_creation_input_tokens"] == 0 and usage["cache_read_input_tokens"] == 0
        assert usage["input_tokens"] == count_request_tokens(body, files)
    assert len(ledger) == 0


def test_counting_tokens_does_not_touch_the_cache(files: Files) -> None:
    ledger = CacheLedger()
    count_request_tokens(conversation(1), files)
    usage = plan(conversation(1), files, ledger, now=0.0).usage
    assert usage["cache_read_input_tokens"] == 0 and int(str(usage["cache_creation_input_tokens"])) > 0


def test_file_documents_are_cached_by_file_id(files: Files) -> None:
    first_id = files.add("w.txt", "text/plain", BIG_TEXT.encode())
    second_id = files.add("w.txt", "text/plain", BIG_TEXT.encode())
    ledger = CacheLedger()
    control = {"cache_control": {"type": "ephemeral"}}
    plan(ask(doc_file(first_id, **control), question="inventory?"), files, ledger, now=0.0)
    same = plan(ask(doc_file(first_id, **control), question="other question?"), files, ledger, now=1.0).usage
    assert int(str(same["cache_read_input_tokens"])) > MIN_CACHEABLE_TOKENS
    other = plan(ask(doc_file(second_id, **control), question="inventory?"), files, ledger, now=2.0).usage
    assert other["cache_read_input_tokens"] == 0


def test_tools_come_first_in_the_cached_prefix(files: Files) -> None:
    tools = [
        {"name": f"tool_{n}", "description": BIG_TEXT[:3000], "input_schema": {"type": "object"}}
        for n in range(2)
    ]
    tools[-1]["cache_control"] = {"type": "ephemeral"}
    body = ask(question="Which tool?", tools=tools)
    ledger = CacheLedger()
    first = plan(body, files, ledger, now=0.0).usage
    written = first["cache_creation_input_tokens"]
    assert isinstance(written, int) and written > MIN_CACHEABLE_TOKENS
    body["system"] = "A new system prompt after the tools does not change the tools' prefix."
    second = plan(body, files, ledger, now=1.0).usage
    assert second["cache_read_input_tokens"] == written
    assert total(second) == count_request_tokens(body, files)


def test_thinking_blocks_are_never_breakpoints(files: Files) -> None:
    thinking = {"type": "thinking", "thinking": "Let me see.", "signature": "sig"}
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": [doc_text(BIG_TEXT), {"type": "text", "text": "q"}]},
        {"role": "assistant", "content": [thinking | {"cache_control": {"type": "ephemeral"}}]},
    ]
    error = rejected({"model": MODEL, "max_tokens": 10, "messages": messages}, files)
    assert "thinking" in error.message
    # Automatic caching puts its breakpoint on the last block that can carry one.
    messages[1]["content"] = [thinking]
    body: dict[str, object] = {
        "model": MODEL,
        "max_tokens": 10,
        "messages": messages,
        "cache_control": {"type": "ephemeral"},
    }
    usage = plan(body, files).usage
    assert int(str(usage["cache_creation_input_tokens"])) > MIN_CACHEABLE_TOKENS
    thinking_tokens = count_request_tokens(body, files) - count_request_tokens(
        {"model": MODEL, "max_tokens": 10, "messages": messages[:1]}, files
    )
    assert usage["input_tokens"] == thinking_tokens + REQUEST_TAIL_TOKENS
