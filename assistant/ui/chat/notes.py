"""``TranscriptNotes``: what the transcript says about the conversation between its turns ("1 file added
to the set was attached"), kept in the catalog with the conversation so that opening it again, or a
restart, shows each note in its place. The notes of the conversation shown come with it (``Shown.notes``);
a new note is shown at once and saved as one of the chat pane's jobs (in a worker)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from assistant.catalog import ConversationNote, Store

if TYPE_CHECKING:
    from assistant.ui.chat.controller import ConversationController
    from assistant.ui.chat.jobs import CatalogJobs
    from assistant.ui.chat.snapshot import Shown
    from assistant.ui.chat.transcript import Transcript

__all__ = ["TranscriptNotes"]


class TranscriptNotes(QObject):
    def __init__(
        self, jobs: CatalogJobs, controller: ConversationController, transcript: Transcript, parent: QObject
    ) -> None:
        super().__init__(parent)
        self._jobs, self._controller, self._transcript = jobs, controller, transcript
        self._notes: list[ConversationNote] = []
        controller.shown.connect(self._shown)  # before the pane renders what was shown

    @property
    def notes(self) -> tuple[ConversationNote, ...]:
        """The notes of the conversation shown, oldest first."""
        return tuple(self._notes)

    def _shown(self, shown: Shown) -> None:
        self._notes = list(shown.notes)

    def add(self, conversation_id: int, text: str) -> None:
        """Say ``text`` at the end of the transcript (if that conversation is shown) and keep it there."""
        if self._current() == conversation_id:
            self._transcript.add_note(text)

        def save(store: Store) -> ConversationNote:
            return store.add_conversation_note(conversation_id, text)

        self._jobs.submit("keep the transcript's note", save, self._kept)

    def _kept(self, note: ConversationNote) -> None:
        if self._current() == note.conversation_id:
            self._notes.append(note)

    def _current(self) -> int:
        conv = self._controller.conversation
        return conv.id if conv is not None else 0
