"""The files table model on its own: qtmodeltester, countdown text and colour, sorting by real values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from assistant.catalog import FileOrigin, FileRecord, FileState
from assistant.ui.files_model import RECORD_ROLE, SORT_ROLE, Col, FilesModel
from assistant.ui.files_table import FilesProxy
from assistant.ui.formatting import format_remaining, format_size, remaining_level
from assistant.ui.theme import level_color

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def rec(
    row_id: int, name: str, *, left: timedelta | None = timedelta(days=30), size: int = 1000, **kw: object
) -> FileRecord:
    fields: dict[str, object] = {
        "id": row_id,
        "file_id": f"file_{row_id:04d}",
        "filename": name,
        "mime_type": "application/pdf",
        "size_bytes": size,
        "sha256": None,
        "local_path": None,
        "uploaded_at": NOW - timedelta(hours=row_id),
        "expires_at": None if left is None else NOW + left,
        "last_used_at": None,
        "state": FileState.ACTIVE,
        "origin": FileOrigin.APP,
    }
    fields.update(kw)
    return FileRecord(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("left", "text"),
    [
        (None, "never"),
        (timedelta(days=30) - timedelta(seconds=5), "29 d 23 h"),
        (timedelta(hours=3, minutes=12, seconds=59), "3 h 12 m"),
        (timedelta(minutes=12, seconds=5), "12 m 5 s"),
        (timedelta(seconds=40), "40 s"),
        (timedelta(0), "expired"),
        (timedelta(days=-2), "expired"),
    ],
)
def test_countdown_text(left: timedelta | None, text: str) -> None:
    assert format_remaining(left) == text


def test_countdown_level_turns_to_warning_under_three_days() -> None:
    assert remaining_level(None) == "ok"
    assert remaining_level(timedelta(days=3, seconds=1)) == "ok"
    assert remaining_level(timedelta(days=2, hours=23)) == "warning"
    assert remaining_level(timedelta(seconds=-1)) == "expired"


def test_sizes() -> None:
    assert format_size(812) == "812 B"
    assert format_size(4_200) == "4.2 KB"
    assert format_size(13_000_000) == "13.0 MB"
    assert format_size(1_100_000_000) == "1.10 GB"


def test_model_passes_qtmodeltester(qtmodeltester) -> None:
    model = FilesModel(clock=lambda: NOW)
    model.set_records([rec(1, "a.pdf"), rec(2, "b.txt", left=None), rec(3, "c.md", left=timedelta(hours=5))])
    qtmodeltester.check(model, force_py=True)
    model.upsert(rec(4, "d.pdf"))
    model.remove([2])
    model.set_note(1, "already uploaded")
    qtmodeltester.check(model, force_py=True)
    proxy = FilesProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy, force_py=True)


def test_countdown_column_text_and_colour_follow_the_clock() -> None:
    now = [NOW]
    model = FilesModel(clock=lambda: now[0])
    model.set_records([rec(1, "a.pdf", left=timedelta(days=4))])
    idx = model.index(0, Col.EXPIRES)
    assert idx.data() == "4 d 0 h"
    assert idx.data(Qt.ItemDataRole.ForegroundRole) is None
    now[0] = NOW + timedelta(days=1, hours=1)
    assert idx.data() == "2 d 23 h"
    assert idx.data(Qt.ItemDataRole.ForegroundRole) == level_color("warning")
    now[0] = NOW + timedelta(days=4)
    assert idx.data() == "expired"
    assert idx.data(Qt.ItemDataRole.ForegroundRole) == level_color("expired")


def test_tick_changes_the_countdown_column_only(qtbot) -> None:
    model = FilesModel(clock=lambda: NOW)
    model.set_records([rec(i, f"f{i}.pdf") for i in range(1, 6)])
    assert model.timer.isActive(), "the one timer starts with the first row"
    seen: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(lambda a, b, _roles=(): seen.append((a.row(), a.column(), b.row(), b.column())))
    with qtbot.waitSignal(model.dataChanged, timeout=3000):
        pass  # the timer's own tick
    model.tick()
    assert seen and all(s == (0, Col.EXPIRES, 4, Col.EXPIRES) for s in seen)
    model.remove(range(1, 6))
    assert not model.timer.isActive(), "no rows, no timer"


def test_sort_role_returns_real_values_and_sorts_by_time() -> None:
    model = FilesModel(clock=lambda: NOW)
    model.set_records(
        [
            rec(1, "soon.pdf", left=timedelta(hours=2)),
            rec(2, "never.pdf", left=None),
            rec(3, "later.pdf", left=timedelta(days=9)),
            rec(4, "mid.pdf", left=timedelta(days=1, hours=1)),  # "1 d 1 h" sorts after "9 d" as text
        ]
    )
    assert isinstance(model.index(0, Col.EXPIRES).data(SORT_ROLE), float)
    assert isinstance(model.index(0, Col.SIZE).data(SORT_ROLE), int)
    proxy = FilesProxy()
    proxy.setSourceModel(model)
    proxy.sort(Col.EXPIRES, Qt.SortOrder.AscendingOrder)
    names = [proxy.index(r, Col.NAME).data() for r in range(proxy.rowCount())]
    assert names == ["soon.pdf", "mid.pdf", "later.pdf", "never.pdf"]
    assert proxy.index(0, 0).data(RECORD_ROLE).id == 1


def test_proxy_filters_on_the_name() -> None:
    model = FilesModel(clock=lambda: NOW)
    model.set_records([rec(1, "Report.pdf"), rec(2, "notes.md"), rec(3, "report-2.txt")])
    proxy = FilesProxy()
    proxy.setSourceModel(model)
    proxy.setFilterFixedString("report")
    assert sorted(proxy.index(r, 0).data() for r in range(proxy.rowCount())) == ["Report.pdf", "report-2.txt"]


def test_states_and_notes_show_in_the_state_column() -> None:
    model = FilesModel(clock=lambda: NOW)
    model.set_records(
        [
            rec(1, "a.pdf"),
            rec(2, "b.pdf", state=FileState.MISSING),
            rec(3, "c.pdf", origin=FileOrigin.ADOPTED),
        ]
    )
    # the column says a word or two; the tooltip (first line) and the accessible text say all of it
    tip, said = Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole
    assert [model.index(row, Col.STATE).data() for row in range(3)] == ["Uploaded", "Gone", "Orphan"]
    assert [model.index(row, Col.STATE).data(tip).split("\n")[0] for row in range(3)] == [
        "uploaded",
        "gone remotely",
        "found remotely",
    ]
    assert model.index(2, Col.STATE).data(said) == "State: found remotely"
    assert model.index(0, Col.STATE).data(Qt.ItemDataRole.DecorationRole) is None
    model.set_note(1, "already uploaded, not sent again")
    assert model.index(0, Col.STATE).data() == "Uploaded"
    assert model.index(0, Col.STATE).data(tip).startswith("uploaded · already uploaded, not sent again")
    assert model.index(0, Col.STATE).data(Qt.ItemDataRole.DecorationRole) is not None  # more to read


def test_cells_painted_one_after_another_never_inherit_a_colour(qtbot) -> None:
    """The delegate asks for all roles of a cell in one span that it reuses: a cell without a colour
    must not keep the colour of the cell painted before it."""
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QStyleOptionViewItem, QTableView

    model = FilesModel(clock=lambda: NOW)
    model.set_records([rec(1, "soon.pdf", left=timedelta(hours=5)), rec(2, "later.pdf")])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    delegate = view.itemDelegate()

    def text_color(row: int, col: int) -> object:
        option = QStyleOptionViewItem()
        delegate.initStyleOption(option, model.index(row, col))
        return option.palette.color(QPalette.ColorRole.Text)

    default = text_color(1, Col.NAME)
    assert text_color(0, Col.EXPIRES) == level_color("warning")
    assert text_color(1, Col.EXPIRES) == default
    assert text_color(0, Col.EXPIRES) == level_color("warning")
    assert text_color(0, Col.NAME) == default


def test_what_a_row_needs_shows_in_the_state_column(qtmodeltester) -> None:
    model = FilesModel(clock=lambda: NOW)
    model.set_records(
        [
            rec(1, "a.pdf"),
            rec(2, "soon.pdf", left=timedelta(days=2)),
            rec(3, "found.pdf", left=timedelta(days=2), origin=FileOrigin.ADOPTED),
            rec(4, "report.docx.txt", mime_type="text/plain", original_name="report.docx"),
            rec(5, "a_b.md", mime_type="text/plain", original_name="a:b.md", warnings=("renamed",)),
        ]
    )
    qtmodeltester.check(model)
    state = {r.id: model.index(model.row_of(r.id), Col.STATE) for r in model.records()}

    def said(row_id: int) -> str:  # all the column says of a row: the tooltip's first line
        return str(state[row_id].data(Qt.ItemDataRole.ToolTipRole)).split("\n")[0]

    assert [state[i].data() for i in (1, 2, 3)] == ["Uploaded", "Expires soon", "Orphan"]
    assert said(1) == "uploaded"
    assert state[1].data(Qt.ItemDataRole.DecorationRole) is None
    assert said(2) == "expires soon — Renew"
    assert "Renew to keep it" in state[2].data(Qt.ItemDataRole.ToolTipRole)
    assert state[2].data(Qt.ItemDataRole.DecorationRole) is not None
    assert said(3) == "found remotely", "not uploaded here: nothing to renew it from"
    assert said(4) == "uploaded", "a converted file's Name and Type say so (catalog.identity)"
    assert said(5) == "uploaded · renamed from a:b.md ⚠"

    with DataChanges(model) as changed:
        model.set_source_states({1: "changed", 4: "missing", 5: "unchanged"})
    assert sorted((i.row(), i.column()) for i in changed) == sorted(
        [(model.row_of(1), Col.STATE), (model.row_of(4), Col.STATE)]
    ), "only the State cells whose source state changed"
    assert (state[1].data(), said(1)) == ("Changed", "local file changed since upload — Re-upload and swap")
    assert model.source_state(1) == "changed"
    assert state[4].data() == "No local file" and said(4).startswith("local file missing")
    assert "still allows Renew" in state[4].data(Qt.ItemDataRole.ToolTipRole)
    model.set_source_states({1: None})
    assert model.source_state(1) is None and state[1].data() == "Uploaded" and said(1) == "uploaded"


class DataChanges:
    """Collect the top-left index of every dataChanged emitted inside the block."""

    def __init__(self, model: FilesModel) -> None:
        self.model = model
        self.seen: list = []

    def _on(self, top_left, _bottom_right, _roles=()) -> None:
        self.seen.append(top_left)

    def __enter__(self) -> list:
        self.model.dataChanged.connect(self._on)
        return self.seen

    def __exit__(self, *_: object) -> None:
        self.model.dataChanged.disconnect(self._on)


def test_a_name_with_hidden_characters_is_shown_spelled_out(qtbot: object) -> None:
    model = FilesModel(clock=lambda: NOW)
    model.set_records([rec(1, "invoice\u202efdp.exe"), rec(2, "plain.pdf")])
    shown = [model.index(r, Col.NAME).data() for r in range(2)]
    assert sorted(shown) == ["invoice⟨U+202E⟩fdp.exe", "plain.pdf"]
    tip = model.index(model.row_of(1) or 0, Col.NAME).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.splitlines()[0] == "invoice⟨U+202E⟩fdp.exe"
