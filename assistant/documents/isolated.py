"""`prepare()` in a separate process, so a long conversion never holds the app's interpreter lock.

A worker thread in the app's process still shares the GIL with the GUI thread: converting a 10,000-row
workbook there (openpyxl parses XML in Python) stalled the GUI thread for 100 ms and more at a time. Here
the conversion runs in a small pool of spawned processes; the calling thread only waits (GIL released) and
polls its own `should_stop`. A converter that crashes its process takes only that process with it: the
file fails with a clear message and the next file gets a fresh pool.

    doc = prepare_isolated(path, cache_dir=cache, should_stop=token.is_cancelled, max_pdf_pages=100)
    shutdown_pool()        # at exit (also registered by concurrent.futures itself)

Same arguments, result and errors as `prepare()`. Cancelling stops the child too: it polls a flag file
that the caller creates when `should_stop()` turns true. A child never outlives the app: each one
watches its parent and exits when it is gone (killed with -9, say), and with the children gone the
pool's resource tracker sees its pipe close and exits too.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from .errors import DocumentError, DocumentErrorKind
from .model import PreparedDocument
from .service import prepare

__all__ = ["prepare_isolated", "shutdown_pool"]

WORKERS = 2
POLL_SECONDS = 0.05
PARENT_CHECK_SECONDS = 0.5  # how often a conversion process checks that the app is still there

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def _get_pool() -> ProcessPoolExecutor:
    global _pool  # noqa: PLW0603 - one pool per process, made on first use
    with _lock:
        if _pool is None:
            # spawn, never fork: the app's process has Qt and worker threads that a fork would copy
            _pool = ProcessPoolExecutor(
                max_workers=WORKERS,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_watch_parent,
                initargs=(os.getpid(),),
            )
        return _pool


def _drop_pool(broken: ProcessPoolExecutor) -> None:
    global _pool  # noqa: PLW0603
    with _lock:
        if _pool is broken:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)


def shutdown_pool() -> None:
    """Stop the conversion processes (waits for a conversion under way to finish or see its flag)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def _watch_parent(parent: int) -> None:
    """In each conversion process: exit as soon as the app that started it is gone.

    A polled parent id, not Linux's PR_SET_PDEATHSIG: that signal follows the *thread* that spawned the
    process (any worker thread that happened to submit first, and those come and go), not the app."""

    def watch() -> None:
        while True:
            if os.getppid() != parent:  # re-parented: the app died without shutting the pool down
                os._exit(0)
            time.sleep(PARENT_CHECK_SECONDS)

    if os.getppid() != parent:
        os._exit(0)
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _prepare_in_child(
    path: Path, cache_dir: Path, stop_flag: str, options: dict[str, Any]
) -> PreparedDocument:
    return prepare(path, cache_dir=cache_dir, should_stop=lambda: os.path.exists(stop_flag), **options)


def prepare_isolated(
    path: Path,
    *,
    cache_dir: Path,
    should_stop: Callable[[], bool] | None = None,
    **options: Any,
) -> PreparedDocument:
    """`prepare(path, cache_dir=..., **options)` in a conversion process; blocks until it is done."""
    path = Path(path)
    fd, stop_flag = tempfile.mkstemp(prefix="da-stop-")
    os.close(fd)
    os.unlink(stop_flag)  # the flag is the file's existence: created only to stop the child
    pool = _get_pool()
    try:
        future: Future[PreparedDocument] = pool.submit(_prepare_in_child, path, cache_dir, stop_flag, options)
        while True:
            try:
                return future.result(timeout=POLL_SECONDS)
            except FutureTimeout:
                if should_stop is not None and should_stop() and not os.path.exists(stop_flag):
                    Path(stop_flag).touch()
    except BrokenProcessPool:
        _drop_pool(pool)
        raise DocumentError(
            DocumentErrorKind.CORRUPT_DOCUMENT,
            f"“{path.name}” could not be read: the converter stopped unexpectedly while reading it. "
            "Check that the file opens in its own program, save it again, and retry.",
        ) from None
    finally:
        if os.path.exists(stop_flag):
            os.unlink(stop_flag)
