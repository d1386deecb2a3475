"""A citation opens its PDF at its page, with a viewer that takes a page argument."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from assistant.ui.open_at_page import open_file, page_command


def test_the_first_viewer_found_gets_the_page() -> None:
    found = {"zathura": "/usr/bin/zathura", "okular": "/usr/bin/okular"}
    assert page_command("/d/a.pdf", 7, which=found.get, platform="linux") == [
        "/usr/bin/okular",
        "-p",
        "7",
        "/d/a.pdf",
    ]
    only_zathura = {"zathura": "/z"}.get
    assert page_command("/d/a.pdf", 7, which=only_zathura, platform="linux") == ["/z", "-P", "7", "/d/a.pdf"]


def test_no_viewer_no_page_or_another_system_means_the_default_viewer() -> None:
    assert page_command("/d/a.pdf", 3, which=lambda _name: None, platform="linux") is None
    assert page_command("/d/a.pdf", 0, which=lambda _name: "/x", platform="linux") is None
    assert page_command("/d/a.pdf", 3, which=lambda _name: "/x", platform="darwin") is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="page arguments are for Linux viewers")
def test_a_real_viewer_process_is_started_at_the_page(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stand-in "evince" on PATH: a real program that records the arguments it was started with.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "args.txt"
    viewer = bin_dir / "evince"
    viewer.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{record}.tmp" && mv "{record}.tmp" "{record}"\n')
    viewer.chmod(viewer.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")]))
    pdf = tmp_path / "guide.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")

    open_file(str(pdf), 2)
    qtbot.waitUntil(record.exists, timeout=10_000)
    assert record.read_text().splitlines() == ["--page-index=2", str(pdf)]
