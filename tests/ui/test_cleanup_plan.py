"""What Clean up would delete, decided without a window."""

from __future__ import annotations

from datetime import timedelta

from assistant.catalog import FileOrigin, FileState
from assistant.ui.cleanup import CleanupDialog, plan_cleanup
from tests.ui.test_files_model import NOW, rec


def test_groups_counts_sizes_and_each_file_once(qtbot) -> None:
    records = [
        rec(1, "old-expired.pdf", left=timedelta(days=-1), size=100),
        rec(2, "marked-expired.pdf", state=FileState.EXPIRED, size=200),
        rec(3, "gone.pdf", state=FileState.MISSING, size=300),
        rec(4, "stale.pdf", uploaded_at=NOW - timedelta(days=40), size=400),
        rec(5, "recently-used.pdf", uploaded_at=NOW - timedelta(days=40), last_used_at=NOW, size=500),
        rec(6, "orphan.pdf", origin=FileOrigin.ADOPTED, size=600),
        rec(7, "deleted.pdf", state=FileState.DELETED, size=700),
        rec(8, "fresh.pdf", size=800),
    ]
    plan = plan_cleanup(records, now=NOW, unused_days=30, selected_ids=[1, 8, 7])
    names = {g.key: sorted(r.filename for r in g.records) for g in plan.groups}
    assert names == {
        "expired": ["marked-expired.pdf", "old-expired.pdf"],
        "missing": ["gone.pdf"],
        "unused": ["stale.pdf"],
        "leftovers": [],
        "orphans": ["orphan.pdf"],
        "selected": ["fresh.pdf", "old-expired.pdf"],
    }
    assert plan.group("expired").size == 300
    # by default expired and gone are ticked; unused, orphans and the selection are offered, not ticked
    assert sorted(r.id for r in plan.records()) == [1, 2, 3]
    assert not plan.group("selected").ticked

    dialog = CleanupDialog(plan)
    qtbot.addWidget(dialog)
    assert sorted(r.id for r in dialog.chosen()) == [1, 2, 3]
    dialog.set_group_ticked("selected", True)
    assert sorted(r.id for r in dialog.chosen()) == [1, 2, 3, 8]
    dialog.set_group_ticked("selected", False)  # old-expired.pdf stays: it is also in "expired"
    assert sorted(r.id for r in dialog.chosen()) == [1, 2, 3]
    dialog.set_group_ticked("unused", True)
    assert sorted(r.id for r in dialog.chosen()) == [1, 2, 3, 4]
    assert "4 files" in dialog.total_label.text()

    only = plan_cleanup(records, now=NOW, unused_days=30, selected_ids=[8], only_selected=True)
    assert [r.id for r in only.records()] == [8] and only.group("selected").ticked
    assert plan_cleanup([rec(9, "fresh.pdf")], now=NOW, unused_days=30).empty


def test_a_copy_this_app_left_behind_is_its_own_group_not_an_orphan(qtbot) -> None:
    """A renewal's old file whose delete failed is offered (ticked) as this app's leftover, never as a file
    "not uploaded by this app"; the table's row says the same."""
    from assistant.ui.files_text import state_text, state_tooltip

    records = [
        rec(1, "report.pdf"),
        rec(2, "report.pdf", origin=FileOrigin.ADOPTED, leftover_of=1),
        rec(3, "stranger.pdf", origin=FileOrigin.ADOPTED),
    ]
    plan = plan_cleanup(records, now=NOW, unused_days=30, selected_ids=[])
    assert [r.id for r in plan.group("leftovers").records] == [2] and plan.group("leftovers").ticked
    assert [r.id for r in plan.group("orphans").records] == [3]
    assert sorted(r.id for r in plan.records()) == [2]
    leftover = records[1]
    assert state_text(leftover, source=None, soon=False, note=None) == "left over by this app"
    tip = state_tooltip(leftover, source=None, renew_hint=None, note=None) or ""
    assert "could not delete" in tip and "not uploaded by this app" not in tip
    assert state_text(records[2], source=None, soon=False, note=None) == "found remotely"
