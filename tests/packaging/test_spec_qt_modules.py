"""The bundle leaves out Qt modules the app does not use, never one it imports (a bundled start failed once
because the one-instance lock's QtNetwork had been left out)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_bundle_excludes_no_qt_module_the_app_imports() -> None:
    spec = (ROOT / "packaging" / "document-assistant.spec").read_text("utf-8")
    block = spec[spec.index("excludes = [") : spec.index("]", spec.index("excludes = ["))]
    excluded = set(re.findall(r'"PySide6\.(Qt\w+)"', block))
    assert excluded, "the spec's excludes list was not found"
    imported: set[str] = set()
    for source in (ROOT / "assistant").rglob("*.py"):
        for match in re.finditer(r"\bPySide6\.(Qt\w+)", source.read_text("utf-8")):
            imported.add(match.group(1))
    assert "QtNetwork" in imported and "QtWidgets" in imported
    assert not (excluded & imported), f"left out of the bundle but imported: {sorted(excluded & imported)}"
