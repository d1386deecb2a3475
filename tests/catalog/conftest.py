"""Helpers of the catalog tests: files added to a catalog (the ``store`` fixture is tests/conftest.py's)."""

from __future__ import annotations

from assistant.catalog import Store


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
