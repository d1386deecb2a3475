"""Retry on a failed file in the files table's right-click menu (issue 12): a watched file whose new
version could not be uploaded shows "failed" in Sync; Retry in the row's menu sends it again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support import Windows
from tests.ui.sets.test_sets_window import WAIT, build, choose_set, row_named, set_rows, sync_text, touch

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def test_retry_in_the_rows_menu_sends_a_failed_file_again(
    tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any
) -> None:
    folder = tmp_path / "watched"
    folder.mkdir()
    touch(folder / "terms.txt", "Payment within 30 days.\n")
    window = build(windows, tmp_path, sandbox, qtbot)
    store = window.ctx.store
    window.create_set("Terms")
    window.watch_folder("Terms", folder)
    qtbot.waitUntil(lambda: any(t.startswith("Terms\n") for t in set_rows(window)), timeout=WAIT)
    choose_set(window, qtbot, "Terms")
    qtbot.waitUntil(lambda: sync_text(window, "terms.txt") == "synced", timeout=WAIT)
    record = row_named(window, "terms.txt")
    assert record is not None
    panel = window.files_panel

    def retry_action(selected: list[Any]) -> Any:
        menu = panel.build_menu(selected)
        return next((a for a in menu.actions() if a.objectName() == "retrySyncFileAction"), None)

    synced = retry_action([record])
    assert synced is not None and not synced.isEnabled(), "nothing to retry on a synced row"

    # its new version cannot be uploaded: Sync says failed
    sandbox.faults.set("upload:400")
    touch(folder / "terms.txt", "Payment within 10 days.\n")
    qtbot.waitUntil(lambda: sync_text(window, "terms.txt") == "failed", timeout=WAIT)
    old_file_id = store.get_file(record.id).file_id

    # the server takes uploads again; Retry in the row's menu sends it
    sandbox.faults.set("")
    row = row_named(window, "terms.txt")
    action = retry_action([row])
    assert action is not None and action.isEnabled() and action.text() == "Retry (sync failed)"
    action.trigger()
    qtbot.waitUntil(lambda: sync_text(window, "terms.txt") == "synced", timeout=WAIT)
    assert store.get_file(record.id).file_id != old_file_id, "the new version was uploaded"
