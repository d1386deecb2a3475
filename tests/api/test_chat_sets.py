"""A document set's instructions go into the system prompt of its conversations (issue 12): a system
block of their own after the constant prompt, so the cached prefix still pays off. Against the sandbox."""

from __future__ import annotations

from pathlib import Path

from assistant.api.chat import SYSTEM_PROMPT, ChatService, Done
from assistant.api.files import FileService
from assistant.api.lifecycle import upload_document
from assistant.catalog import Store
from assistant.documents import prepare
from assistant.settings import Paths

MODEL = "claude-sonnet-5-5"
RULES = "Answer in one sentence, and name the section you rely on."


def _done(chat: ChatService, conversation_id: int, question: str) -> Done:
    events = list(chat.ask(conversation_id, question))
    assert isinstance(events[-1], Done), events[-1]
    return events[-1]


def test_set_instructions_are_a_second_system_block_and_the_prefix_still_caches(
    files: FileService, store: Store, chat: ChatService, paths: Paths, report: Path
) -> None:
    record = upload_document(files, store, prepare(report, cache_dir=paths.converted)).record
    doc_set = store.create_set("Lighthouse", RULES, [record.id])
    on_set = store.create_conversation("On the set", MODEL, [record.id], set_id=doc_set.id)
    plain = store.create_conversation("Plain", MODEL, [record.id])

    system = chat.build_request(on_set.id, "When was it built?").params["system"]
    assert system[0] == {"type": "text", "text": SYSTEM_PROMPT}  # the constant prompt first
    assert (
        system[1]["type"] == "text"
        and system[1]["text"].endswith(RULES)
        and "“Lighthouse”" in system[1]["text"]
    )
    assert chat.build_request(plain.id, "When was it built?").params["system"] == SYSTEM_PROMPT

    # the sandbox counts the extra block, and a second question reads the whole prefix from the cache
    assert chat.count_tokens(on_set.id, "When?") > chat.count_tokens(plain.id, "When?")
    first = _done(chat, on_set.id, "When was the lighthouse built?")
    second = _done(chat, on_set.id, "Who kept it?")
    assert first.usage is not None and second.usage is not None
    assert second.usage.cache_read_input_tokens >= first.usage.cache_creation_input_tokens > 0

    store.set_instructions(doc_set.id, "   ")  # blank: no second block
    assert chat.build_request(on_set.id, "When?").params["system"] == SYSTEM_PROMPT
