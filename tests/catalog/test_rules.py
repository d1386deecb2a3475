"""The pure rules of the UI: expiring soon, renewable, orphans, gone attachments (no API layer loaded)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from assistant.catalog import FileOrigin, FileRecord, FileState, Store
from assistant.catalog.rules import EXPIRY_WARNING, can_renew, expiring_soon, gone_files_for, orphans

NOW = datetime(2030, 1, 10, tzinfo=UTC)


def _record(row_id: int, expires_in: timedelta | None = None, **kw: object) -> FileRecord:
    base = FileRecord(
        id=row_id,
        file_id=f"file_{row_id}",
        filename=f"f{row_id}.txt",
        mime_type="text/plain",
        size_bytes=1,
        sha256=None,
        local_path=None,
        uploaded_at=NOW - timedelta(days=1),
        expires_at=None if expires_in is None else NOW + expires_in,
        last_used_at=None,
        state=FileState.ACTIVE,
        origin=FileOrigin.APP,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def test_expiring_soon_is_active_files_within_the_warning_soonest_first() -> None:
    late = _record(1, timedelta(days=2))
    soon = _record(2, timedelta(hours=1))
    past = _record(3, timedelta(hours=-1))  # should have expired; a refresh has not marked it yet
    far = _record(4, EXPIRY_WARNING + timedelta(minutes=1))
    never = _record(5)
    expired = _record(6, timedelta(hours=1), state=FileState.EXPIRED)
    records = [late, soon, past, far, never, expired]
    assert expiring_soon(records, NOW) == [past, soon, late]
    assert expiring_soon(records, NOW, within=timedelta(hours=2)) == [past, soon]


def test_can_renew_needs_an_app_upload_with_a_copy_recorded() -> None:
    assert can_renew(_record(1, kept_path="/cache/a.txt"))
    assert can_renew(_record(2, local_path="/docs/a.txt"))
    assert not can_renew(_record(3))
    assert not can_renew(_record(4, local_path="/docs/a.txt", origin=FileOrigin.ADOPTED))


def _add(store: Store, name: str, origin: FileOrigin = FileOrigin.APP) -> FileRecord:
    return store.add_file(
        file_id=f"file_{name}", filename=f"{name}.txt", mime_type="text/plain", size_bytes=1, origin=origin
    )


def test_orphans_and_gone_files(store: Store) -> None:
    mine = _add(store, "mine")
    found = _add(store, "found", FileOrigin.ADOPTED)
    gone = _add(store, "gone", FileOrigin.ADOPTED)
    store.set_file_state(gone.id, FileState.DELETED)
    assert orphans(store) == [found]
    conv = store.create_conversation("c", "m", [gone.id, mine.id])
    store.set_file_state(mine.id, FileState.EXPIRED)
    assert [r.id for r in gone_files_for(store, conv.id)] == [gone.id, mine.id]  # attach order
    assert gone_files_for(store, conv.id + 1) == []


def test_rules_load_neither_the_api_layer_nor_the_converters() -> None:
    code = (
        "import sys, assistant.catalog.rules\n"
        "heavy = ('assistant.api', 'assistant.documents', 'anthropic')\n"
        "loaded = [m for m in sys.modules if m.startswith(heavy)]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
