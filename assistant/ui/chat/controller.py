"""``ConversationController``: the conversations and their attached files, kept in the catalog.

A ``QObject``, not a widget. Every catalog read and write runs as a job of ``CatalogJobs`` (one at a
time, in order, on the bridge's worker runner); results come back as signals on the GUI thread and
the controller's fields (the conversation shown, its attached files, gone files and turns) follow
them. The jobs share a ``Cursor``, the worker's side of "which conversation is current": a job
submitted right after another sees what that one made (attach files with no conversation, then ask:
the question goes into the conversation the attaching made).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from assistant.api.errors import ApiFailure, FailureKind
from assistant.api.lifecycle import replace_attachment
from assistant.catalog import (
    Citation,
    Conversation,
    FileRecord,
    FileState,
    Store,
    Turn,
    TurnState,
)
from assistant.catalog.identity import known_name
from assistant.ui.chat.jobs import CatalogJobs
from assistant.ui.chat.saving import Asked, mark_gone, save_question
from assistant.ui.chat.snapshot import (
    DEFAULT_TITLE,
    Cursor,
    Files,
    Listed,
    Prepared,
    Shown,
    files_of,
    read_files,
    read_shown,
)

__all__ = ["ConversationController"]


@dataclass
class _State:
    conversation: Conversation | None = None
    attached: list[FileRecord] = field(default_factory=list)
    turns: dict[int, Turn] = field(default_factory=dict)


class ConversationController(QObject):
    """Conversations and attachments. See the module docstring for the threads."""

    listed = Signal(object, int)  # tuple[Conversation, ...], the current id
    shown = Signal(object)  # Shown: a conversation was opened (or the same one read again)
    renamed = Signal(object)  # Conversation: the current one, with its new title
    files_changed = Signal(object, bool)  # Files, whether the list of attached files changed
    file_states_changed = Signal(list)  # FileRecords the API said are gone, marked in the catalog
    turns_loaded = Signal(object)  # tuple[Turn, ...] of the current conversation, read again
    replacements = Signal(object, list)  # (gone FileRecord, active FileRecords to attach instead)
    send_ready = Signal(object)  # Prepared
    not_sent = Signal(str, object)  # (question, gone FileRecords): the API said a file is gone
    source_found = Signal(object, object)  # (FileRecord | None, the Citation): for the source pane
    warning = Signal(str)
    status = Signal(str)

    def __init__(self, jobs: CatalogJobs, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self._cursor = Cursor()
        self._state = _State()
        self.filter_text = ""

    # ------------------------------------------------------------------ state (GUI side)

    @property
    def conversation(self) -> Conversation | None:
        return self._state.conversation

    @property
    def attached(self) -> list[FileRecord]:
        return list(self._state.attached)

    def turn(self, turn_id: int) -> Turn | None:
        return self._state.turns.get(turn_id)

    @property
    def turns(self) -> list[Turn]:
        return list(self._state.turns.values())

    def keep_turn(self, turn: Turn) -> None:
        """A turn the answer stream learnt of (started or ended)."""
        conv = self._state.conversation
        if conv is not None and turn.conversation_id == conv.id:
            self._state.turns[turn.id] = turn

    @property
    def idle(self) -> bool:
        return self._jobs.idle

    def _apply_files(self, files: Files, announce: bool = False) -> None:
        before = [(r.id, r.state, r.file_id) for r in self._state.attached]
        self._state.attached = list(files.attached)
        changed = before != [(r.id, r.state, r.file_id) for r in files.attached]
        self._conversation_read(files.conversation)
        self.files_changed.emit(files, changed or announce)

    def _apply_shown(self, shown: Shown) -> None:
        self._state.conversation = shown.conversation
        self._state.turns = {t.id: t for t in shown.turns}
        self._state.attached = list(shown.files.attached)
        self.shown.emit(shown)

    def _apply_listed(self, listed: Listed) -> None:
        if listed.shown is not None:
            self._state.conversation = listed.shown.conversation
        current = self._state.conversation
        self.listed.emit(listed.conversations, current.id if current is not None else 0)
        if listed.shown is not None:
            self._apply_shown(listed.shown)
        if listed.files is not None:
            self._apply_files(listed.files)

    # ------------------------------------------------------------------ conversations

    def load(self) -> None:
        """The list, and the first conversation in it opened."""
        cursor, search = self._cursor, self.filter_text or None

        def work(store: Store) -> Listed:
            convs = tuple(store.list_conversations(search))
            return Listed(convs, read_shown(store, cursor, convs[0].id if convs else 0))

        self._jobs.submit("load conversations", work, self._apply_listed)

    def reload_list(self) -> None:
        search = self.filter_text or None
        self._jobs.submit(
            "list conversations",
            lambda store: Listed(tuple(store.list_conversations(search))),
            self._apply_listed,
        )

    def open(self, conversation_id: int) -> None:
        cursor = self._cursor
        self._jobs.submit(
            "open conversation", lambda s: read_shown(s, cursor, conversation_id), self._apply_shown
        )

    def reload_turns(self) -> None:
        cursor = self._cursor

        def work(store: Store) -> tuple[int, tuple[Turn, ...]]:
            conv_id = cursor.conversation_id
            return conv_id, tuple(store.list_turns(conv_id)) if conv_id else ()

        def done(result: tuple[int, tuple[Turn, ...]]) -> None:
            conv = self._state.conversation
            if conv is not None and conv.id == result[0]:
                self._state.turns = {t.id: t for t in result[1]}
                self.turns_loaded.emit(result[1])

        self._jobs.submit("read turns", work, done)

    def new_conversation(self, model: str) -> None:
        """A new conversation with the attached files; an empty, unnamed current one is reused."""
        cursor, search = self._cursor, self.filter_text or None

        def work(store: Store) -> Listed | None:
            current = store.get_conversation(cursor.conversation_id) if cursor.conversation_id else None
            if current is not None and current.title == DEFAULT_TITLE and not store.list_turns(current.id):
                return None
            conv = store.create_conversation(DEFAULT_TITLE, model, list(cursor.file_ids))
            return Listed(tuple(store.list_conversations(search)), read_shown(store, cursor, conv.id))

        self._jobs.submit("new conversation", work, lambda r: None if r is None else self._apply_listed(r))

    def rename(self, conversation_id: int, title: str) -> None:
        title = " ".join(title.split())
        if not title:
            return
        search = self.filter_text or None

        def work(store: Store) -> tuple[Conversation | None, tuple[Conversation, ...]]:
            store.rename_conversation(conversation_id, title)
            return store.get_conversation(conversation_id), tuple(store.list_conversations(search))

        def done(result: tuple[Conversation | None, tuple[Conversation, ...]]) -> None:
            conv, convs = result
            current = self._state.conversation
            if conv is not None and current is not None and current.id == conv.id:
                self._state.conversation = conv
                self.renamed.emit(conv)
            self._apply_listed(Listed(convs))

        self._jobs.submit("rename conversation", work, done)

    def delete(self, conversation_id: int) -> None:
        cursor, search = self._cursor, self.filter_text or None

        def work(store: Store) -> Listed:
            store.delete_conversation(conversation_id)
            convs = tuple(store.list_conversations(search))
            if cursor.conversation_id != conversation_id:
                return Listed(convs)
            return Listed(convs, read_shown(store, cursor, convs[0].id if convs else 0))

        self._jobs.submit("delete conversation", work, self._apply_listed)

    def set_model(self, model: str) -> None:
        cursor = self._cursor

        def work(store: Store) -> Conversation | None:
            if not cursor.conversation_id:
                return None
            store.set_conversation_model(cursor.conversation_id, model)
            return store.get_conversation(cursor.conversation_id)

        self._jobs.submit("set model", work, self._conversation_read)

    def _conversation_read(self, conv: Conversation | None) -> None:
        current = self._state.conversation
        if conv is not None and current is not None and conv.id == current.id:
            self._state.conversation = conv

    # ------------------------------------------------------------------ attached files

    def attach(self, records: list[FileRecord], model: str, announce: bool = False) -> None:
        """Save ``records`` as the current conversation's files; with none yet (and files), make one.
        ``announce``: ``files_changed`` says "changed" even if the catalog has them as given."""
        self._state.attached = list(records)
        ids = tuple(r.id for r in records)
        cursor, search = self._cursor, self.filter_text or None

        def work(store: Store) -> Listed:
            convs: tuple[Conversation, ...] = ()
            if cursor.conversation_id:
                store.set_conversation_files(cursor.conversation_id, list(ids))
            elif ids:
                conv = store.create_conversation(DEFAULT_TITLE, model, list(ids))
                cursor.conversation_id = conv.id
                convs = tuple(store.list_conversations(search))
            cursor.file_ids = ids
            if convs:
                return Listed(convs, read_shown(store, cursor, cursor.conversation_id))
            return Listed((), None, files_of(store, cursor, read_files(store, ids)))

        def done(listed: Listed) -> None:
            if listed.shown is not None:
                self._apply_listed(listed)
            elif listed.files is not None:
                self._apply_files(listed.files, announce)

        self._jobs.submit("attach files", work, done)

    def refresh_files(self) -> None:
        """Read the attached files again (their states may have changed)."""
        cursor = self._cursor
        ids = tuple(r.id for r in self._state.attached)

        def work(store: Store) -> Files:
            conv = store.get_conversation(cursor.conversation_id) if cursor.conversation_id else None
            if conv is not None:
                cursor.file_ids = conv.file_ids
            return files_of(store, cursor, read_files(store, conv.file_ids if conv is not None else ids))

        self._jobs.submit("read attached files", work, self._apply_files)

    def replace_file(self, old: FileRecord, new: FileRecord) -> None:
        """Attach ``new`` in the place of ``old`` in the current conversation (history unchanged)."""
        cursor = self._cursor

        def work(store: Store) -> Files | ApiFailure:
            if not cursor.conversation_id:
                return Files((), ())
            try:
                conv = replace_attachment(store, cursor.conversation_id, old.id, new.id)
            except ApiFailure as failure:
                return failure
            cursor.file_ids = conv.file_ids
            return files_of(store, cursor, read_files(store, conv.file_ids))

        def done(result: Files | ApiFailure) -> None:
            if isinstance(result, ApiFailure):
                self.warning.emit(result.message)
                self.refresh_files()
                return
            if self._state.conversation is not None:
                self._apply_files(result)
                self.status.emit(f"Attached “{known_name(new)}” instead of “{known_name(old)}”")

        self._jobs.submit("replace file", work, done)

    def find_replacements(self, record: FileRecord) -> None:
        """The active files that could take a gone file's place (the same name first): ``replacements``."""
        attached = {r.id for r in self._state.attached}
        names = {record.filename.casefold(), (record.original_name or record.filename).casefold()}

        def same(r: FileRecord) -> bool:
            return r.filename.casefold() in names or (r.original_name or "").casefold() in names

        def work(store: Store) -> list[FileRecord]:
            found = [r for r in store.list_files([FileState.ACTIVE]) if r.id not in attached]
            return sorted(found, key=lambda r: not same(r))  # stable: newest first in each group

        self._jobs.submit("find replacements", work, lambda found: self.replacements.emit(record, found))

    # ------------------------------------------------------------------ asking

    def prepare_send(self, question: str, model: str, retry_of: int = 0, ticket: int = 0) -> None:
        """Check the attached files and save the question as a new turn: ``send_ready(Prepared)``.

        A new question renames an unnamed conversation after itself and saves the model and files
        (a conversation is made if there is none); a retry saves its question as a new turn, then
        deletes the old one. Gone files refuse it (nothing is saved)."""
        cursor, search = self._cursor, self.filter_text or None
        ids = tuple(r.id for r in self._state.attached)

        def work(store: Store) -> tuple[Prepared, tuple[Conversation, ...]]:
            return save_question(store, cursor, Asked(question, model, ids, retry_of, ticket), search)

        def done(result: tuple[Prepared, tuple[Conversation, ...]]) -> None:
            prepared, convs = result
            if prepared.conversation is not None:
                self._state.conversation = prepared.conversation
            if prepared.retry_of and prepared.turn is not None:
                self._state.turns.pop(prepared.retry_of, None)  # deleted: its question is saved again
            if convs:
                self._apply_listed(Listed(convs))
            self._apply_files(prepared.files)
            self.send_ready.emit(prepared)

        self._jobs.submit("prepare question", work, done)

    def unsend(self, prepared: Prepared) -> None:
        """A saved question that was not sent after all (stopped while it was being saved): a new
        question is deleted (it is back in the box), a retry's is kept as stopped; turns read again."""
        turn = prepared.turn
        if turn is None:
            return

        def work(store: Store) -> None:
            if prepared.retry_of:
                store.finish_turn(turn.id, state=TurnState.INCOMPLETE, answer="")
            else:
                store.delete_turn(turn.id)

        self._jobs.submit("drop unsent question", work, lambda _: self.reload_turns())

    def failed_on_gone_files(self, question: str, turn_id: int, failure: ApiFailure) -> None:
        """The API said an attached file is gone although the catalog thought it active: mark it as
        the server said, and treat the question as not sent (the failed, empty turn is dropped)."""
        cursor = self._cursor
        said = failure.api_message or ""
        state = FileState.EXPIRED if failure.kind is FailureKind.FILE_EXPIRED else FileState.MISSING

        def work(store: Store) -> tuple[list[FileRecord], Files | None, bool]:
            return mark_gone(store, cursor, said, state, turn_id)

        def done(result: tuple[list[FileRecord], Files | None, bool]) -> None:
            marked, files, dropped = result
            if marked:
                self.file_states_changed.emit(marked)
            if files is None:
                return
            if dropped:
                self._state.turns.pop(turn_id, None)
                self.turns_loaded.emit(tuple(self._state.turns.values()))
            self._apply_files(files)
            self.not_sent.emit(question, list(files.gone))

        self._jobs.submit("mark gone files", work, done)

    def find_citation(self, citation: Citation) -> None:
        """The local file a citation points to: ``source_found(record, citation)``."""
        documents = [r for r in self._state.attached if not r.is_image]

        def work(store: Store) -> FileRecord | None:
            record = store.file_by_file_id(citation.file_id) if citation.file_id else None
            if record is not None:
                return record
            # The file id changed (renewed, refreshed): the same document by its title, else by place.
            titled = [r for r in documents if citation.document_title in (known_name(r), r.filename)]
            if len(titled) == 1:
                return titled[0]
            if 0 <= citation.document_index < len(documents):
                return documents[citation.document_index]
            return None

        def found(record: FileRecord | None) -> None:
            self.source_found.emit(record, citation)

        self._jobs.submit("find cited file", work, found)
