"""The review grids' cells and the batches that fill them (requests written before they are sent)."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime

from assistant.catalog.db import Database
from assistant.catalog.records import Citation, Usage
from assistant.catalog.review_records import (
    BatchRequest,
    BatchStatus,
    Cell,
    CellKey,
    CellState,
    ReviewBatch,
    RunMode,
)
from assistant.catalog.schema import from_ts, now, req_ts, to_ts

__all__ = ["ReviewCells"]

log = logging.getLogger(__name__)

_CELL_SELECT = (
    "SELECT c.*, b.batch_id AS remote_batch_id FROM review_cells c "
    "LEFT JOIN review_batches b ON b.id = c.batch_row_id"
)
_OPEN = tuple(str(s) for s in BatchStatus if s.open)


def _cell(row: sqlite3.Row) -> Cell:
    sort_value: float | str | None = row["sort_num"] if row["sort_num"] is not None else row["sort_text"]
    try:
        citations = tuple(Citation.from_json(c) for c in json.loads(row["citations"] or "[]"))
    except (ValueError, TypeError, KeyError) as exc:
        log.warning("a review cell's citations could not be read (%s); shown without them", exc)
        citations = ()
    return Cell(
        review_id=row["review_id"],
        file_row_id=row["file_row_id"],
        question_id=row["question_id"],
        state=CellState(row["state"]),
        value=row["value"],
        sort_value=sort_value,
        answer=row["answer"],
        citations=citations,
        usage=None if row["usage"] is None else Usage.from_json(json.loads(row["usage"])),
        cost_usd=row["cost_usd"],
        interactive_cost_usd=row["interactive_cost_usd"],
        error=row["error"],
        why=row["why"],
        mode=None if row["mode"] is None else RunMode(row["mode"]),
        batch_id=row["remote_batch_id"],
        custom_id=row["custom_id"],
        updated_at=from_ts(row["updated_at"]),
    )


def _batch(row: sqlite3.Row) -> ReviewBatch:
    return ReviewBatch(
        id=row["id"],
        review_id=row["review_id"],
        batch_id=row["batch_id"],
        status=BatchStatus(row["status"]),
        model=row["model"],
        request_count=row["request_count"],
        part=row["part"],
        parts=row["parts"],
        created_at=req_ts(row["created_at"]),
        sent_at=from_ts(row["sent_at"]),
        ended_at=from_ts(row["ended_at"]),
        read_at=from_ts(row["read_at"]),
        error=row["error"],
        counts={str(k): int(v) for k, v in json.loads(row["counts"] or "{}").items()},
    )


def _cell_params(cell: Cell, batch_row_id: int | None, stamp: float | None) -> tuple[object, ...]:
    sort_num = float(cell.sort_value) if isinstance(cell.sort_value, (int, float)) else None
    sort_text = cell.sort_value if isinstance(cell.sort_value, str) else None
    return (
        cell.review_id,
        cell.file_row_id,
        cell.question_id,
        str(cell.state),
        cell.value,
        sort_num,
        sort_text,
        cell.answer,
        json.dumps([c.to_json() for c in cell.citations], ensure_ascii=False),
        None if cell.usage is None else json.dumps(cell.usage.to_json()),
        cell.cost_usd,
        cell.interactive_cost_usd,
        cell.error,
        cell.why,
        None if cell.mode is None else str(cell.mode),
        batch_row_id,
        cell.custom_id,
        stamp,
    )


_UPSERT = (
    "INSERT INTO review_cells (review_id, file_row_id, question_id, state, value, sort_num, sort_text, "
    "answer, citations, usage, cost_usd, interactive_cost_usd, error, why, mode, batch_row_id, custom_id, "
    "updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(review_id, file_row_id, question_id) DO UPDATE SET state = excluded.state, "
    "value = excluded.value, sort_num = excluded.sort_num, sort_text = excluded.sort_text, "
    "answer = excluded.answer, citations = excluded.citations, usage = excluded.usage, "
    "cost_usd = excluded.cost_usd, interactive_cost_usd = excluded.interactive_cost_usd, "
    "error = excluded.error, why = excluded.why, mode = excluded.mode, "
    "batch_row_id = COALESCE(excluded.batch_row_id, batch_row_id), "
    "custom_id = COALESCE(excluded.custom_id, custom_id), updated_at = excluded.updated_at"
)


class ReviewCells(Database):
    """The cell and batch methods of ``Store``."""

    # ------------------------------------------------------------------ cells

    def list_cells(self, review_id: int) -> list[Cell]:
        rows = self._query(f"{_CELL_SELECT} WHERE c.review_id = ?", (review_id,))
        return [_cell(r) for r in rows]

    def get_cell(self, review_id: int, key: CellKey) -> Cell | None:
        rows = self._query(
            f"{_CELL_SELECT} WHERE c.review_id = ? AND c.file_row_id = ? AND c.question_id = ?",
            (review_id, key.file_row_id, key.question_id),
        )
        return _cell(rows[0]) if rows else None

    def put_cells(self, cells: Iterable[Cell], batch_row_id: int | None = None) -> None:
        """Writes these cells (one transaction); a cell whose file or question is gone is skipped."""
        stamp = to_ts(now())
        cells = list(cells)
        reviews = sorted({c.review_id for c in cells})
        with self._tx() as db:
            live = {
                (r[0], r[1], r[2])
                for r in db.execute(
                    "SELECT rf.review_id, rf.file_row_id, q.id FROM review_files rf "
                    "JOIN review_questions q ON q.review_id = rf.review_id "
                    f"WHERE rf.review_id IN ({','.join('?' * len(reviews))})",
                    reviews,
                )
            }
            db.executemany(
                _UPSERT,
                [
                    _cell_params(c, batch_row_id, stamp)
                    for c in cells
                    if (c.review_id, c.file_row_id, c.question_id) in live
                ],
            )

    # ------------------------------------------------------------------ batches

    def add_review_batch(
        self,
        review_id: int,
        model: str,
        requests: Sequence[BatchRequest],
        *,
        part: int = 1,
        parts: int = 1,
        why: str = "Waiting to be sent as a batch.",
    ) -> ReviewBatch:
        """The batch (PREPARING), its requests and custom_id -> cell mapping, and its cells QUEUED: one
        transaction, before anything is sent."""
        stamp = to_ts(now())
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO review_batches (review_id, status, model, request_count, part, parts, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (review_id, str(BatchStatus.PREPARING), model, len(requests), part, parts, stamp),
            )
            batch_row_id = int(cur.lastrowid or 0)
            db.executemany(
                "INSERT INTO review_requests (batch_row_id, custom_id, file_row_id, question_id, params) "
                "VALUES (?, ?, ?, ?, ?)",
                [(batch_row_id, r.custom_id, r.file_row_id, r.question_id, r.params) for r in requests],
            )
            db.executemany(
                _UPSERT,
                [
                    _cell_params(
                        Cell(review_id, r.file_row_id, r.question_id, CellState.QUEUED, why=why,
                             mode=RunMode.BATCH, custom_id=r.custom_id),
                        batch_row_id,
                        stamp,
                    )
                    for r in requests
                ],
            )  # fmt: skip
        batch = self.get_review_batch(batch_row_id)
        assert batch is not None
        return batch

    def get_review_batch(self, batch_row_id: int) -> ReviewBatch | None:
        rows = self._query("SELECT * FROM review_batches WHERE id = ?", (batch_row_id,))
        return _batch(rows[0]) if rows else None

    def review_batch_by_remote(self, batch_id: str) -> ReviewBatch | None:
        rows = self._query("SELECT * FROM review_batches WHERE batch_id = ?", (batch_id,))
        return _batch(rows[0]) if rows else None

    def list_review_batches(
        self, review_id: int | None = None, *, open_only: bool = False
    ) -> list[ReviewBatch]:
        """Oldest first; ``open_only``: not read yet (preparing, sent, canceling, ended)."""
        where: list[str] = []
        params: list[object] = []
        if review_id is not None:
            where.append("review_id = ?")
            params.append(review_id)
        if open_only:
            where.append(f"status IN ({','.join('?' * len(_OPEN))})")
            params.extend(_OPEN)
        sql = "SELECT * FROM review_batches" + (f" WHERE {' AND '.join(where)}" if where else "")
        return [_batch(r) for r in self._query(sql + " ORDER BY id", params)]

    def batch_requests(self, batch_row_id: int) -> list[BatchRequest]:
        rows = self._query(
            "SELECT custom_id, file_row_id, question_id, params FROM review_requests WHERE batch_row_id = ? "
            "ORDER BY rowid",
            (batch_row_id,),
        )
        return [BatchRequest(r[0], r[1], r[2], r[3]) for r in rows]

    def batch_cells(self, batch_row_id: int) -> dict[str, CellKey]:
        """custom_id -> the cell it answers."""
        rows = self._query(
            "SELECT custom_id, file_row_id, question_id FROM review_requests WHERE batch_row_id = ?",
            (batch_row_id,),
        )
        return {r[0]: CellKey(r[1], r[2]) for r in rows}

    def update_review_batch(
        self,
        batch_row_id: int,
        *,
        status: BatchStatus | None = None,
        batch_id: str | None = None,
        counts: dict[str, int] | None = None,
        sent_at: datetime | None = None,
        ended_at: datetime | None = None,
        read_at: datetime | None = None,
        error: str | None = None,
    ) -> ReviewBatch:
        sets: dict[str, object] = {
            "status": None if status is None else str(status),
            "batch_id": batch_id,
            "counts": None if counts is None else json.dumps(counts),
            "sent_at": to_ts(sent_at),
            "ended_at": to_ts(ended_at),
            "read_at": to_ts(read_at),
            "error": error,
        }
        given = {k: v for k, v in sets.items() if v is not None}
        if given:
            with self._tx() as db:
                db.execute(
                    f"UPDATE review_batches SET {', '.join(f'{k} = ?' for k in given)} WHERE id = ?",
                    (*given.values(), batch_row_id),
                )
        batch = self.get_review_batch(batch_row_id)
        if batch is None:
            raise KeyError(batch_row_id)
        return batch

    def set_batch_cells(
        self,
        batch_row_id: int,
        state: CellState,
        why: str,
        *,
        error: str | None = None,
        only_pending: bool = True,
    ) -> None:
        """Every cell this batch still holds (QUEUED/RUNNING, or all with ``only_pending`` False) set so."""
        pending = " AND state IN ('queued', 'running')" if only_pending else ""
        with self._tx() as db:
            db.execute(
                f"UPDATE review_cells SET state = ?, why = ?, error = ?, updated_at = ? "
                f"WHERE batch_row_id = ?{pending}",
                (str(state), why, error, to_ts(now()), batch_row_id),
            )
