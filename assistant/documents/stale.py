"""Has a source changed since it was prepared? Cheap checks first (size, time), the hash only when needed."""

from __future__ import annotations

import stat
from pathlib import Path

from assistant.catalog.records import SourceState

from .hashing import sha256_file

__all__ = ["SourceState", "source_state"]


def source_state(path: Path, *, size: int, mtime: float, sha256: str) -> SourceState:
    """Compare a file with the size, time and hash recorded when it was prepared (`PreparedDocument`
    `source_size`, `source_mtime`, `source_sha256`). A file whose time changed but whose bytes did not
    (touched, copied back) is unchanged. Blocking when it has to hash: call it from a worker."""
    try:
        info = path.stat()
    except OSError:
        return SourceState.MISSING
    if not stat.S_ISREG(info.st_mode):
        return SourceState.MISSING
    if info.st_size != size:
        return SourceState.CHANGED
    if info.st_mtime == mtime:
        return SourceState.UNCHANGED
    try:
        digest = sha256_file(path)
    except OSError:
        return SourceState.MISSING
    return SourceState.UNCHANGED if digest == sha256 else SourceState.CHANGED
