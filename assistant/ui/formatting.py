"""How the file table says sizes, times and time left. Pure functions, no Qt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = [
    "WARN_BELOW",
    "converted_kind_label",
    "format_remaining",
    "format_size",
    "format_when",
    "kind_label",
    "remaining_level",
]

#: Under this much time left, the "Expires in" cell turns to the warning colour.
WARN_BELOW = timedelta(days=3)


def format_remaining(remaining: timedelta | None) -> str:
    """'29 d 23 h', '3 h 12 m', '12 m 5 s', '40 s', 'expired', or 'never' (rounded down)."""
    if remaining is None:
        return "never"
    total = int(remaining.total_seconds())
    if total <= 0:
        return "expired"
    days, rest = divmod(total, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} m"
    if minutes:
        return f"{minutes} m {seconds} s"
    return f"{seconds} s"


def remaining_level(remaining: timedelta | None) -> str:
    """'ok', 'warning' (under three days left) or 'expired' — what colour the countdown gets."""
    if remaining is None:
        return "ok"
    if remaining.total_seconds() <= 0:
        return "expired"
    if remaining < WARN_BELOW:
        return "warning"
    return "ok"


def format_size(size: int) -> str:
    """'812 B', '4.2 KB', '13.0 MB', '1.10 GB' (powers of 1000, as file managers show)."""
    if size < 1000:
        return f"{size} B"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1000.0
        if value < 1000 or unit == "TB":
            return f"{value:.2f} {unit}" if value < 10 and unit in ("GB", "TB") else f"{value:.1f} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def format_when(when: datetime | None, now: datetime | None = None) -> str:
    """A short local time: '14:05' today, 'Mar 3 14:05' this year, '2025-03-03' before; '—' for none."""
    if when is None:
        return "—"
    now = now or datetime.now(UTC)
    local = when.astimezone()
    local_now = now.astimezone()
    if local.date() == local_now.date():
        return local.strftime("%H:%M")
    if local.year == local_now.year:
        return local.strftime("%b %d %H:%M").replace(" 0", " ", 1)
    return local.strftime("%Y-%m-%d")


_KINDS = {
    "application/pdf": "PDF",
    "text/plain": "Text",
    "text/markdown": "Markdown",
    "text/csv": "CSV",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WebP",
}


def kind_label(mime_type: str, filename: str = "") -> str:
    """What a person calls the file's type: 'PDF', 'Markdown', 'PNG'…"""
    if mime_type == "text/plain" and "." in filename:
        ext = filename.rsplit(".", 1)[1].lower()
        if ext in ("md", "markdown"):
            return "Markdown"
        if ext in ("csv", "json", "jsonl", "xml", "log", "docx", "xlsx", "pptx"):
            return ext.upper() if ext not in ("docx", "xlsx", "pptx") else f"{ext.upper()} (text)"
    if mime_type in _KINDS:
        return _KINDS[mime_type]
    return mime_type.rsplit("/", 1)[-1].upper() if mime_type else "—"


_CONVERTED_KINDS = {
    "pdf": "PDF",
    "docx": "Word document",
    "xlsx": "Excel workbook",
    "pptx": "PowerPoint slides",
    "zip": "ZIP archive",
    "tar": "tar archive",
    "tar.gzip": "tar.gz archive",
    "tar.bzip2": "tar.bz2 archive",
    "tar.xz": "tar.xz archive",
    "gzip": "gzip file",
    "bzip2": "bzip2 file",
    "xz": "xz file",
}


def converted_kind_label(kind: str) -> str:
    """What a person calls a file converted to text here (``catalog.identity``): 'Word document'…"""
    return _CONVERTED_KINDS.get(kind, kind)
