"""What the files table says of a row: the State column's label, its whole text, and the tooltips
(pure functions).

The State column is narrow (the name gets the room): ``state_label`` is one or two words for what the
row needs most ("Changed", "Expires soon", "Expired"), beside an icon when it needs attention;
``state_text`` says all of it — what the row needs first (a changed local file, expiring soon, a
missing local file), then where the upload came from, ⚠ for warnings, and the row's note — and leads
the cell's tooltip and its accessible text.
A file converted to text here shows its own name, kind and size (``name_text``, ``type_text``,
``size_of``); ``conversion_tip`` says what was sent instead.
"""

from __future__ import annotations

from assistant.catalog import FileOrigin, FileRecord, FileState, SourceState
from assistant.catalog.identity import known_name, text_conversion
from assistant.catalog.rules import is_leftover, note_line, shown_name, warnings_of
from assistant.ui.formatting import converted_kind_label, format_size, kind_label

__all__ = [
    "STATE_LABELS",
    "conversion_tip",
    "expires_tooltip",
    "name_text",
    "name_tooltip",
    "origin_text",
    "size_of",
    "state_label",
    "state_sign",
    "state_text",
    "state_tooltip",
    "type_text",
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


def name_text(rec: FileRecord) -> str:
    """The Name cell: the name the user knows ("memo.docx", not the "memo.docx.txt" sent)."""
    return shown_name(known_name(rec))


def type_text(rec: FileRecord) -> str:
    """The Type cell: 'PDF', 'Markdown', or for a file converted here 'Word document (as text)'."""
    converted = text_conversion(rec)
    if converted is None:
        return kind_label(rec.mime_type, rec.filename)
    return f"{converted_kind_label(converted.kind)} (as text)"


def size_of(rec: FileRecord) -> int:
    """The Size cell's bytes: the file's own size (the text's when an older catalog did not record it)."""
    converted = text_conversion(rec)
    return converted.size if converted is not None and converted.size is not None else rec.size_bytes


def conversion_tip(rec: FileRecord) -> str | None:
    """What was sent for a file converted to text here (None for a file sent as it is): "Word document,
    31.2 KB. Converted to text on this computer: 413 B of text sent as “memo.docx.txt”."."""
    converted = text_conversion(rec)
    if converted is None:
        return None
    size = f", {format_size(converted.size)}" if converted.size is not None else ""
    how = "Decompressed" if converted.decompressed else "Converted to text"
    return (
        f"{converted_kind_label(converted.kind)}{size}.\n{how} on this computer: "
        f"{format_size(converted.text_size)} of text sent as “{shown_name(converted.uploaded_as)}”."
    )


def state_sign(rec: FileRecord, *, soon: bool, source: SourceState | None, note: str | None) -> str | None:
    """The sign beside the State column's words: "warning" where the row needs the person (a warning,
    expiring soon, a changed or missing local file), "info" where its tooltip has more to read (a note,
    a hint such as what a PDF costs each way, where a renamed or converted file came from), or None."""
    if rec.state is not FileState.ACTIVE:
        return None
    if warnings_of(rec.warnings) or soon or source is not None:
        return "warning"
    if note or rec.warnings or (rec.original_name and rec.original_name != rec.filename):
        return "info"
    return None


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
    if rec.original_name and rec.original_name != rec.filename and text_conversion(rec) is None:
        text += f" · {origin_text(rec)}"  # a converted file's Name and Type say it
    if warnings_of(rec.warnings):
        text += " ⚠"
    return f"{text} · {note}" if note else text


def name_tooltip(rec: FileRecord) -> str:
    names = [name_text(rec)]
    converted = conversion_tip(rec)
    if converted is not None:
        names.append(converted)
    elif rec.original_name:
        names.append(f"from {rec.original_name}")
    names.append(rec.file_id)
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
    converted = conversion_tip(rec)
    if converted is not None:
        lines.append(converted)
    elif rec.original_name and rec.original_name != rec.filename:
        lines.append(f"{origin_text(rec).capitalize()}; uploaded as “{rec.filename}”.")
    lines += [note_line(w) for w in rec.warnings]
    if note:
        lines.append(note)
    return "\n".join(lines) or None
