"""The composition root: settings, paths, catalog, key store, task runner, API session, the window.

    document-assistant [--data-dir DIR] [--base-url URL] [--sandbox] [--debug] [--version]

``build_main_window(argv)`` returns the shown main window without entering the event loop (tests and
automation); ``main()`` adds the crash dialog and runs the loop. The window paints first; the keyring,
``import anthropic``, the network and the offline sandbox all start afterwards, in workers.

Which mode: ``--sandbox`` is offline (the built-in sandbox answers, with two sample documents);
``--base-url`` or ``ANTHROPIC_API_KEY`` is online; otherwise the mode of the last run, and on the very
first run offline with the key dialog open (so ``make run`` with no key starts on the sandbox). Offline
mode has its own catalog (``data/offline/``) so sandbox files never mix with real ones. Saving a key in
offline mode, or "Try it offline" online, rebuilds the window in the other mode.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from assistant import APP_ID, APP_NAME, __version__
from assistant.bridge import TaskRunner
from assistant.logs import setup_logging, shutdown_logging
from assistant.secrets import KeyStore
from assistant.settings import Paths, SettingError, Settings, validate_base_url
from assistant.store import Store
from assistant.ui.main_window import MainWindow, WindowContext, after_first_paint
from assistant.ui.session import ApiSession, Endpoint
from assistant.ui.theme import apply_theme

__all__ = ["AppRoot", "build_main_window", "main", "parse_args"]

log = logging.getLogger(__name__)

ASSETS = Path(__file__).resolve().parent.parent / "assets"
SAMPLES = (ASSETS / "samples" / "solar-maintenance-guide.pdf", ASSETS / "samples" / "remote-work-policy.md")
SANDBOX_TOKENS_PER_SECOND = 80.0  # offline answers stream at a readable pace


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


def _qapp(argv: Sequence[str]) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "document-assistant", *argv])
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
        self.args = args
        self.clock = clock or (lambda: datetime.now(UTC))
        self.qapp = _qapp([])
        self.paths = Paths.resolve(args.data_dir).ensure()
        setup_logging(self.paths, debug=args.debug)
        self.settings = Settings.load(self.paths.settings_file)
        self.base_url: str | None = None
        if args.base_url:
            try:
                self.base_url = validate_base_url(args.base_url)
            except SettingError as exc:
                raise SystemExit(f"--base-url: {exc}") from None
        apply_theme(self.settings.theme)
        self.key_store = key_store or KeyStore()
        self.runner = TaskRunner(max_threads=max(4, self.settings.concurrent_uploads + 3))
        self._state = QSettings(str(self.paths.config / "window.ini"), QSettings.Format.IniFormat)
        self._stores: dict[bool, Store] = {}
        self._sessions: list[ApiSession] = []
        self.window: MainWindow | None = None
        self._closed = False
        self.qapp.aboutToQuit.connect(self.shutdown)

    # -- which mode --------------------------------------------------------------------------------
    def initial_mode(self) -> tuple[bool, bool]:
        """(offline, first_run)."""
        if self.args.sandbox:
            return True, False
        if self.base_url or os.environ.get("ANTHROPIC_API_KEY"):
            return False, False
        last = self._state.value("app/mode")
        if last in ("online", "offline"):
            return last == "offline", False
        return True, True

    def store(self, offline: bool) -> Store:
        if offline not in self._stores:
            folder = self.paths.data / "offline" if offline else self.paths.data
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._stores[offline] = Store.open(folder / self.paths.catalog.name)
        return self._stores[offline]

    def _start_sandbox(self) -> Endpoint:
        """Runs in a worker: the sandbox, in-process, on a free loopback port."""
        from assistant.sandbox.server import SandboxServer

        key = f"sk-ant-sandbox-{secrets.token_hex(12)}"
        server = SandboxServer(
            data_dir=self.paths.data / "offline" / "sandbox",
            api_key=key,
            tokens_per_second=SANDBOX_TOKENS_PER_SECOND,
        ).start()
        log.info("offline sandbox at %s", server.base_url)
        return Endpoint(server.base_url, api_key=key, offline=True, stop=server.stop)

    # -- building ------------------------------------------------------------------------------------
    def build(self, offline: bool, *, first_run: bool = False) -> MainWindow:
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
        chat = self._chat_panel(store)
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
        window = MainWindow(ctx)
        window.composition = self
        session.ready.connect(lambda services: _give_chat(chat, services))
        window.offline_requested.connect(lambda: self.switch(offline=True))
        window.online_requested.connect(lambda: self.switch(offline=False))
        self._state.setValue("app/mode", "offline" if offline else "online")
        self.window = window
        window.show()
        after_first_paint(window, window.start)
        if first_run:
            session.ready.connect(lambda _s: window.open_key_dialog(first_run=True))
        return window

    def _chat_panel(self, store: Store) -> Any:
        try:
            from assistant.ui.chat import ChatPanel, ChatServices
        except ImportError:  # pragma: no cover - the chat pane ships with the app
            log.exception("the chat pane could not be loaded")
            return None
        return ChatPanel(ChatServices(store=store, runner=self.runner, settings=lambda: self.settings))

    def _save_settings(self, settings: Settings) -> None:
        self.settings = settings
        settings.save(self.paths.settings_file)

    def switch(self, *, offline: bool) -> MainWindow:
        """Rebuild the window in the other mode (the old one closes; its catalog stays open)."""
        old = self.window
        window = self.build(offline)
        if old is not None:
            window.setGeometry(old.geometry())
            old.close()
            old.deleteLater()
        return window

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        for window in [self.window]:
            if window is not None:
                shutdown = getattr(window.chat_panel, "shutdown", None)
                if shutdown is not None:
                    shutdown()
        self.runner.shutdown()
        for session in self._sessions:
            session.close()
        for store in self._stores.values():
            store.close()
        self._state.sync()
        shutdown_logging()


def _give_chat(chat: Any, services: Any) -> None:
    if chat is not None and hasattr(chat, "set_chat_service"):
        chat.set_chat_service(services.chat)


def build_main_window(
    argv: Sequence[str] | None = None,
    *,
    key_store: KeyStore | None = None,
    clock: Callable[[], datetime] | None = None,
) -> MainWindow:
    """Parse ``argv``, build everything and return the shown main window (no event loop).

    ``window.composition`` is the ``AppRoot``; call its ``shutdown()`` when done (``main`` does it on
    quit). ``key_store`` replaces the system keyring (tests pass one with a private backend); ``clock``
    (aware UTC ``datetime``) replaces the wall clock for countdowns, expiry and clean-up."""
    args = parse_args(argv if argv is not None else [])
    root = AppRoot(args, key_store=key_store, clock=clock)
    offline, first_run = root.initial_mode()
    return root.build(offline, first_run=first_run)


def main(argv: Sequence[str] | None = None) -> int:
    from assistant.ui.crash import install_crash_hook

    args_list = list(sys.argv[1:] if argv is None else argv)
    window = build_main_window(args_list)
    root: AppRoot = window.composition
    install_crash_hook(root.paths.log_file, lambda: root.window)
    QTimer.singleShot(0, lambda: None)
    return int(root.qapp.exec())


if __name__ == "__main__":
    sys.exit(main())
