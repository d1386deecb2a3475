"""Notes kept with a conversation (issue 12): each after the turn it followed, gone with the conversation."""

from __future__ import annotations

from assistant.catalog import Store


def test_a_note_is_kept_after_the_turns_so_far_and_goes_with_its_conversation() -> None:
    with Store.open(":memory:") as store:
        conv = store.create_conversation("Flat", "m")
        early = store.add_conversation_note(conv.id, "before any turn")
        first = store.start_turn(conv.id, "When does the lease end?", "m")
        later = store.add_conversation_note(conv.id, "1 file added to the set was attached")
        store.start_turn(conv.id, "And the deposit?", "m")
        assert (early.after_turn_id, later.after_turn_id) == (0, first.id)
        assert [n.text for n in store.conversation_notes(conv.id)] == [early.text, later.text]
        other = store.create_conversation("Other", "m")
        assert store.conversation_notes(other.id) == []
        store.delete_conversation(conv.id)
        assert store.conversation_notes(conv.id) == []
