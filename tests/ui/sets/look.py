"""The window with document sets, as a person sees it, on a real X server: the offline sandbox, a set
made from the samples, a set linked to a folder (new files synced, one skipped, one ignored), the
linked set chosen. Saves the whole screen:

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python -m tests.ui.sets.look --theme dark \\
        --shot shots/sets-1366x768-dark.png
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests.ui.newcomer import _wait


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shot", type=Path, required=True)
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--details", action="store_true", help="open the linked set's Sync status")
    args = parser.parse_args(argv)

    from PySide6.QtWidgets import QApplication, QDialog

    from assistant.app import build_main_window
    from assistant.folders import SyncConfig
    from assistant.secrets import KeyStore
    from assistant.settings import Theme
    from assistant.ui.theme import apply_theme
    from tests.support import MemoryKeyring

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "incident-logs"
        folder.mkdir()
        for name in ("service-x-2026-11-02.log", "service-x-2026-11-09.log", "postmortem-november.md"):
            (folder / name).write_text(
                f"{name}: the queue backed up at 03:12 and drained by 03:40.\n", "utf-8"
            )
        (folder / "core-dump.bin").write_bytes(b"\x7fELF\x00\x01" * 100)
        (folder / "notes.tmp").write_text("scratch\n", "utf-8")
        window = build_main_window(
            ["--data-dir", str(Path(tmp) / "data"), "--sandbox"],
            key_store=KeyStore(environ={}, backend=MemoryKeyring()),
        )
        window.sets.sync_config = SyncConfig(settle_seconds=0.3, debounce_seconds=0.1, max_delay_seconds=1.0)
        apply_theme(Theme(args.theme))
        try:
            if not _wait(lambda: window.files_model.rowCount() >= 2):
                raise SystemExit("the samples were not listed")
            for widget in QApplication.topLevelWidgets():  # the first run's key dialog: keep the sandbox
                if isinstance(widget, QDialog) and widget.isVisible():
                    widget.reject()
            window.create_set("HR policies", window.files_model.records())
            window.create_set("Q3 supplier contracts")
            window.create_set("Incident logs of service X")
            window.watch_folder("Incident logs of service X", folder)
            if not _wait(lambda: window.files_model.rowCount() >= 5, 60):
                raise SystemExit("the folder's files were not uploaded")
            linked = window.ctx.store.set_by_name("Incident logs of service X")
            assert linked is not None
            _wait(lambda: False, 1.5)  # the sidebar reads the sets again
            window.sets.sidebar.choose(linked.id)
            if args.details:
                window.sets.requests.open_details(linked.id)
            _wait(lambda: False, 1.0)
            args.shot.parent.mkdir(parents=True, exist_ok=True)
            window.screen().grabWindow(0).save(str(args.shot))
            print(f"saved {args.shot}")
        finally:
            window.close()
            window.composition.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
