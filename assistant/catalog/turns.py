"""The ``turns`` table: each question and its answer, written before the request is sent."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from assistant.catalog.db import Database
from assistant.catalog.records import Citation, Turn, TurnState, Usage
from assistant.catalog.schema import now, req_ts, to_ts

__all__ = ["Turns"]

log = logging.getLogger(__name__)

_COLUMNS = (
    "id, conversation_id, question, answer, citations, usage, cost_usd, state, error, model, "
    "created_at, updated_at, stop_reason"
)


def _value(row: sqlite3.Row, column: str, parse: Any) -> Any:
    """``parse(json.loads(value))``, or None (logged) when the stored value cannot be read: one bad
    value costs only itself, never the conversation or the start."""
    try:
        return parse(json.loads(row[column]))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        log.warning(
            "turn %s: its %s could not be read (%s); the turn is read without it", row["id"], column, exc
        )
        return None


def _readable(row: sqlite3.Row) -> Turn | None:
    """The turn of ``row``, or None (logged, skipped) when the row itself cannot be read."""
    try:
        return _turn(row)
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        log.warning("turn %s cannot be read and is skipped: %s", row["id"], exc)
        return None


def _turn(row: sqlite3.Row) -> Turn:
    usage = row["usage"]
    citations = _value(row, "citations", lambda items: tuple(Citation.from_json(c) for c in items))
    return Turn(
        id=row["id"],
        conversation_id=row["conversation_id"],
        question=row["question"],
        answer=row["answer"],
        citations=citations or (),
        usage=None if usage is None else _value(row, "usage", Usage.from_json),
        cost_usd=row["cost_usd"],
        state=TurnState(row["state"]),
        error=row["error"],
        model=row["model"],
        created_at=req_ts(row["created_at"]),
        updated_at=req_ts(row["updated_at"]),
        stop_reason=row["stop_reason"],
    )


def _citations_json(citations: Iterable[Citation]) -> str:
    return json.dumps([c.to_json() for c in citations], ensure_ascii=False)


class Turns(Database):
    """The turn methods of ``Store`` (``TurnWriter`` saves a streamed answer through them)."""

    def start_turn(self, conversation_id: int, question: str, model: str) -> Turn:
        """A new "streaming" turn; the conversation counts as updated now."""
        stamp = to_ts(now())
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO turns (conversation_id, question, state, model, created_at, updated_at) "
                "VALUES (?, ?, 'streaming', ?, ?, ?)",
                (conversation_id, question, model, stamp, stamp),
            )
            db.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (stamp, conversation_id))
            turn_id = int(cur.lastrowid or 0)
        turn = self.get_turn(turn_id)
        assert turn is not None
        return turn

    def save_partial(self, turn_id: int, answer: str, citations: Sequence[Citation] = ()) -> None:
        """The streamed answer so far."""
        with self._tx() as db:
            db.execute(
                "UPDATE turns SET answer = ?, citations = ?, updated_at = ? WHERE id = ?",
                (answer, _citations_json(citations), to_ts(now()), turn_id),
            )

    def finish_turn(
        self,
        turn_id: int,
        *,
        state: TurnState,
        answer: str,
        citations: Sequence[Citation] = (),
        usage: Usage | None = None,
        cost_usd: float | None = None,
        error: str | None = None,
        stop_reason: str | None = None,
    ) -> Turn:
        """The turn's final state; ``stop_reason`` is the API's reason the answer ended."""
        with self._tx() as db:
            db.execute(
                "UPDATE turns SET state = ?, answer = ?, citations = ?, usage = ?, cost_usd = ?, error = ?, "
                "stop_reason = ?, updated_at = ? WHERE id = ?",
                (
                    str(state),
                    answer,
                    _citations_json(citations),
                    None if usage is None else json.dumps(usage.to_json()),
                    cost_usd,
                    error,
                    stop_reason,
                    to_ts(now()),
                    turn_id,
                ),
            )
        turn = self.get_turn(turn_id)
        if turn is None:
            raise KeyError(turn_id)
        return turn

    def get_turn(self, turn_id: int) -> Turn | None:
        rows = self._query(f"SELECT {_COLUMNS} FROM turns WHERE id = ?", (turn_id,))
        return _readable(rows[0]) if rows else None

    def list_turns(self, conversation_id: int) -> list[Turn]:
        """Oldest first."""
        rows = self._query(
            f"SELECT {_COLUMNS} FROM turns WHERE conversation_id = ? ORDER BY id", (conversation_id,)
        )
        return [turn for turn in map(_readable, rows) if turn is not None]

    def delete_turn(self, turn_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM turns WHERE id = ?", (turn_id,))
