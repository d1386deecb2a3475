"""File names the Files API accepts: 1-255 characters, none of < > : " | ? * \\ / or U+0000-001F."""

from __future__ import annotations

import re

MAX_NAME_CHARS = 255
_FORBIDDEN = re.compile(r'[<>:"|?*\\/\x00-\x1f\x7f]')


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
