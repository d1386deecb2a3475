"""``SetConversations``: "Ask about this set" and the set's conversations picking up files added later.

Ask attaches all of the set's active files in one click (the chat's one attaching rule,
``chat.attaching``: files that can no longer be used are left out, said); a conversation that already
has turns on other files makes way for a new one on the set. The conversation remembers its set (the
catalog's ``set_conversation_set``; the API layer then puts the set's instructions in the system
prompt). When files join a set (added by hand, or uploaded from its linked folder), or a conversation
on a set is opened again, the set's files it does not have yet are attached, and the transcript says so.
All catalog work runs as the chat pane's jobs (in order, in a worker).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from assistant.catalog import FileRecord, FileState, Store
from assistant.ui.sets.views import plural

if TYPE_CHECKING:
    from assistant.ui.chat import ChatPanel

__all__ = ["SetConversations"]


class SetConversations(QObject):
    picked_up = Signal(int, int)  # (conversation id, files attached)

    def __init__(self, chat: ChatPanel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._chat = chat
        self._set_of: dict[int, int | None] = {}  # conversation id -> its set, as this run set it
        chat.conversation_changed.connect(self._opened)

    def set_of(self, conversation_id: int) -> int | None:
        """The set the conversation is on (as set here, else as the catalog said when it was read)."""
        if conversation_id in self._set_of:
            return self._set_of[conversation_id]
        conv = self._chat.current_conversation()
        return conv.set_id if conv is not None and conv.id == conversation_id else None

    # -- Ask about this set ------------------------------------------------------------------------
    def ask(self, set_id: int) -> None:
        def work(store: Store) -> list[FileRecord]:
            return store.set_records(set_id, [FileState.ACTIVE, FileState.EXPIRED, FileState.MISSING])

        self._chat.jobs.submit("read the set's files", work, lambda records: self._attach(set_id, records))

    def _attach(self, set_id: int, records: list[FileRecord]) -> None:
        chat = self._chat
        conv = chat.current_conversation()
        if conv is not None and chat.controller.turns and self.set_of(conv.id) != set_id:
            chat.new_conversation()  # a conversation with turns on other files stays as it was
            chat.set_attached_files([r for r in records if r.state is FileState.ACTIVE])
        else:
            chat.attaching.attach_records(records)
        chat.focus_composer()
        # after the attach's own job: the conversation exists now (attaching made one if needed)
        chat.jobs.submit("after attaching the set", lambda _s: None, lambda _r: self._remember(set_id))

    def _remember(self, set_id: int) -> None:
        conv = self._chat.current_conversation()
        if conv is None:
            return
        self._set_of[conv.id] = set_id
        conv_id = conv.id
        self._chat.jobs.submit(
            "remember the conversation's set",
            lambda s: s.set_conversation_set(conv_id, set_id),
            lambda _r: None,
        )

    # -- files added to the set later ----------------------------------------------------------------
    def joined(self, set_id: int, _row_ids: list[int]) -> None:
        """Files joined ``set_id``: the conversation shown, if it is on that set, picks them up."""
        conv = self._chat.current_conversation()
        if conv is not None and self.set_of(conv.id) == set_id:
            self.pick_up(conv.id)

    def _opened(self, conversation_id: int) -> None:
        if conversation_id and self.set_of(conversation_id) is not None:
            self.pick_up(conversation_id)

    def pick_up(self, conversation_id: int) -> None:
        self._chat.jobs.submit(
            "files added to the set",
            lambda s: s.files_to_pick_up(conversation_id),
            lambda records: self._picked(conversation_id, records),
        )

    def _picked(self, conversation_id: int, records: list[FileRecord]) -> None:
        chat = self._chat
        conv = chat.current_conversation()
        have = {r.id for r in chat.attached_files()}
        new = [r for r in records if r.id not in have]
        if conv is None or conv.id != conversation_id or not new:
            return
        chat.set_attached_files(chat.attached_files() + new)
        n = len(new)
        chat.notes.add(  # kept with the conversation: shown in its place when opened again
            conversation_id, f"{plural(n, 'file')} added to the set {'was' if n == 1 else 'were'} attached"
        )
        self.picked_up.emit(conversation_id, n)
