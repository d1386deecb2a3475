"""Logging: a rotating file in the logs dir, and a filter that keeps keys out of every record.

Public API::

    setup_logging(paths, debug=False) -> Path       # installs the file (and stderr) handlers once
    RedactingFilter()                               # replaces sk-ant-... and registered secrets
    register_secret(value)                          # also redact this exact string (every key the app
                                                    # holds: assistant.secrets registers each one)
    scrub(text) -> str                              # the same redaction, for text shown to people
    shutdown_logging()                              # removes and closes the handlers setup_logging added
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from assistant.redaction import redact, register_secret
from assistant.settings import Paths

__all__ = ["RedactingFilter", "register_secret", "scrub", "setup_logging", "shutdown_logging"]

scrub = redact  # the log's name for it: keys by shape and every registered value


class RedactingFilter(logging.Filter):
    """Rewrites each record's final message (args merged, traceback included) without secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = scrub(message)
        if clean != message or record.args:
            record.msg = clean
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            formatted = logging.Formatter().formatException(record.exc_info)
            record.exc_text = scrub(formatted)
        return True


_installed: list[logging.Handler] = []


def shutdown_logging() -> None:
    root = logging.getLogger()
    for handler in _installed:
        root.removeHandler(handler)
        handler.close()
    _installed.clear()


def setup_logging(paths: Paths, debug: bool = False) -> Path:
    """Log to ``paths.log_file`` (1 MB x 3 rotations) and stderr; idempotent."""
    shutdown_logging()
    root = logging.getLogger()
    paths.logs.mkdir(parents=True, exist_ok=True)
    file_handler = logging.handlers.RotatingFileHandler(
        paths.log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    stream_handler = logging.StreamHandler()
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    for handler in (file_handler, stream_handler):
        handler.setFormatter(fmt)
        handler.addFilter(RedactingFilter())
        root.addHandler(handler)
        _installed.append(handler)
    stream_handler.setLevel(logging.DEBUG if debug else logging.WARNING)
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    # The SDK and HTTP stack log headers at debug level; keep them quiet unless asked.
    for name in ("anthropic", "httpx2", "httpcore2", "httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.DEBUG if debug else logging.WARNING)
    return paths.log_file
