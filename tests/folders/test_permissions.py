"""Permission denied inside a linked folder (issue 12): the file says so (failed, with why), an unreadable
subfolder is listed on the folder's state and its files are not marked missing, an unreadable folder reads
as denied. The scans run in a child process as an unprivileged user (root reads everything)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHILD = r"""
import json, sys
from pathlib import Path
from assistant.catalog import Store, SyncStatus
from assistant.folders import FolderSync, SyncConfig

folder, catalog, phase = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
with Store.open(catalog) as store:
    sync = FolderSync(store, lambda batch: None, config=SyncConfig(settle_seconds=0))
    found = store.set_by_name("Shared")
    set_id = found.id if found is not None else sync.link(store.create_set("Shared").id, folder).id
    batch = sync.scan_now()
    if phase == "first":  # the queue uploads what was handed out (a row stands for the upload here)
        for n, item in enumerate(batch.uploads):
            row = store.add_file(file_id=f"file_{n}", filename=item.path.name, mime_type="text/plain",
                                 size_bytes=item.path.stat().st_size)
            sync.uploaded(item.path, row)
    print(json.dumps({
        "uploads": sorted(str(i.path.relative_to(folder)) for i in batch.uploads),
        "missing": [str(m.path) for m in batch.missing],
        "states": {str(p.path.relative_to(folder)): [p.state.label, p.state.message or ""]
                   for p in store.sync_paths(set_id)},
        "folders": [[f.health.value, f.message, [str(u) for u in f.unreadable]]
                    for f in sync.folder_states()],
    }))
"""


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder an unprivileged user can reach (tmp_path's parents are private to root)."""
    base = Path(tempfile.mkdtemp(prefix="assistant-perm-"))
    base.chmod(0o777)
    yield base
    for path in [base, *base.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(base, ignore_errors=True)


def _scan(folder: Path, catalog: Path, phase: str) -> Any:
    command = [sys.executable, "-c", CHILD, str(folder), str(catalog), phase]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot drop privileges to be denied anything")
        command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    done = subprocess.run(
        command, cwd=Path(__file__).parents[2], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_permission_denied_on_a_file_a_subfolder_and_the_folder(shared: Path) -> None:
    folder = shared / "docs"
    (folder / "locked").mkdir(parents=True)
    (folder / "ok.txt").write_text("Anyone may read this.\n")
    (folder / "locked" / "inner.txt").write_text("Readable at first.\n")
    secret = folder / "secret.txt"
    secret.write_text("Nobody may read this.\n")
    secret.chmod(0o000)
    folder.chmod(0o755)
    catalog = shared / "catalog.sqlite3"

    first = _scan(folder, catalog, "first")
    assert first["uploads"] == ["locked/inner.txt", "ok.txt"]
    label, why = first["states"]["secret.txt"]
    assert label == "failed" and "permission denied" in why
    assert first["folders"] == [["watching", "", []]]

    (folder / "locked").chmod(0o000)
    second = _scan(folder, catalog, "second")
    assert second["missing"] == []  # a folder it cannot list is not a folder emptied
    assert second["states"]["locked/inner.txt"][0] == "synced"
    ((health, message, unreadable),) = second["folders"]
    assert health == "watching" and unreadable == [str(folder / "locked")] and "could not be read" in message

    folder.chmod(0o000)
    third = _scan(folder, catalog, "third")
    ((health, message, _),) = third["folders"]
    assert health == "denied" and "permission denied" in message and third["missing"] == []
