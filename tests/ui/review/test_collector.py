"""The GUI thread is not frozen by the cyclic collector's full passes (issue 11, the send benchmark):
once connected, the objects built at start (modules, classes, the SDK's models: ~250,000) are frozen
out of them, so a full pass triggered by a worker's allocations (5,000 cells, 5,000 requests) walks only
what was made since; shutdown gives them back to the collector."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from tests.support import Windows, sandbox_keys

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")


def test_connected_the_long_lived_objects_stay_out_of_full_collections(
    tmp_path: Path, sandbox: Any, windows: Windows, qtbot: Any
) -> None:
    gc.unfreeze()  # whatever an earlier test left
    window = windows.build(sandbox_keys(), tmp_path / "app", sandbox=sandbox)
    qtbot.waitUntil(lambda: window.session.services is not None, timeout=30_000)
    frozen = gc.get_freeze_count()
    assert frozen > 50_000, f"only {frozen} objects are kept out of full collections"
    walked = len(gc.get_objects())  # what a full pass still walks (frozen objects are not listed)
    assert frozen > walked, f"{frozen} objects frozen, {walked} still walked by every full pass"

    window.close()
    window.composition.shutdown()
    assert gc.get_freeze_count() == 0, "shutdown gives the objects back to the collector"
