"""``QuestionEdits``: the review's questions and question sets, changed in the catalog in workers
(``ReviewService``) on behalf of the ``ReviewController``; after each change the grid is read again
and shown (its columns follow the questions)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant.api.errors import CancelToken
from assistant.review import QuestionSpec, ReviewGrid, ReviewService

if TYPE_CHECKING:
    from assistant.ui.review.controller import ReviewController

__all__ = ["QuestionEdits"]


class QuestionEdits:
    def __init__(self, controller: ReviewController) -> None:
        self._c = controller

    def add(self, spec: QuestionSpec) -> None:
        self._edit(lambda s, rid: s.add_question(rid, spec), accepted=True)

    def update(self, question_id: int, spec: QuestionSpec) -> None:
        self._edit(lambda s, _rid: s.update_question(question_id, spec), accepted=True)

    def move(self, question_id: int, to: int) -> None:
        c = self._c
        grid = c.grid
        if grid is None:
            return
        ids = [q.id for q in grid.review.questions if q.id != question_id]
        ids.insert(max(0, min(to, len(ids))), question_id)
        self._edit(lambda s, rid: s.reorder_questions(rid, ids))

    def remove(self, question_id: int) -> None:
        self._edit(lambda s, _rid: s.remove_question(question_id))

    def save_set(self, name: str) -> None:
        c = self._c
        service, grid = c.service, c.grid
        if service is None or grid is None or not grid.review.questions:
            c.said.emit("Write the questions first; then save them as a set.")
            return
        specs = [q.spec for q in grid.review.questions]

        def work(_t: CancelToken) -> list[str]:
            service.save_question_set(name, specs)
            return [s.name for s in service.list_question_sets()]

        def saved(names: list[str]) -> None:
            c.set_names.emit(names)
            c.status.emit(f"Saved the question set “{name}” ({len(specs)} questions).")

        c.run(work, on_result=saved, on_failed=c.failed, name="save question set")

    def load_set(self, name: str) -> None:
        self._edit(lambda s, rid: s.apply_question_set(rid, name))

    def _edit(self, change: Callable[[ReviewService, int], object], *, accepted: bool = False) -> None:
        c = self._c
        service, review_id = c.service, c.review_id
        if service is None or review_id is None:
            c.said.emit("Choose the files first: select them in the list and choose Review these….")
            return

        def work(_t: CancelToken) -> ReviewGrid:
            change(service, review_id)
            return service.grid(review_id)

        def done(grid: ReviewGrid) -> None:
            if accepted:
                c.question_accepted.emit()
            c.show(grid)

        c.run(work, on_result=done, on_failed=c.failed, name="edit review questions")
