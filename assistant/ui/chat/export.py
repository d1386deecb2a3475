"""Export a conversation to Markdown: the file is read and written in a worker, never on the GUI thread.

``Exporter.export(conversation)`` asks where (a non-blocking dialog); ``export(conversation, path)``
writes at once. ``exported(Path)`` or ``failed(str)`` says how it went.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from assistant.api.errors import ApiFailure, CancelToken, FailureKind
from assistant.catalog import Conversation
from assistant.catalog.identity import known_name
from assistant.ui.chat.format import conversation_markdown
from assistant.ui.chat.services import ChatServices

__all__ = ["Exporter", "safe_name"]


def safe_name(title: str, limit: int = 60) -> str:
    """A clean file name from a title: its words kept, punctuation dropped, cut at a word, never mid-word."""
    words = re.findall(r"[^\W_]+(?:[-'][^\W_]+)*", title)
    name = ""
    for word in words:
        candidate = f"{name} {word}" if name else word
        if len(candidate) > limit:
            break
        name = candidate
    return name or (words[0][:limit] if words else "conversation")


def write_markdown(services: ChatServices, conversation_id: int, target: Path) -> Path:
    """In a worker: the conversation as the catalog has it, written to ``target``."""
    store = services.store
    conv = store.get_conversation(conversation_id)
    if conv is None:
        raise ApiFailure(FailureKind.LOCAL, "the conversation is no longer in the catalog")
    turns = store.list_turns(conv.id)
    names = [known_name(r) for r in (store.get_file(i) for i in conv.file_ids) if r is not None]
    priced = services.priced  # offline: tokens, never money
    costs = {t.id: services.format_usd(t.cost_usd) for t in turns if t.cost_usd is not None and priced}
    models = [t.model for t in turns if t.model] or [conv.model]
    several = len({services.model_name(m) for m in models}) > 1
    text = conversation_markdown(
        conv,
        turns,
        file_names=names,
        costs=costs,
        exported_at=datetime.now(UTC),
        answered_by=services.names.answered_by(models),
        turn_models={t.id: services.model_name(t.model) for t in turns} if several else None,
    )
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ApiFailure(FailureKind.LOCAL, exc.strerror or str(exc)) from exc
    return target


class Exporter(QObject):
    exported = Signal(object)  # the Path written
    failed = Signal(str)  # why not

    def __init__(self, services: ChatServices, dialog_parent: QWidget) -> None:
        super().__init__(dialog_parent)
        self._services = services
        self._dialog_parent = dialog_parent
        self._dialog: QFileDialog | None = None

    def export(self, conversation: Conversation, path: Path | None = None) -> None:
        if path is None:
            dialog = QFileDialog(self._dialog_parent, "Export conversation", "", "Markdown (*.md)")
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setDefaultSuffix("md")
            dialog.selectFile(safe_name(conversation.title) + ".md")
            dialog.fileSelected.connect(lambda chosen: self.export(conversation, Path(chosen)))
            self._dialog = dialog
            dialog.open()
            return
        services, conv_id = self._services, conversation.id

        def work(token: CancelToken) -> Path:
            return write_markdown(services, conv_id, path)

        services.runner.run(
            work, on_result=self.exported.emit, on_failed=self._failed, name="export conversation"
        )

    def _failed(self, failure: ApiFailure) -> None:
        self.failed.emit(f"Export failed: {failure.message}")
