"""Turns are written before the request is sent and saved as they grow (TurnWriter); a crash leaves
an incomplete turn, never a lost one."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from assistant.catalog import Citation, CitationKind, Store, TurnState, TurnWriter, Usage


def test_turn_written_before_send_and_interrupted_reads_incomplete(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with Store.open(path) as store:
        conv = store.create_conversation("t", "m")
        turn = store.start_turn(conv.id, "What is it?", "m")
        assert turn.state is TurnState.STREAMING and turn.answer == ""
        clock = [0.0]
        writer = TurnWriter(store, turn.id, interval=1.0, clock=lambda: clock[0])
        writer.append("Hello")  # first append saves at once
        clock[0] = 0.5
        writer.append(", wor")  # within the interval: not yet saved
        assert store.get_turn(turn.id).answer == "Hello"  # type: ignore[union-attr]
        clock[0] = 1.2
        writer.append("ld")
        c = Citation(CitationKind.PAGE, "text", 0, "a.pdf", "file_x", 1, 2)
        writer.add_citation(c)
        saved = store.get_turn(turn.id)
        assert saved is not None and saved.answer == "Hello, world"
        # the process dies here: nothing else is written
    with Store.open(path) as store:
        (again,) = store.list_turns(conv.id)
        assert again.state is TurnState.INCOMPLETE
        assert again.answer == "Hello, world"


def test_turn_complete_keeps_usage_citations_and_cost(store: Store) -> None:
    conv = store.create_conversation("t", "m")
    turn = store.start_turn(conv.id, "q", "m")
    writer = TurnWriter(store, turn.id)
    writer.append("answer")
    cit = Citation(CitationKind.CHAR, "abc", 1, "notes.txt", "file_1", 3, 6)
    writer.add_citation(cit)
    usage = Usage(10, 20, 30, 40, 30, 0)
    done = writer.complete(usage, 0.0123)
    assert done.state is TurnState.COMPLETE
    assert done.citations == (cit,)
    assert done.usage == usage and done.cost_usd == pytest.approx(0.0123)
    failed = TurnWriter(store, store.start_turn(conv.id, "q2", "m").id).fail("Rate limited")
    assert failed.state is TurnState.FAILED and failed.error == "Rate limited"


def test_concurrent_writers_from_threads(store: Store) -> None:
    conv = store.create_conversation("t", "m")
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                t = store.start_turn(conv.id, f"{n}-{i}", "m")
                store.save_partial(t.id, "x" * i)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(store.list_turns(conv.id)) == 200


def test_stop_reason_is_kept_and_read_again(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with Store.open(path) as store:
        conv = store.create_conversation("t", "m")
        cut = store.start_turn(conv.id, "Tell me everything.", "m")
        assert cut.stop_reason is None
        writer = TurnWriter(store, cut.id)
        writer.append("It began in")
        done = writer.complete(Usage(10, 5), 0.001, stop_reason="max_tokens")
        assert done.state is TurnState.COMPLETE and done.stop_reason == "max_tokens"
        failed = TurnWriter(store, store.start_turn(conv.id, "And?", "m").id).fail("It failed.")
        assert failed.stop_reason is None
    with Store.open(path) as store:
        assert [t.stop_reason for t in store.list_turns(conv.id)] == ["max_tokens", None]
