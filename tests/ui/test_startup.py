"""Start-up problems get a clear window that says what happened and what to do, never a bare traceback:
a data folder that is a file, that cannot be created, that is read-only; a catalog held by another
program is said to be in use (not damaged). The real app is started in a process (offscreen; with
ASSISTANT_SELF_TEST its dialog closes itself once shown) and its own words are checked."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from assistant.catalog import StoreError
from assistant.catalog.schema import connect
from assistant.settings import DataDirError, Paths
from assistant.ui.startup import StartupDialog, problem_for
from tests.processes import start_app


def start(tmp_path: Path, data_dir: Path | str, prefix: tuple[str, ...] = ()) -> tuple[int, str, str]:
    app = start_app(
        ["--sandbox", "--data-dir", str(data_dir)], tmp_path / "app", prefix=prefix, ASSISTANT_SELF_TEST="1"
    )
    try:
        code = app.wait(60)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait(10)
    out = (tmp_path / "app.out").read_text(encoding="utf-8")
    err = (tmp_path / "app.err").read_text(encoding="utf-8")
    return code, out, err


def read_only(folder: Path) -> tuple[str, ...]:
    """A prefix that runs the app with ``folder`` mounted read-only (a private mount namespace: the
    tests run as root here, and root writes through permission bits)."""
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare(1) for a read-only mount")
    script = (
        f'mount --bind "{folder}" "{folder}" && mount -o remount,bind,ro "{folder}" "{folder}" && exec "$@"'
    )
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", "true"], check=False, capture_output=True
    )
    if probe.returncode != 0:
        pytest.skip(f"no private read-only mount here: {probe.stderr.decode(errors='replace').strip()}")
    return ("unshare", "-rm", "sh", "-c", script, "sh")


def test_a_data_dir_that_is_a_file_is_said_plainly(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("not a folder", encoding="utf-8")
    code, _out, err = start(tmp_path, target)
    assert code == 1
    assert f"“{target}” is a file, not a folder" in err
    assert "--data-dir" in err and "Traceback" not in err
    assert target.read_text(encoding="utf-8") == "not a folder"


def test_a_data_dir_that_cannot_be_created_is_said_plainly(tmp_path: Path) -> None:
    parent = tmp_path / "locked"
    parent.mkdir()
    code, _out, err = start(tmp_path, parent / "da", prefix=read_only(parent))
    assert code == 1
    assert f"The folder “{parent / 'da' / 'data'}” cannot be created: it is on a read-only file system" in err
    assert "--data-dir" in err and "Traceback" not in err


def test_a_read_only_data_dir_is_said_plainly(tmp_path: Path) -> None:
    data_dir = tmp_path / "da"
    Paths.for_data_dir(data_dir).ensure()
    code, _out, err = start(tmp_path, data_dir, prefix=read_only(data_dir))
    assert code == 1
    assert f"The folder “{data_dir / 'data'}” cannot be written to: it is on a read-only file system" in err
    assert "Traceback" not in err


def test_a_catalog_another_program_holds_is_in_use_not_damaged(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    connect(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError) as info:
            connect(path, busy_timeout=0.2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    message = str(info.value)
    assert "in use by another program" in message and "The file is fine" in message
    assert "Move it aside" not in message
    connect(path).close()  # and it is indeed fine


def test_the_dialog_says_what_happened_and_what_to_do(qtbot: Any, tmp_path: Path) -> None:
    problem = problem_for(DataDirError("“/x” is a file, not a folder, so …", tmp_path))
    dialog = StartupDialog(problem)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "startupDialog"
    assert dialog.what.text() == problem.what and "is a file, not a folder" in dialog.what.text()
    assert "--data-dir" in dialog.todo.text()


def test_an_unexpected_error_shows_its_details_without_keys(tmp_path: Path) -> None:
    try:
        raise RuntimeError("boom sk-ant-api03-secretsecret")
    except RuntimeError as exc:
        problem = problem_for(exc, tmp_path / "log")
    assert problem.what.startswith("An unexpected error stopped the start: RuntimeError: boom")
    assert "RuntimeError" in problem.details and "secretsecret" not in problem.details + problem.what
    assert str(tmp_path / "log") in problem.todo
