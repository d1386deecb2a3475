"""File names the Files API accepts: 1-255 characters, none of < > : " | ? * \\ / or U+0000-001F.

The API also accepts characters that hide what a name really says: a right-to-left override (U+202E)
between "invoice" and "fdp.exe" makes it read as "invoiceexe.pdf", and zero-width characters make two names
that look the same differ. ``hidden_characters(name)`` finds them, ``hidden_name_warning(name)`` is the
warning a row shows, and ``shown_name(name)`` spells each one out ("invoice⟨U+202E⟩fdp.exe") wherever
a name is displayed. The name sent is left as it is: it is the user's file's real name.
"""

from __future__ import annotations

import re
import unicodedata

from assistant.catalog.rules import hidden_characters, shown_name

MAX_NAME_CHARS = 255
_FORBIDDEN = re.compile(r'[<>:"|?*\\/\x00-\x1f\x7f]')
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def hidden_name_warning(name: str) -> str | None:
    """The warning for a name with hidden characters (None when it has none)."""
    found = hidden_characters(name)
    if not found:
        return None
    what = ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, 'UNNAMED')}" for ch in found)
    why = "change the direction of the text" if any(ch in _BIDI for ch in found) else "do not show"
    return (
        f"The name “{shown_name(name)}” contains characters that {why} ({what}), so it may not read as "
        "what it really is; it is shown with them spelled out."
    )


def is_acceptable_name(name: str) -> bool:
    return 1 <= len(name) <= MAX_NAME_CHARS and not _FORBIDDEN.search(name) and name.strip(" .") != ""


def safe_upload_name(name: str, *, fallback: str = "document") -> str:
    """`name` if the API accepts it, else a close name it does: forbidden characters become "_",
    surrounding spaces go, and a long name is shortened keeping its extension."""
    if is_acceptable_name(name):
        return name
    cleaned = _FORBIDDEN.sub("_", name).strip(" ")
    if cleaned.strip(" ._") == "":
        suffix = _suffix(cleaned)
        cleaned = fallback + (suffix if suffix and suffix.strip("._") else "")
    if len(cleaned) > MAX_NAME_CHARS:
        suffix = _suffix(cleaned)
        if len(suffix) > 16:
            suffix = ""
        cleaned = cleaned[: MAX_NAME_CHARS - len(suffix)].rstrip(" .") + suffix
    return cleaned


def with_suffix_for(name: str, suffix: str) -> str:
    """`name` ending in `suffix` (e.g. ".pdf"): kept when it does, otherwise the suffix is appended."""
    if name.lower().endswith(suffix):
        return safe_upload_name(name)
    stem = safe_upload_name(name)
    if len(stem) + len(suffix) > MAX_NAME_CHARS:
        stem = stem[: MAX_NAME_CHARS - len(suffix)].rstrip(" .")
    return stem + suffix


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:] if dot > 0 else ""
