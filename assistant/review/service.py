"""``ReviewService``: the review grid's blocking operations, each meant for a worker thread.

Construct once per API client (like ``ChatService``)::

    reviews = ReviewService(client, store, prices=None, max_tokens=1024, parallel=4, clock=time.time)

Every method is blocking (catalog and/or network) and raises ``ReviewError`` (an ``ApiFailure``, so
``bridge.TaskRunner`` delivers it typed to ``failed``) with a message that says what happened and
what to do. Nothing the user wrote is lost by a failure: questions, sets, reviews and cells are in the
catalog before anything is sent.

The methods live in parts, by responsibility:

    editing.py     reviews, questions, question sets, grid, cells, failed_cells, cost, export
    estimating.py  estimate (count_tokens per file and model, cached), file_tokens, context_window
    batching.py    submit_batch, open_batches, resume, poll, cancel_batch, read_results
    running.py     run_now
"""

from __future__ import annotations

from assistant.review.batching import BatchRunning
from assistant.review.editing import ReviewEditing
from assistant.review.estimating import Estimating
from assistant.review.records import ReviewGrid
from assistant.review.running import CellCallback, NowRunning

__all__ = ["CellCallback", "ReviewService"]


class ReviewService(ReviewEditing, Estimating, BatchRunning, NowRunning):
    """Everything the review view asks of the services (see the module docstring)."""

    def grid(self, review_id: int) -> ReviewGrid:
        """The review, its rows (names, gone files) and its cells, in one read; cells left RUNNING by a
        run that no longer exists (the app was closed) are saved and shown CANCELED."""
        grid = super().grid(review_id)
        stale = self.stale_running(list(grid.cells.values()))
        if not stale:
            return grid
        cells = dict(grid.cells)
        cells.update({c.key: c for c in stale})
        return ReviewGrid(grid.review, grid.rows, cells, grid.open_batches)
