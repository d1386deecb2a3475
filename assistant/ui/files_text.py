"""What the files table says of a row: the State column's label, its whole text, and the tooltips
(pure functions).

The State column is narrow (the name gets the room): ``state_label`` is one or two words for what the
row needs most ("Changed", "Expires soon", "Expired"), beside an icon when it needs attention;
``state_text`` says all of it — what the row needs first (a changed local file, expiring soon, a
missing local file), then where the upload came from, ⚠ for warnings, and the row's note — and leads
the cell's tooltip and its accessible text.
"""

from __future__ import annotations

from assistant.catalog import FileOrigin, FileRecord, FileState, SourceState
from assistant.catalog.rules import is_leftover, shown_name

__all__ = [
    "STATE_LABELS",
    "expires_tooltip",
    "name_tooltip",
    "origin_text",
    "state_label",
    "state_text",
    "state_tooltip",
]

_STATE_TEXT = {
    FileState.ACTIVE: "uploaded",
    FileState.EXPIRED: "expired",
    FileState.MISSING: "gone remotely",
    FileState.DELETED: "deleted",
}


_STATE_LABEL = {FileState.EXPIRED: "Expired", FileState.MISSING: "Gone", FileState.DELETED: "Deleted"}
# every label the column can show (it is sized for the longest)
STATE_LABELS = (
    "Uploaded", "Changed", "Expires soon", "No local file", "Orphan", "Left over",
    *_STATE_LABEL.values(),
)  # fmt: skip


def state_label(rec: FileRecord, *, source: SourceState | None, soon: bool) -> str:
    """The State column's words: what the row needs most (the tooltip says all of it)."""
    if rec.state is not FileState.ACTIVE:
        return _STATE_LABEL.get(rec.state, str(rec.state).capitalize())
    if source is SourceState.CHANGED:
        return "Changed"
    if soon:
        return "Expires soon"
    if rec.origin is FileOrigin.ADOPTED:
        return "Left over" if is_leftover(rec) else "Orphan"  # found remotely, not uploaded here
    if source is SourceState.MISSING:
        return "No local file"
    return "Uploaded"


def origin_text(rec: FileRecord) -> str:
    """ "converted from a.docx" (text made from it) or "renamed from a:b.txt" (a name the API refused)."""
    original = rec.original_name or ""
    if rec.filename.startswith(original) and rec.mime_type == "text/plain":
        return f"converted from {original}"
    return f"from {original}" if " (pages " in rec.filename else f"renamed from {original}"


def state_text(rec: FileRecord, *, source: SourceState | None, soon: bool, note: str | None) -> str:
    text = _STATE_TEXT.get(rec.state, str(rec.state))
    if rec.origin is FileOrigin.ADOPTED and rec.state is FileState.ACTIVE:
        text = "left over by this app" if is_leftover(rec) else "found remotely"
    if rec.state is FileState.ACTIVE:  # plain "uploaded" only when nothing is needed
        marks = []
        if source is SourceState.CHANGED:
            marks.append("local file changed since upload — Re-upload and swap")
        if soon:
            marks.append("expires soon — Renew")
        if source is SourceState.MISSING:
            marks.append("local file missing")
        if marks:
            text = " · ".join(marks)
    if rec.original_name and rec.original_name != rec.filename:
        text += f" · {origin_text(rec)}"
    if rec.warnings:
        text += " ⚠"
    return f"{text} · {note}" if note else text


def name_tooltip(rec: FileRecord) -> str:
    names = [shown_name(rec.filename), rec.file_id]
    if rec.original_name:
        names.insert(1, f"from {rec.original_name}")
    if rec.local_path:
        names.append(rec.local_path)
    return "\n".join(names)


def expires_tooltip(rec: FileRecord, renew_hint: str | None) -> str:
    if rec.expires_at is None:
        return "Kept until deleted"
    when = "Expires " + rec.expires_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"{when}\n{renew_hint}" if renew_hint else when


def state_tooltip(
    rec: FileRecord, *, source: SourceState | None, renew_hint: str | None, note: str | None
) -> str | None:
    lines: list[str] = []
    if renew_hint:
        lines.append(renew_hint)
    if source is SourceState.CHANGED and rec.state is FileState.ACTIVE:
        lines.append(
            f"The local file {rec.local_path} has changed since it was uploaded: questions use "
            "the old version. Re-upload and swap (right-click, or File ▸ Re-upload changed) "
            "to send the current one."
        )
    elif source is SourceState.MISSING and rec.state is FileState.ACTIVE:
        lines.append(
            f"The local file {rec.local_path} is not there any more. The uploaded copy still "
            "works, and the copy kept by this app still allows Renew."
        )
    if is_leftover(rec) and rec.state is FileState.ACTIVE:
        lines.append(
            "An old copy this app could not delete when it renewed or replaced the file: Clean up offers it."
        )
    elif rec.origin is FileOrigin.ADOPTED and rec.state is FileState.ACTIVE:
        lines.append("Found on the API but not uploaded by this app (an orphan): Clean up offers it.")
    if rec.original_name and rec.original_name != rec.filename:
        lines.append(f"{origin_text(rec).capitalize()}; uploaded as “{rec.filename}”.")
    lines += [f"⚠ {w}" for w in rec.warnings]
    if note:
        lines.append(note)
    return "\n".join(lines) or None
