"""The review grids' reviews, their rows (files) and columns (questions), and saved question sets."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from assistant.catalog.db import Database
from assistant.catalog.review_records import AnswerType, Question, QuestionSet, QuestionSpec, Review
from assistant.catalog.schema import now, req_ts, to_ts

__all__ = ["Reviews", "specs_from_json", "specs_to_json"]


def specs_to_json(specs: Sequence[QuestionSpec]) -> str:
    return json.dumps(
        [{"text": q.text, "type": str(q.type), "categories": list(q.categories)} for q in specs],
        ensure_ascii=False,
    )


def specs_from_json(text: str) -> tuple[QuestionSpec, ...]:
    return tuple(
        QuestionSpec(
            str(q["text"]), AnswerType(q.get("type", "text")), tuple(map(str, q.get("categories", ())))
        )
        for q in json.loads(text)
    )


def _question(row: sqlite3.Row) -> Question:
    return Question(
        row["id"],
        row["review_id"],
        row["text"],
        AnswerType(row["type"]),
        tuple(json.loads(row["categories"] or "[]")),
    )


def _set(row: sqlite3.Row) -> QuestionSet:
    return QuestionSet(
        row["id"],
        row["name"],
        specs_from_json(row["questions"]),
        req_ts(row["created_at"]),
        req_ts(row["updated_at"]),
    )


class Reviews(Database):
    """The review methods of ``Store``: reviews, their files and questions, question sets."""

    # ------------------------------------------------------------------ reviews

    def create_review(
        self, title: str, model: str, file_row_ids: Sequence[int], questions: Sequence[QuestionSpec] = ()
    ) -> Review:
        stamp = to_ts(now())
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO reviews (title, model, created_at, updated_at) VALUES (?, ?, ?, ?)",
                (title, model, stamp, stamp),
            )
            review_id = int(cur.lastrowid or 0)
            self._write_files(db, review_id, file_row_ids)
            for position, spec in enumerate(questions):
                self._insert_question(db, review_id, position, spec)
        review = self.get_review(review_id)
        assert review is not None
        return review

    def get_review(self, review_id: int) -> Review | None:
        rows = self._query("SELECT * FROM reviews WHERE id = ?", (review_id,))
        return self._review(rows[0]) if rows else None

    def list_reviews(self) -> list[Review]:
        """Most recently updated first."""
        rows = self._query("SELECT * FROM reviews ORDER BY updated_at DESC, id DESC")
        return [self._review(r) for r in rows]

    def update_review(self, review_id: int, *, title: str | None = None, model: str | None = None) -> None:
        with self._tx() as db:
            if title is not None:
                db.execute("UPDATE reviews SET title = ? WHERE id = ?", (title, review_id))
            if model is not None:
                db.execute("UPDATE reviews SET model = ? WHERE id = ?", (model, review_id))
            self._touch(db, review_id)

    def set_review_files(self, review_id: int, file_row_ids: Sequence[int]) -> None:
        """The rows in this order; the cells of files no longer in the review are deleted."""
        with self._tx() as db:
            db.execute("DELETE FROM review_files WHERE review_id = ?", (review_id,))
            kept = self._write_files(db, review_id, file_row_ids)
            marks = ",".join("?" * len(kept))
            db.execute(
                f"DELETE FROM review_cells WHERE review_id = ? AND file_row_id NOT IN ({marks})",
                (review_id, *kept),
            )
            self._touch(db, review_id)

    def delete_review(self, review_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM reviews WHERE id = ?", (review_id,))

    # ------------------------------------------------------------------ questions

    def get_review_question(self, question_id: int) -> Question | None:
        rows = self._query("SELECT * FROM review_questions WHERE id = ?", (question_id,))
        return _question(rows[0]) if rows else None

    def add_review_question(
        self, review_id: int, spec: QuestionSpec, position: int | None = None
    ) -> Question:
        with self._tx() as db:
            ids = self._question_ids(db, review_id)
            at = len(ids) if position is None else max(0, min(position, len(ids)))
            question_id = self._insert_question(db, review_id, at, spec)
            ids.insert(at, question_id)
            self._write_order(db, ids)
            self._touch(db, review_id)
        question = self.get_review_question(question_id)
        assert question is not None
        return question

    def update_review_question(self, question_id: int, spec: QuestionSpec) -> Question | None:
        """Edits the question; when its wording, type or categories changed its cells are cleared."""
        old = self.get_review_question(question_id)
        if old is None:
            return None
        with self._tx() as db:
            db.execute(
                "UPDATE review_questions SET text = ?, type = ?, categories = ? WHERE id = ?",
                (
                    spec.text,
                    str(spec.type),
                    json.dumps(list(spec.categories), ensure_ascii=False),
                    question_id,
                ),
            )
            if old.spec != spec:
                db.execute("DELETE FROM review_cells WHERE question_id = ?", (question_id,))
            self._touch(db, old.review_id)
        return self.get_review_question(question_id)

    def reorder_review_questions(self, review_id: int, question_ids: Sequence[int]) -> None:
        with self._tx() as db:
            current = self._question_ids(db, review_id)
            if sorted(current) != sorted(question_ids) or len(set(question_ids)) != len(question_ids):
                raise ValueError("the new order must name every question of the review once")
            self._write_order(db, list(question_ids))
            self._touch(db, review_id)

    def remove_review_question(self, question_id: int) -> int | None:
        """Removes the question and its cells; returns its review's id (None: it was not there)."""
        with self._tx() as db:
            row = db.execute("SELECT review_id FROM review_questions WHERE id = ?", (question_id,)).fetchone()
            if row is None:
                return None
            review_id = int(row[0])
            db.execute("DELETE FROM review_questions WHERE id = ?", (question_id,))
            self._write_order(db, self._question_ids(db, review_id))
            self._touch(db, review_id)
        return review_id

    # ------------------------------------------------------------------ question sets

    def save_question_set(self, name: str, specs: Sequence[QuestionSpec]) -> QuestionSet:
        stamp = to_ts(now())
        with self._tx() as db:
            db.execute(
                "INSERT INTO question_sets (name, questions, created_at, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET questions = excluded.questions, "
                "updated_at = excluded.updated_at",
                (name, specs_to_json(specs), stamp, stamp),
            )
        saved = self.get_question_set(name)
        assert saved is not None
        return saved

    def get_question_set(self, name: str) -> QuestionSet | None:
        rows = self._query("SELECT * FROM question_sets WHERE name = ?", (name,))
        return _set(rows[0]) if rows else None

    def list_question_sets(self) -> list[QuestionSet]:
        return [_set(r) for r in self._query("SELECT * FROM question_sets ORDER BY name COLLATE NOCASE")]

    def delete_question_set(self, name: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM question_sets WHERE name = ?", (name,))

    # ------------------------------------------------------------------ internals

    def _review(self, row: sqlite3.Row) -> Review:
        files = self._query(
            "SELECT file_row_id FROM review_files WHERE review_id = ? ORDER BY position", (row["id"],)
        )
        questions = self._query(
            "SELECT * FROM review_questions WHERE review_id = ? ORDER BY position, id", (row["id"],)
        )
        return Review(
            row["id"],
            row["title"],
            row["model"],
            tuple(int(f[0]) for f in files),
            tuple(_question(q) for q in questions),
            req_ts(row["created_at"]),
            req_ts(row["updated_at"]),
        )

    @staticmethod
    def _write_files(db: sqlite3.Connection, review_id: int, file_row_ids: Sequence[int]) -> list[int]:
        kept = list(dict.fromkeys(file_row_ids))
        db.executemany(
            "INSERT INTO review_files (review_id, file_row_id, position) VALUES (?, ?, ?)",
            [(review_id, file_id, i) for i, file_id in enumerate(kept)],
        )
        return kept

    @staticmethod
    def _insert_question(db: sqlite3.Connection, review_id: int, position: int, spec: QuestionSpec) -> int:
        cur = db.execute(
            "INSERT INTO review_questions (review_id, position, text, type, categories) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                review_id,
                position,
                spec.text,
                str(spec.type),
                json.dumps(list(spec.categories), ensure_ascii=False),
            ),
        )
        return int(cur.lastrowid or 0)

    @staticmethod
    def _question_ids(db: sqlite3.Connection, review_id: int) -> list[int]:
        rows = db.execute(
            "SELECT id FROM review_questions WHERE review_id = ? ORDER BY position, id", (review_id,)
        ).fetchall()
        return [int(r[0]) for r in rows]

    @staticmethod
    def _write_order(db: sqlite3.Connection, question_ids: Sequence[int]) -> None:
        db.executemany(
            "UPDATE review_questions SET position = ? WHERE id = ?",
            [(i, q) for i, q in enumerate(question_ids)],
        )

    @staticmethod
    def _touch(db: sqlite3.Connection, review_id: int) -> None:
        db.execute("UPDATE reviews SET updated_at = ? WHERE id = ?", (to_ts(now()), review_id))
