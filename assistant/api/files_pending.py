"""Sending one upload so that nothing is stored twice and nothing of this app's is ever an orphan.

The upload is recorded as pending in the catalog before a byte is sent (``Store.begin_upload``). The SDK
does not retry it: after an unclear failure (the connection dropped, a timeout, a 5xx: the server may
have stored the file before its answer was lost) the server's list is searched for it first
(``find_on_server``: same name and size, created after the upload began, not a file the catalog knows),
and only when it is not there is it sent again. ``find_pending`` does the same at start for uploads a
crash cut short, and ``find_earlier`` before an upload is sent again while an earlier attempt of it is
still pending (its file is taken instead; when it cannot be looked for, nothing is sent). Blocking: run
in a worker. No Qt.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.api.errors import ApiFailure, Cancelled, CancelToken, FailureKind, to_failure
from assistant.api.files_remote import RemoteFile
from assistant.api.files_upload import Sent, UploadProgress, changed_while_sending, file_stamp, send_file
from assistant.catalog import FileRecord, Store
from assistant.catalog.file_sync import PENDING_SLACK, DuplicateFileId, matches_pending
from assistant.catalog.records import PendingUpload

if TYPE_CHECKING:
    import anthropic

__all__ = [
    "ATTEMPTS",
    "duplicate_failure",
    "find_earlier",
    "find_on_server",
    "find_pending",
    "is_unclear",
    "retire",
    "send_checked",
    "send_pending",
]

log = logging.getLogger("assistant.api.files")

ATTEMPTS = 3  # as the SDK's own max_retries=2
_BACKOFF = 0.5
_BACKOFF_CAP = 8.0


def is_unclear(failure: ApiFailure) -> bool:
    """Whether the server may have stored the upload although the request failed."""
    return failure.kind in {FailureKind.NETWORK, FailureKind.TIMEOUT, FailureKind.SERVER}


def _remote_ids_known(store: Store, file_id: str) -> bool:
    return store.file_by_file_id(file_id) is not None or store.is_retired_file_id(file_id)


def _newest_first(client: anthropic.Anthropic) -> Iterator[RemoteFile]:
    for item in client.files.list(limit=100):
        yield RemoteFile.from_api(item)


def find_on_server(client: anthropic.Anthropic, store: Store, pending: PendingUpload) -> RemoteFile | None:
    """The server's file for a pending upload, or None; raises ApiFailure when the list fails."""
    try:
        for remote in _newest_first(client):
            if remote.created_at < pending.started_at - PENDING_SLACK:
                return None  # newest first: the rest are older than the upload
            if matches_pending(
                pending, remote.filename, remote.size_bytes, remote.created_at
            ) and not _remote_ids_known(store, remote.file_id):
                return remote
    except Exception as exc:
        raise to_failure(exc) from None
    return None


def _wait(seconds: float, cancel: CancelToken | None) -> None:
    if cancel is not None:
        if cancel.wait(seconds):
            raise Cancelled("upload cancelled")
    else:
        threading.Event().wait(seconds)


def send_pending(
    client: anthropic.Anthropic,
    store: Store,
    pending: PendingUpload,
    path: Path,
    *,
    retention: int | None,
    progress: Callable[[UploadProgress], object] | None,
    cancel: CancelToken | None,
) -> Sent | RemoteFile:
    """Send a pending upload: a ``Sent`` when an answer came, the ``RemoteFile`` found on the server
    when the answer was lost. Ends the pending record when the upload is known not to be stored; an
    unclear failure whose file could not be looked for leaves it for Refresh or the next start."""
    once = client.with_options(max_retries=0)
    for attempt in range(ATTEMPTS):
        try:
            return send_file(
                once,
                path,
                pending.filename,
                pending.mime_type,
                size=pending.size_bytes,
                retention=retention,
                progress=progress,
                cancel=cancel,
            )
        except Cancelled:
            store.end_upload(pending.id)  # cut mid-body: the server stores nothing
            raise
        except ApiFailure as failure:
            if is_unclear(failure):
                try:
                    found = find_on_server(client, store, pending)
                except ApiFailure as lookup:
                    log.warning("upload of %s: could not look for it on the server: %s", path.name, lookup)
                    raise failure from None  # pending stays: Refresh or the next start looks again
                if found is not None:
                    log.info("upload of %s: the answer was lost; found it on the server", path.name)
                    return found
            if not failure.retryable or attempt == ATTEMPTS - 1:
                store.end_upload(pending.id)
                raise
            wait = failure.retry_after if failure.retry_after is not None else _BACKOFF * 2**attempt
            _wait(min(wait, _BACKOFF_CAP), cancel)
    raise AssertionError("unreachable")  # pragma: no cover


def find_earlier(
    client: anthropic.Anthropic, store: Store, earlier: Sequence[PendingUpload]
) -> tuple[PendingUpload, RemoteFile] | None:
    """Before an upload is sent again: its earlier attempts still pending (same bytes, name and size;
    their answer was lost and their file could not be looked for) are looked for first. The first found
    is returned (the caller records it instead of sending a second copy); those the server does not hold
    end. When the server cannot be listed, fails (retryable) and sends nothing: one source, one file."""
    for pending in earlier:
        try:
            found = find_on_server(client, store, pending)
        except ApiFailure as lookup:
            log.warning("upload of %s: could not look for its earlier upload: %s", pending.filename, lookup)
            raise ApiFailure(
                lookup.kind if lookup.retryable else FailureKind.NETWORK,
                f"An earlier upload of “{pending.filename}” may have reached the server, and the server's "
                f"list of files could not be read to check ({lookup.message}). Nothing was sent, so that "
                "it is not stored twice. Try again in a moment.",
                request_id=lookup.request_id,
                status=lookup.status,
                retry_after=lookup.retry_after,
            ) from None
        if found is not None:
            log.info(
                "upload of %s: its earlier upload is on the server; taken, not sent again", found.filename
            )
            return pending, found
        store.end_upload(pending.id)
    return None


def find_pending(client: anthropic.Anthropic, store: Store) -> list[RemoteFile]:
    """At start: the server's files for the uploads a crash left pending (this app's own: recorded so
    by ``Store.apply_reconcile``, which ends the others). Raises ApiFailure when the list fails."""
    found: list[RemoteFile] = []
    for pending in store.pending_uploads():
        remote = find_on_server(client, store, pending)
        if remote is not None and all(f.file_id != remote.file_id for f in found):
            found.append(remote)
    return found


def send_checked(  # noqa: PLR0917
    client: anthropic.Anthropic,
    store: Store,
    pending: PendingUpload,
    path: Path,
    stamp: tuple[int, int],
    retention: int | None,
    progress: Callable[[UploadProgress], object] | None,
    cancel: CancelToken | None,
) -> RemoteFile:
    """``send_pending``, then a source that changed while it went out (``stamp``: its size and time
    before; the hash of what was sent against the pending hash) fails, and its copy is deleted."""
    sent = send_pending(client, store, pending, path, retention=retention, progress=progress, cancel=cancel)
    remote = sent.remote if isinstance(sent, Sent) else sent
    same_bytes = sent.sha256 == pending.sha256 if isinstance(sent, Sent) else True
    try:
        unchanged = file_stamp(path) == stamp
    except OSError:
        unchanged = False
    if same_bytes and unchanged:
        return remote
    try:
        client.files.delete(remote.file_id)
    except Exception as exc:
        failure = to_failure(exc)
        if failure.status != 404:  # the pending record stays: Refresh finds it as this app's own
            log.warning("the changed upload %s was not deleted: %s", remote.file_id, failure)
            raise changed_while_sending(pending.filename) from None
    store.end_upload(pending.id)
    raise changed_while_sending(pending.filename)


def duplicate_failure(name: str, dup: DuplicateFileId) -> ApiFailure:
    log.warning("the server answered an upload with a file id the catalog holds: %s", dup)
    return ApiFailure(
        FailureKind.SERVER,
        f"The server answered the upload of “{name}” with the id of a file the catalog already holds "
        f"(“{dup.existing.filename}”, {dup.file_id}). That answer cannot be right, so nothing was "
        "recorded for it. Refresh to see what the server holds, then try again.",
    )


def retire(client: anthropic.Anthropic, store: Store, old: FileRecord) -> str | None:
    """Delete a renewed row's old remote file. When that fails, the file is recorded as left over by
    this app (Clean up offers it) and the note to tell the user is returned."""
    try:
        client.files.delete(old.file_id)
    except Exception as exc:
        failure = to_failure(exc)
        if failure.status == 404:
            return None
        log.warning("renewal: the old file %s was not deleted: %s", old.file_id, failure)
        store.add_leftover(
            file_id=old.file_id,
            filename=old.filename,
            mime_type=old.mime_type,
            size_bytes=old.size_bytes,
            sha256=old.sha256,
            uploaded_at=old.uploaded_at,
            expires_at=old.expires_at,
            leftover_of=old.id,
            warning=f"Left over by this app: the previous copy of a renewed file. {failure.message}",
        )
        return (
            f"The previous copy of “{old.filename}” ({old.file_id}) could not be deleted from the "
            f"server: {failure.message} It is kept in the list as left over by this app; Clean up "
            "offers it."
        )
    return None
