"""The sets' catalog work, as plain functions of the ``Store`` that run in workers (never on the GUI
thread): one read of everything the sidebar, the table's filter and its Sync column show
(``read_sets``), and the writes, each turning a ``SetError`` into a failure the person can read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from assistant.api.errors import ApiFailure, FailureKind
from assistant.catalog import Store
from assistant.catalog.set_records import SetError, SyncState, SyncStatus
from assistant.ui.files_cells import SyncCell
from assistant.ui.sets.views import SetView

__all__ = ["SetsSnapshot", "checked", "read_sets", "sync_cell"]

T = TypeVar("T")


@dataclass(frozen=True)
class SetsSnapshot:
    """The sets, each set's catalog rows, and the Sync column of every row in a watched set."""

    views: tuple[SetView, ...] = ()
    members: dict[int, frozenset[int]] = field(default_factory=dict)  # set id -> row ids
    sync: dict[int, SyncCell] = field(default_factory=dict)  # row id -> its sync cell

    def view(self, set_id: int | None) -> SetView | None:
        return next((v for v in self.views if v.id == set_id), None)

    def by_name(self, name: str) -> SetView | None:
        key = " ".join(name.split()).casefold()
        return next((v for v in self.views if v.name.casefold() == key), None)


def sync_cell(state: SyncState) -> SyncCell:
    """The table's Sync cell for a state: "synced", "waiting", "failed" (why in the tooltip)..."""
    status = state.status
    word = state.label if status is SyncStatus.MISSING else str(status)  # one name everywhere
    why = state.message or (state.reason.label if state.reason is not None else "")
    if status is SyncStatus.MISSING and not why:
        why = "the local file was deleted or moved; the remote copy is kept until you clean it up"
    return SyncCell(word, why, warning=status in (SyncStatus.FAILED, SyncStatus.MISSING))


def read_sets(
    store: Store,
    problems: dict[int, str] | None = None,
    *,
    shown: frozenset[int] | None = None,
    cells_of: int | None = None,
) -> SetsSnapshot:
    """Everything the sets sidebar shows, in one pass (a worker): the sets, their rows (only those in
    ``shown``, the table's, when given), each linked set's summary (counted by the catalog), and the
    Sync column of the rows of ``cells_of`` (the set chosen, when it is linked: only its cells are
    shown, and reading a 10,000-file folder's states for every set on every change would cost the
    GUI thread its share of the interpreter). ``problems``: what the folder sync says of a linked
    folder that is gone or unreadable, by set id."""
    members: dict[int, set[int]] = {}
    for row_id, set_ids in store.set_memberships().items():
        for set_id in set_ids:
            members.setdefault(set_id, set()).add(row_id)
    views: list[SetView] = []
    sync: dict[int, SyncCell] = {}
    sets = store.list_sets()
    summaries = store.set_summaries([s.id for s in sets if s.folder is not None])
    for doc_set in sets:
        rows = members.get(doc_set.id, set())
        if shown is not None:
            rows &= shown
        folder = None if doc_set.folder is None else str(doc_set.folder)
        counts = summaries.get(doc_set.id) if folder else None
        views.append(
            SetView(
                doc_set.id,
                doc_set.name,
                files=len(rows),
                folder=folder,
                instructions=doc_set.instructions,
                folder_problem=(problems or {}).get(doc_set.id, ""),
                patterns=doc_set.ignore_patterns,
                **({} if counts is None else {"counts": counts}),
            )
        )
        if folder and doc_set.id == cells_of:
            sync = {row_id: sync_cell(state) for row_id, state in store.sync_states(doc_set.id).items()}
    return SetsSnapshot(tuple(views), {k: frozenset(v) for k, v in members.items()}, sync)


def checked(work: Callable[[], T]) -> T:
    """Run a set write; a ``SetError`` (a name taken, a set gone) becomes a failure saying so."""
    try:
        return work()
    except SetError as exc:
        raise ApiFailure(FailureKind.LOCAL, str(exc), permanent=True) from None
