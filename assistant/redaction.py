"""What must never reach a file, a log or a message: keys, by their shape and by their value.

``register_secret(value)`` remembers a key this process holds (the key store, the session, the
offline sandbox register every key they read, are given or check); ``redact(text)`` replaces anything
shaped like an Anthropic key and every registered value, longest first. Standard library only: the
API layer's failure messages, the log filter and the crash dialog all use it.
"""

from __future__ import annotations

import re
import threading

__all__ = ["redact", "register_secret"]

_KEY_PATTERN = re.compile(r"sk-ant-[A-Za-z0-9_\-]{4,}")
_secrets: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str) -> None:
    if value and len(value) >= 8:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """``text`` without any key: the sk-ant-… shapes and every registered secret."""
    text = _KEY_PATTERN.sub("sk-ant-…(redacted)", text)
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, "…(redacted)")
    return text
