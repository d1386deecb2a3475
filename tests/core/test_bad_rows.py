"""One bad row in the catalog is skipped or read without its bad value, and logged: never fatal."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from assistant.catalog import Citation, CitationKind, Store, TurnState


def test_a_malformed_citations_value_costs_only_that_turns_citations(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "catalog.sqlite3"
    with Store.open(path) as store:
        conv = store.create_conversation("Lighthouse", "claude-sonnet-4-5")
        good = store.start_turn(conv.id, "What did it cost?", "claude-sonnet-4-5")
        cite = Citation(CitationKind.PAGE, "2.4 million euros", 0, "report.pdf", "file_1", 1, 2, 0)
        store.finish_turn(good.id, state=TurnState.COMPLETE, answer="2.4 million euros.", citations=[cite])
        bad = store.start_turn(conv.id, "Who paid?", "claude-sonnet-4-5")
        store.finish_turn(bad.id, state=TurnState.COMPLETE, answer="The council.", citations=[cite])
        broken = store.start_turn(conv.id, "And the lamp?", "claude-sonnet-4-5")
    raw = sqlite3.connect(path)
    with raw:
        raw.execute("UPDATE turns SET citations = ? WHERE id = ?", ('[{"kind": "page", "cited', bad.id))
        raw.execute("UPDATE turns SET usage = ? WHERE id = ?", ("{not json", bad.id))
        raw.execute("UPDATE turns SET created_at = 'yesterday' WHERE id = ?", (broken.id,))
    raw.close()

    with caplog.at_level(logging.WARNING), Store.open(path) as store:
        turns = store.list_turns(conv.id)
        single = store.get_turn(bad.id)
        unreadable = store.get_turn(broken.id)
    assert [t.id for t in turns] == [good.id, bad.id]  # the unreadable one is skipped, not fatal
    assert turns[0].citations == (cite,)
    assert turns[1].answer == "The council." and turns[1].citations == () and turns[1].usage is None
    assert single is not None and single.answer == "The council."
    assert unreadable is None
    logged = caplog.text
    assert f"turn {bad.id}" in logged and "citations" in logged
    assert f"turn {broken.id}" in logged and "skipped" in logged
