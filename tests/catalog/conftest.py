"""Fixtures of the catalog tests: a fresh catalog in the test's folder, and files added to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.catalog import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "catalog.sqlite3") as s:
        yield s


def add_files(store: Store, n: int = 1) -> list[int]:
    """``n`` PDFs uploaded by the app (file_i, doc<i>.pdf, sha<i>); their row ids."""
    return [
        store.add_file(
            file_id=f"file_{i}_",
            filename=f"doc{i}.pdf",
            mime_type="application/pdf",
            size_bytes=100 + i,
            sha256=f"sha{i}",
        ).id
        for i in range(n)
    ]
