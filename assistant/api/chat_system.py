"""The system prompt of a request: the constant prompt first (so the cached prefix stays the same from
turn to turn and across conversations), then, for a conversation on a document set with instructions,
those instructions as a system block of their own (issue 12). No Qt."""

from __future__ import annotations

from typing import Any

from assistant.catalog import Conversation, Store

__all__ = ["set_instructions_text", "system_for"]


def set_instructions_text(name: str, instructions: str) -> str:
    """The second system block for a set's instructions."""
    return (
        f"Instructions for the document set “{name}”, from the person using this app:\n{instructions.strip()}"
    )


def system_for(store: Store, conversation: Conversation, constant: str) -> str | list[dict[str, Any]]:
    """``constant`` alone (a string, as before) unless the conversation is on a set whose instructions
    are not empty: then two text blocks, the constant one first."""
    if conversation.set_id is None:
        return constant
    doc_set = store.get_set(conversation.set_id)
    if doc_set is None or not doc_set.instructions.strip():
        return constant
    return [
        {"type": "text", "text": constant},
        {"type": "text", "text": set_instructions_text(doc_set.name, doc_set.instructions)},
    ]
