"""Conversations keep their files (catalog rows, in attach order) across renewals."""

from __future__ import annotations

from datetime import UTC, datetime

from assistant.catalog import Store

from .conftest import add_files


def test_conversation_keeps_files_across_renewal(store: Store) -> None:
    a, b = add_files(store, 2)
    conv = store.create_conversation("Q3 report", "claude-sonnet-5-5", [b, a])
    assert conv.file_ids == (b, a)
    renewed = store.replace_file_id(a, file_id="file_new", uploaded_at=datetime.now(UTC), expires_at=None)
    assert renewed.id == a and renewed.file_id == "file_new"
    again = store.get_conversation(conv.id)
    assert again is not None and again.file_ids == (b, a)
    store.detach_file(conv.id, b)
    store.attach_files(conv.id, [b, a])
    again = store.get_conversation(conv.id)
    assert again is not None and again.file_ids == (a, b)
    assert store.conversations_using(a) == [conv.id]
    store.rename_conversation(conv.id, "Q3 numbers")
    assert [c.title for c in store.list_conversations("numb")] == ["Q3 numbers"]
    assert store.list_conversations("100%") == []
    store.delete_conversation(conv.id)
    assert store.conversations_using(a) == []
