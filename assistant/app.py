"""The composition root: settings, paths, catalog, key store, task runner, API session, the window.

    document-assistant [--data-dir DIR] [--base-url URL] [--sandbox] [--debug] [--version]

``build_main_window(argv)`` returns the shown main window without entering the event loop (tests and
automation); ``main()`` adds the crash dialog, the start-up problem dialog, quitting on SIGTERM, and runs
the loop. One instance per data folder: a second start on the same folder brings the first one's window
to the front and exits (``ui/single_instance.py``).

First paint comes first: this module imports only Qt and the settings at load; the window's shell
(menus, toolbar, status bar) is shown and painted, and only then are the catalog, the logs, the parts
and the services imported and built. The keyring, ``import anthropic``, the network and the offline
sandbox all start later still, in workers.

Which mode: ``--sandbox`` is offline (the built-in sandbox answers, with two sample documents);
``--base-url`` or ``ANTHROPIC_API_KEY`` is online; otherwise the mode of the last run, and on the very
first run offline with the key dialog open (so ``make run`` with no key starts on the sandbox). Offline
mode has its own catalog (``data/offline/``) so sandbox files never mix with real ones. Saving a key in
offline mode, or "Try it offline" online, rebuilds the window in the other mode.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from assistant import APP_ID, APP_NAME, __version__
from assistant.resources import assets_dir
from assistant.session_bus import settle_session_bus
from assistant.settings import Paths, SettingError, Settings, validate_base_url
from assistant.ui.first_paint import wait_for_first_paint
from assistant.ui.geometry import window_ini
from assistant.ui.main_window import MainWindow

if TYPE_CHECKING:
    from assistant.catalog import FileRecord, Store
    from assistant.secrets import KeyStore
    from assistant.ui.chat import ChatPanel
    from assistant.ui.session import ApiSession, Endpoint
    from assistant.ui.single_instance import InstanceClaim

__all__ = ["AppRoot", "build_main_window", "main", "parse_args"]

log = logging.getLogger(__name__)

ASSETS = assets_dir()  # assets/ in a checkout, assistant/_assets/ when installed or bundled
SAMPLES = (ASSETS / "samples" / "solar-maintenance-guide.pdf", ASSETS / "samples" / "remote-work-policy.md")
SANDBOX_TOKENS_PER_SECOND = 80.0  # offline answers stream at a readable pace
GUI_SWITCH_INTERVAL = 0.001  # seconds; see AppRoot.__init__


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="document-assistant",
        description=f"{APP_NAME}: ask Claude about your documents, with managed Files API uploads.",
    )
    parser.add_argument("--data-dir", metavar="DIR", help="keep data, settings, cache and logs under DIR")
    parser.add_argument(
        "--base-url", metavar="URL", help="the API address for this run (https, or http on loopback)"
    )
    parser.add_argument(
        "--sandbox", action="store_true", help="offline: the built-in local sandbox answers, not Claude"
    )
    parser.add_argument("--debug", action="store_true", help="verbose logging (also to stderr)")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    return parser.parse_args(list(argv) if argv is not None else None)


def _qapp() -> QApplication:
    app = QApplication.instance()
    if app is None:
        settle_session_bus()  # before Qt loads libdbus: never autolaunch a bus that outlives us
        app = QApplication([sys.argv[0] if sys.argv else "document-assistant"])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("DocumentAssistant")
    app.setDesktopFileName(APP_ID)
    return app


class AppRoot:
    """Owns what outlives one window: paths, settings, the runner, key store, catalogs, sessions."""

    def __init__(
        self,
        args: argparse.Namespace,
        *,
        key_store: KeyStore | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        from assistant.bridge import TaskRunner
        from assistant.logs import setup_logging
        from assistant.secrets import KeyStore
        from assistant.ui.theme import apply_theme

        self.args = args
        # Workers run Python too (uploads, the offline sandbox): hand the GIL back to the GUI thread
        # within 1 ms instead of 5 ms, so painting (which calls into Python per cell) never waits long.
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._switch_interval, GUI_SWITCH_INTERVAL))
        self.clock = clock or (lambda: datetime.now(UTC))
        self.qapp = _qapp()
        self.paths = Paths.resolve(args.data_dir).ensure()
        setup_logging(self.paths, debug=args.debug)
        self.settings = Settings.load(self.paths.settings_file)
        self.base_url = _base_url(args)
        apply_theme(self.settings.theme)
        self.key_store = key_store or KeyStore()
        self.runner = TaskRunner(max_threads=max(4, self.settings.concurrent_uploads + 3))
        self._stores: dict[bool, Store] = {}
        self._sessions: list[ApiSession] = []
        self.window: MainWindow | None = None
        self.instance: InstanceClaim | None = None  # this process serves the data folder (set by the builder)
        self._closed = False
        self.qapp.aboutToQuit.connect(self.shutdown)

    # -- which mode --------------------------------------------------------------------------------
    def store(self, offline: bool) -> Store:
        from assistant.catalog import Store

        if offline not in self._stores:
            folder = self.paths.data / "offline" if offline else self.paths.data
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._stores[offline] = Store.open(folder / self.paths.catalog.name)
        return self._stores[offline]

    def _start_sandbox(self) -> Endpoint:
        """Runs in a worker: the sandbox, in-process, on a free loopback port."""
        import secrets

        from assistant.logs import register_secret
        from assistant.sandbox.server import SandboxServer
        from assistant.ui.session import Endpoint

        key = f"sk-ant-sandbox-{secrets.token_hex(12)}"
        register_secret(key)
        server = SandboxServer(
            data_dir=self.paths.data / "offline" / "sandbox",
            api_key=key,
            tokens_per_second=SANDBOX_TOKENS_PER_SECOND,
        ).start()
        log.info("offline sandbox at %s", server.base_url)
        return Endpoint(server.base_url, api_key=key, offline=True, stop=server.stop)

    # -- building ------------------------------------------------------------------------------------
    def assemble(self, window: MainWindow, offline: bool, *, first_run: bool = False) -> MainWindow:
        """Give the shown shell its parts and services; start loading once it has painted."""
        from assistant.ui.first_paint import after_first_paint
        from assistant.ui.main_window import WindowContext
        from assistant.ui.session import ApiSession

        store = self.store(offline)
        session = ApiSession(
            self.runner,
            store,
            self.paths,
            self.key_store,
            lambda: self.settings,
            base_url=self.base_url,
            start_offline=self._start_sandbox if offline else None,
            samples=SAMPLES if offline else (),
            clock=self.clock,
        )
        self._sessions.append(session)
        chat = self._chat_panel(store, offline)
        ctx = WindowContext(
            paths=self.paths,
            settings=self.settings,
            store=store,
            runner=self.runner,
            session=session,
            chat_panel=chat,
            save_settings=self._save_settings,
            clock=self.clock,
        )
        window.assemble(ctx)
        window.composition = self
        window.rows.set_send_as(session.send_pdf_as)  # a PDF sent as text, or back as a PDF
        window.files_panel.send_as_requested.connect(window.rows.send_as)
        session.ready.connect(lambda services: chat.set_chat_service(services.chat))
        # The modules, classes and widgets are built now (``anthropic`` too): keep them out of the
        # cyclic collector's full passes, which otherwise walk them all (~250,000 objects, 100-170 ms
        # holding the GIL: a frozen GUI whenever a worker's allocations trigger one). Undone at shutdown.
        session.ready.connect(lambda _services: gc.freeze())
        window.offline_requested.connect(lambda: self.switch(offline=True))
        window.online_requested.connect(lambda: self.switch(offline=False))
        _remember_mode(self.paths, offline)
        self.window = window
        if first_run:
            session.ready.connect(lambda _s: self._first_run(window))
        after_first_paint(window, window.start)
        # The same for what the window's build made (Qt wrappers), before the watched folders' first scan,
        # which may begin before the session is ready
        gc.freeze()
        window.update()
        return window

    def _first_run(self, window: MainWindow) -> None:
        """First run, offline: if the keyring already holds a key (an earlier install), go online;
        otherwise ask for one. The keyring is read in a worker."""
        key_store = self.key_store

        def has_key(has: bool) -> None:
            if window is not self.window or window.closed:
                return
            if has:
                self.switch(offline=False)
            else:
                window.open_key_dialog(first_run=True)

        self.runner.run(
            lambda _token: key_store.key() is not None,
            on_result=has_key,
            on_failed=lambda _failure: has_key(False),
            name="first-run-key",
        )

    def _chat_panel(self, store: Store, offline: bool) -> ChatPanel:
        from assistant.ui.chat import ChatPanel, ChatServices

        def renew(record: FileRecord) -> None:  # the chat pane's "Renew" in its gone-files notice
            if self.window is not None and self.window.assembled:
                self.window.renew_file(record)

        return ChatPanel(
            ChatServices(
                store=store, runner=self.runner, settings=lambda: self.settings, renew=renew, offline=offline
            )
        )

    def _save_settings(self, settings: Settings) -> None:
        self.settings = settings
        settings.save(self.paths.settings_file)

    def switch(self, *, offline: bool) -> MainWindow:
        """Rebuild the window in the other mode (the old one closes; its catalog stays open)."""
        old = self.window
        if old is not None:
            old.close()
            if old.assembled:
                old.session.close()  # its late results are dropped; an offline sandbox stops
        window = MainWindow(self.paths, offline=offline)
        window.show()
        self.assemble(window, offline)
        if old is not None:
            old.deleteLater()
        return window

    def shutdown(self) -> None:
        from assistant.logs import shutdown_logging

        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(RuntimeError, TypeError):
            self.qapp.aboutToQuit.disconnect(self.shutdown)
        window = self.window
        if window is not None and window.assembled:
            window.shutdown()
            window.chat_panel.shutdown()
        self.runner.shutdown()
        for session in self._sessions:
            session.close()
        isolated = sys.modules.get("assistant.documents.isolated")
        if isolated is not None:  # the conversion processes go with the app, not at interpreter exit
            isolated.shutdown_pool()
        for store in self._stores.values():
            store.close()
        if self.instance is not None:
            self.instance.release()
            self.instance = None
        sys.setswitchinterval(self._switch_interval)
        gc.unfreeze()
        shutdown_logging()


def _base_url(args: argparse.Namespace) -> str | None:
    if not args.base_url:
        return None
    try:
        return validate_base_url(args.base_url)
    except SettingError as exc:
        raise SystemExit(f"--base-url: {exc}") from None


def _mode_file(paths: Paths) -> QSettings:
    return window_ini(paths.config)


def _remember_mode(paths: Paths, offline: bool) -> None:
    state = _mode_file(paths)
    state.setValue("app/mode", "offline" if offline else "online")
    state.sync()


def initial_mode(args: argparse.Namespace, paths: Paths) -> tuple[bool, bool]:
    """(offline, first_run) for this start."""
    if args.sandbox:
        return True, False
    if args.base_url or os.environ.get("ANTHROPIC_API_KEY"):
        return False, False
    last = _mode_file(paths).value("app/mode")
    if last in ("online", "offline"):
        return last == "offline", False
    return True, True


def build_main_window(
    argv: Sequence[str] | None = None,
    *,
    key_store: KeyStore | None = None,
    clock: Callable[[], datetime] | None = None,
) -> MainWindow:
    """Parse ``argv``, build everything and return the shown main window (no event loop).

    The shell is shown and painted first, then assembled; the keyring, the network and the sandbox
    start in workers once it is up. ``window.composition`` is the ``AppRoot``: call its ``shutdown()``
    when done (``main`` does it on quit). ``key_store`` replaces the system keyring (tests pass one with
    a private backend); ``clock`` (aware UTC ``datetime``) replaces the wall clock for countdowns,
    expiry and clean-up."""
    from assistant.ui.single_instance import claim_instance

    args = parse_args(argv if argv is not None else [])
    _qapp()
    paths = Paths.resolve(args.data_dir).ensure()  # DataDirError (which folder, why) before any window
    instance = claim_instance(paths.data, list(argv or []))  # AlreadyRunning: the first has the request
    root: AppRoot | None = None
    window: MainWindow | None = None
    try:
        offline, first_run = initial_mode(args, paths)
        window = MainWindow(paths, offline=offline)
        window.show()
        wait_for_first_paint(window)
        root = AppRoot(args, key_store=key_store, clock=clock)
        root.instance = instance
        instance.serve(lambda: root.window if root is not None else None)
        return root.assemble(window, offline, first_run=first_run)
    except BaseException:
        if window is not None:
            window.close()
        if root is not None:
            root.shutdown()  # releases the instance too
        else:
            instance.release()
        raise


def main(argv: Sequence[str] | None = None) -> int:
    from assistant.ui.crash import install_crash_hook
    from assistant.ui.quit_signals import quit_on_signals
    from assistant.ui.single_instance import AlreadyRunning
    from assistant.ui.startup import problem_for, show_startup_problem

    arguments = list(sys.argv[1:] if argv is None else argv)
    install_crash_hook(None)  # before anything is built: an error in a slot while starting is shown too
    try:
        window = build_main_window(arguments)
    except AlreadyRunning as handed_over:
        print(handed_over.message, flush=True)
        return 0
    except Exception as exc:
        log_file = None
        with contextlib.suppress(Exception):
            log_file = Paths.resolve(parse_args(arguments).data_dir).log_file
        return show_startup_problem(problem_for(exc, log_file))
    root = cast("AppRoot", window.composition)
    install_crash_hook(root.paths.log_file, lambda: root.window)
    quit_on_signals(root.qapp, lambda: root.window)
    if os.environ.get("ASSISTANT_SELF_TEST"):  # installers' start check: assistant/ui/selftest.py
        from assistant.ui.selftest import watch

        watch(root.qapp, lambda: root.window)
    QTimer.singleShot(0, lambda: None)
    return int(root.qapp.exec())


if __name__ == "__main__":
    sys.exit(main())
