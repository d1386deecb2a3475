"""Reading a source before anything else: is it a regular file, its first bytes, its SHA-256."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import DocumentError, DocumentErrorKind
from .sink import cancelled
from .sniff import HEAD_BYTES

CHUNK = 1 << 20


def stat_source(path: Path, name: str) -> os.stat_result:
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise DocumentError(
            DocumentErrorKind.NOT_FOUND,
            f"“{name}” is not there any more (or is a link to nothing). "
            "Check where it went and add it again.",
        ) from exc
    except PermissionError as exc:
        raise unreadable(name) from exc
    except OSError as exc:
        raise DocumentError(
            DocumentErrorKind.UNREADABLE,
            f"“{name}” cannot be read ({exc.strerror}). Check the disk or share.",
        ) from exc
    mode = info.st_mode
    if stat.S_ISREG(mode):
        return info
    what = (
        "a folder"
        if stat.S_ISDIR(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a named pipe (fifo)"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a special file"
    )
    hint = (
        " Drop the folder itself to add the files inside it."
        if stat.S_ISDIR(mode)
        else " Add a regular file."
    )
    raise DocumentError(DocumentErrorKind.NOT_A_FILE, f"“{name}” is {what}, not a file.{hint}")


def unreadable(name: str) -> DocumentError:
    return DocumentError(
        DocumentErrorKind.UNREADABLE,
        f"“{name}” cannot be read: permission denied. Give yourself read access to it (or copy it somewhere "
        "you can read) and add it again.",
    )


def _open(path: Path) -> BinaryIO:
    """The one place the source is opened for hashing (tests replace it to simulate errors)."""
    return path.open("rb")


def read_head_and_hash(
    path: Path, name: str, should_stop: Callable[[], bool] | None = None
) -> tuple[bytes, str, bool]:
    """The first bytes, the SHA-256, and whether any NUL byte occurs (text files have none)."""
    digest = hashlib.sha256()
    advice = " Check the disk or share and try again."
    with reading(name, "could not be read to the end", advice), _open(path) as stream:
        head = stream.read(HEAD_BYTES)
        digest.update(head)
        has_nul = hash_rest(stream, digest, b"\x00" in head, name, should_stop)
    return head, digest.hexdigest(), has_nul


def hash_rest(
    stream: BinaryIO,
    digest: hashlib._Hash,
    has_nul: bool,
    name: str,
    should_stop: Callable[[], bool] | None = None,
) -> bool:
    """Reads ``stream`` to its end into ``digest``; whether a NUL byte occurs (``has_nul``: one did before).
    ``should_stop`` is asked before each chunk: the read is cancelled when it says so."""
    while chunk := stream.read(CHUNK):
        if should_stop is not None and should_stop():
            raise cancelled(name)
        digest.update(chunk)
        has_nul = has_nul or b"\x00" in chunk
    return has_nul


@contextmanager
def reading(name: str, failed: str = "could not be read", advice: str = "") -> Iterator[None]:
    """The errors of reading ``name``, said: permission denied says how to get access; any other
    failure says what failed (``failed``), why, then ``advice``."""
    try:
        yield
    except PermissionError as exc:
        raise unreadable(name) from exc
    except OSError as exc:
        raise DocumentError(
            DocumentErrorKind.UNREADABLE, f"“{name}” {failed} ({exc.strerror or exc}).{advice}"
        ) from exc
