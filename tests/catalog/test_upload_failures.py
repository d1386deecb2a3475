"""Failed uploads are remembered, one per path, until forgotten (issue 10, item 9)."""

from __future__ import annotations

from datetime import UTC, datetime

from assistant.catalog import Store, UploadFailure


def test_failures_are_kept_one_per_path_until_forgotten(store: Store) -> None:
    first, later = datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 3, 2, tzinfo=UTC)
    store.record_upload_failure("/docs/b.txt", "“b.txt” is empty.", permanent=True, failed_at=later)
    store.record_upload_failure("/docs/a.txt", "Could not reach the API.", permanent=False, failed_at=first)
    store.record_upload_failure("/docs/a.txt", "The API is overloaded.", permanent=False, failed_at=first)
    assert store.list_upload_failures() == [
        UploadFailure("/docs/a.txt", "The API is overloaded.", False, first),
        UploadFailure("/docs/b.txt", "“b.txt” is empty.", True, later),
    ]
    assert store.forget_upload_failures(["/docs/a.txt", "/docs/never.txt"]) == 1
    assert [f.path for f in store.list_upload_failures()] == ["/docs/b.txt"]
