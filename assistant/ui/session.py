"""The API side of the app as the window sees it: which endpoint and key, the client, the services.

Everything slow happens in workers on the task runner: reading the keyring, importing ``anthropic``
(``make_client``), starting the offline sandbox, reconciling the file list. The window listens:

    key_status(KeyStatus | None)   what the keyring said (None in offline mode)
    needs_key(KeyStatus)           no key anywhere: the first-run dialog should ask
    ready(Services)                client and services are usable
    connection(str, object)        connection text and ok (True, False, or None while unknown)
    refreshed(ReconcileReport)     the catalog was reconciled with the server

An ``Endpoint`` comes from the composition root: the API (key from the key store) or, offline, a
``start_offline`` callable that starts the built-in sandbox and returns its URL and key.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, Signal

from assistant.api.errors import ApiFailure, CancelToken, FailureKind
from assistant.api.files import FileService, UploadResult
from assistant.bridge import Task, TaskRunner
from assistant.catalog import FileRecord, Store
from assistant.logs import register_secret
from assistant.secrets import KeyStatus, KeyStore
from assistant.settings import Paths, PdfAsText, Settings

if TYPE_CHECKING:  # importing anthropic costs about a second: only in workers, after the first paint
    from anthropic import Anthropic

    from assistant.api.chat import ChatService
    from assistant.api.files_reconcile import ReconcileReport

__all__ = ["ApiSession", "Endpoint", "NeedsSplit", "Services"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Endpoint:
    base_url: str
    api_key: str | None = None  # None: the key store's key
    offline: bool = False
    stop: Callable[[], None] | None = None  # stops what start_offline started


@dataclass(frozen=True)
class NeedsSplit:
    """What ``upload_one`` returns for a PDF over the page limit of one request: nothing was sent; the
    queue offers "Split into N parts" (``upload_one(..., split=True)``)."""

    path: Path
    page_count: int
    pages_per_part: int
    parts: int

    @property
    def message(self) -> str:
        return (
            f"“{self.path.name}” has {self.page_count} pages; one question can take at most "
            f"{self.pages_per_part}. Split it into {self.parts} parts to use all of it."
        )


@dataclass(frozen=True)
class Services:
    client: Anthropic
    files: FileService
    chat: ChatService
    endpoint: Endpoint


class ApiSession(QObject):
    key_status = Signal(object)
    needs_key = Signal(object)
    ready = Signal(object)
    connection = Signal(str, object)
    refreshed = Signal(object)

    def __init__(
        self,
        runner: TaskRunner,
        store: Store,
        paths: Paths,
        key_store: KeyStore,
        settings: Callable[[], Settings],
        *,
        base_url: str | None = None,
        start_offline: Callable[[], Endpoint] | None = None,
        samples: Sequence[Path] = (),
        clock: Callable[[], datetime] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._store = store
        self._paths = paths
        self._key_store = key_store
        self._settings = settings
        self._base_url = base_url
        self._start_offline = start_offline
        self._samples = list(samples)
        self._clock = clock
        self.services: Services | None = None
        self.status: KeyStatus | None = None
        self._endpoint: Endpoint | None = None
        self._refreshing: Task[Any] | None = None
        self._closed = False
        self.max_pdf_pages: int | None = None  # None: the documents layer's default (pages per request)

    @property
    def offline(self) -> bool:
        return self._start_offline is not None

    @property
    def key_store(self) -> KeyStore:
        return self._key_store

    @property
    def base_url(self) -> str:
        return self._base_url or self._settings().base_url

    def host_label(self) -> str:
        if self.offline:
            return "local sandbox"
        return urlsplit(self.base_url).netloc or self.base_url

    # -- connecting ----------------------------------------------------------------------------------
    def start(self) -> Task[Any] | None:
        """Read the key (or start the sandbox) and build the client, all in a worker."""
        if self._closed:
            return None
        self.connection.emit("Connecting…" if self.offline else "Reading the key…", None)
        return self._runner.run(
            self._connect, on_result=self._connected, on_failed=self._connect_failed, name="connect"
        )

    def _connect(self, token: CancelToken) -> tuple[KeyStatus | None, Services | None]:
        settings = self._settings()
        if self._start_offline is not None:
            endpoint = self._endpoint or self._start_offline()
            self._endpoint = endpoint
            status = None
            key = endpoint.api_key
        else:
            status = self._key_store.status()
            key = self._key_store.key()
            endpoint = Endpoint(self.base_url)
        if not key:
            return status, None
        register_secret(key)
        token.raise_if_cancelled()
        services = self._build(key, endpoint, settings)
        _recover_pending(services)
        if endpoint.offline and self._samples:
            self._upload_samples(services, token)
        return status, services

    def _build(self, key: str, endpoint: Endpoint, settings: Settings) -> Services:
        from assistant.api.chat import ChatService
        from assistant.api.client import ClientConfig, make_client
        from assistant.api.pricing import load_prices

        client = make_client(ClientConfig(api_key=key, base_url=endpoint.base_url))
        files = FileService(
            client,
            self._store,
            retention_seconds=lambda: self._settings().retention_seconds,
            clock=self._clock,
        )
        clock = self._clock
        chat = ChatService(
            client,
            self._store,
            max_tokens=settings.max_tokens,
            prices=load_prices(),
            cache_ttl=lambda: str(self._settings().cache_ttl),
            clock=(lambda: clock().timestamp()) if clock is not None else time.time,
        )
        return Services(client, files, chat, endpoint)

    def _upload_samples(self, services: Services, token: CancelToken) -> None:
        """The sample documents, uploaded like any dropped file (already there: reused, not sent)."""
        for sample in self._samples:
            token.raise_if_cancelled()
            if not sample.is_file():
                log.warning("sample %s is missing from this installation", sample)
                continue
            try:
                self._upload(services, sample, token, lambda _progress: None)
            except ApiFailure as failure:
                log.warning("sample %s not uploaded: %s", sample.name, failure)

    def _connected(self, result: tuple[KeyStatus | None, Services | None]) -> None:
        status, services = result
        if self._closed:
            if services is not None:
                _close(services.client)
            return
        self.status = status
        self.key_status.emit(status)
        if services is None:
            self.connection.emit("No API key", False)
            if status is not None:
                self.needs_key.emit(status)
            return
        old, self.services = self.services, services
        if old is not None:
            _close(old.client)
        self.connection.emit(f"Connecting to {self.host_label()}…", None)
        self.ready.emit(services)
        self.refresh()

    def _connect_failed(self, failure: ApiFailure) -> None:
        self.connection.emit(f"Not connected: {failure.message}", False)

    def key_saved(self, status: KeyStatus) -> None:
        """A new key was stored (or kept for the session): connect with it."""
        self.status = status
        self.start()

    # -- using ---------------------------------------------------------------------------------------
    def refresh(self) -> Task[Any] | None:
        """Reconcile the catalog with the server's file list (in a worker)."""
        services = self.services
        if services is None or self._refreshing is not None or self._closed:
            return self._refreshing
        self._refreshing = self._runner.run(
            lambda _tok: services.files.reconcile(),
            on_result=self._refreshed,
            on_failed=self._refresh_failed,
            on_ended=self._refresh_ended,
            name="reconcile",
        )
        return self._refreshing

    def _refreshed(self, report: ReconcileReport) -> None:
        if self._closed:
            return
        where = "Offline: local sandbox" if self.offline else f"Connected to {self.host_label()}"
        self.connection.emit(where, True)
        self.refreshed.emit(report)

    def _refresh_failed(self, failure: ApiFailure) -> None:
        if failure.kind is FailureKind.BAD_KEY:
            self.connection.emit("Key not accepted", False)
            if self.status is not None:
                self.needs_key.emit(self.status)
        else:
            self.connection.emit(f"Not connected: {failure.message}", False)

    def _refresh_ended(self) -> None:
        self._refreshing = None

    def upload_one(
        self, path: Path, token: CancelToken, report: Callable[[object], None], *, split: bool = False
    ) -> UploadResult | list[UploadResult] | NeedsSplit:
        """Prepare (convert if needed) and upload one file (``lifecycle.upload_document``: the catalog
        records the source, the kept copy, the original name and the warnings). A PDF over the page
        limit of a request is not sent: ``NeedsSplit`` comes back, unless ``split`` is set, then it is
        split into parts (a list of results). A file that cannot be prepared fails with its own message
        (``ApiFailure`` LOCAL) before any byte is sent. Runs in a worker."""
        services = self.services
        if services is None:
            raise ApiFailure(FailureKind.BAD_KEY, "No API key yet: enter one (API key…) or try it offline.")
        return self._upload(services, path, token, report, split=split)

    def _upload(
        self,
        services: Services,
        path: Path,
        token: CancelToken,
        report: Callable[[object], None],
        *,
        split: bool = True,
    ) -> UploadResult | list[UploadResult] | NeedsSplit:
        from assistant.api.lifecycle import split_and_upload, upload_document
        from assistant.documents import DocumentError, DocumentErrorKind, prepare_isolated

        # in a conversion process: a long conversion must not hold this process's GIL (GUI stalls)
        options: dict[str, object] = (
            {} if self.max_pdf_pages is None else {"max_pdf_pages": self.max_pdf_pages}
        )
        way = self._settings().pdf_as_text  # Always: PDFs go as text; Ask: as PDFs, both ways' tokens said
        options["pdf_as_text"] = way is PdfAsText.ALWAYS
        options["pdf_figures"] = way is PdfAsText.ASK
        try:
            doc = prepare_isolated(
                path, cache_dir=self._paths.converted, should_stop=token.is_cancelled, **options
            )
        except DocumentError as exc:
            if exc.kind is DocumentErrorKind.CANCELLED:
                token.raise_if_cancelled()
            raise ApiFailure(FailureKind.LOCAL, exc.message, permanent=exc.permanent) from None
        token.raise_if_cancelled()
        plan = doc.needs_split
        if plan is not None:
            if not split:
                return NeedsSplit(path, plan.page_count, plan.pages_per_part, len(plan.parts))
            return split_and_upload(
                services.files,
                self._store,
                doc,
                self._paths.converted,
                pages_per_part=plan.pages_per_part,
                progress=report,
                cancel=token,
            )
        return upload_document(services.files, self._store, doc, progress=report, cancel=token)

    def refresh_stale(self, record_id: int, token: CancelToken) -> FileRecord:
        """Upload the changed source's current version into the same row (a new file id) and delete the
        old remote file. Runs in a worker."""
        services = self.services
        if services is None:
            raise ApiFailure(FailureKind.BAD_KEY, "Not connected: enter an API key first.")
        from assistant.api.lifecycle import refresh_stale
        from assistant.documents import DEFAULT_MAX_PDF_PAGES

        return refresh_stale(
            services.files,
            self._store,
            record_id,
            self._paths.converted,
            max_pdf_pages=self.max_pdf_pages or DEFAULT_MAX_PDF_PAGES,
            cancel=token,
        )

    def send_pdf_as(self, record_id: int, as_text: bool, token: CancelToken) -> FileRecord:
        """Upload a PDF's row again as its text or as a PDF, into the same row. Runs in a worker."""
        services = self.services
        if services is None:
            raise ApiFailure(FailureKind.BAD_KEY, "Not connected: enter an API key first.")
        from assistant.api.lifecycle import send_pdf_as

        return send_pdf_as(
            services.files, self._store, record_id, self._paths.converted, as_text=as_text, cancel=token
        )

    def renew(self, record_id: int, token: CancelToken) -> FileRecord:
        """Upload the file's kept copy again with a fresh expiry, into the same row. Runs in a worker."""
        services = self.services
        if services is None:
            raise ApiFailure(FailureKind.BAD_KEY, "Not connected: enter an API key first.")
        from assistant.api.lifecycle import renew

        return renew(services.files, self._store, record_id, cache_dir=self._paths.converted, cancel=token)

    def close(self) -> None:
        """Close the client and stop the sandbox (after the runner has shut down)."""
        self._closed = True
        if self.services is not None:
            _close(self.services.client)
            self.services = None
        if self._endpoint is not None and self._endpoint.stop is not None:
            self._endpoint.stop()
            self._endpoint = None


def _recover_pending(services: Services) -> None:
    """Uploads a crash cut short are looked for on the server: found, they are this app's own."""
    try:
        report = services.files.recover_pending()
    except ApiFailure as failure:  # Refresh looks again (a pending upload found then is the app's too)
        log.warning("uploads left pending by the last run not looked for yet: %s", failure)
        return
    if report.recovered:
        log.info("found %d upload(s) the last run did not finish recording", len(report.recovered))


def _close(client: Anthropic) -> None:
    try:
        client.close()
    except Exception:  # pragma: no cover - closing is best effort
        log.debug("closing the client failed", exc_info=True)
