"""The API key: in the OS keyring (service ``document-assistant``) and nowhere else.

Every function here may block (D-Bus, a keyring unlock prompt, the network): call them from a worker
(``bridge.TaskRunner``), never on the GUI thread. There is no plaintext fallback, ever: without a
usable keyring the key lives in this process's memory for the session, and ``KeyStatus.reason`` says
why it will not be remembered. ``ANTHROPIC_API_KEY``, when set, is used for the session and never
stored. The key never appears in a repr, a log line or an exception message: every key this module
reads, is given or checks is registered with ``assistant.logs.register_secret``, so it is redacted
whatever its shape.

Public API::

    SERVICE = "document-assistant";  USERNAME = "api-key"
    KeyState     stored | missing | locked | no_backend | error      (the keyring's state)
    KeySource    keyring | environment | session | none             (where the key in use comes from)
    KeyStatus    state, source, backend (display name of the keyring, or None), reason (for people);
                 .has_key, .remembered
    KeyStore(environ=None, backend=None, service=SERVICE, username=USERNAME)
        .status() -> KeyStatus           # reads the keyring
        .key() -> str | None             # environment > session > keyring
        .save(key) -> KeyStatus          # keyring; or session-only when no backend / locked
        .use_for_session(key) -> KeyStatus
        .forget() -> KeyStatus           # removes it from the keyring and from memory
    check_key(key, base_url, timeout=20.0) -> None
        # a cheap authenticated call (GET /v1/models?limit=1); raises ApiFailure
        # (kind bad_key with a clear message on 401, network, ...)
    save_checked(store, key, base_url) -> KeyStatus   # check_key, then save
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from assistant.api.errors import ApiFailure, FailureKind, to_failure
from assistant.logs import register_secret

__all__ = [
    "SERVICE",
    "USERNAME",
    "KeySource",
    "KeyState",
    "KeyStatus",
    "KeyStore",
    "check_key",
    "save_checked",
]

log = logging.getLogger(__name__)

SERVICE = "document-assistant"
USERNAME = "api-key"
ENV_KEY = "ANTHROPIC_API_KEY"


class KeyState(StrEnum):
    STORED = "stored"
    MISSING = "missing"
    LOCKED = "locked"
    NO_BACKEND = "no_backend"
    ERROR = "error"


class KeySource(StrEnum):
    KEYRING = "keyring"
    ENVIRONMENT = "environment"
    SESSION = "session"
    NONE = "none"


@dataclass(frozen=True)
class KeyStatus:
    state: KeyState
    source: KeySource
    backend: str | None
    reason: str

    @property
    def has_key(self) -> bool:
        return self.source is not KeySource.NONE

    @property
    def remembered(self) -> bool:
        return self.source is KeySource.KEYRING


def _no_keyring_reason() -> str:
    from assistant.session_bus import has_session_bus

    reason = (
        "This system has no keyring (such as GNOME Keyring, KWallet, macOS Keychain or "
        "Windows Credential Manager), so the key cannot be remembered."
    )
    if sys.platform.startswith("linux") and not has_session_bus():
        reason += " There is no D-Bus session here, which GNOME Keyring and KWallet need."
    return reason


def _backend_name(backend: Any) -> str:
    try:
        from keyring.backends import chainer

        if isinstance(backend, chainer.ChainerBackend):
            names = [str(b.name) for b in backend.backends]
            return " + ".join(names) if names else "none"
    except ImportError:  # pragma: no cover - a dependency
        pass
    name = getattr(backend, "name", None)
    return str(name) if name else type(backend).__name__


def _is_no_backend(backend: Any) -> bool:
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return True
    return isinstance(backend, chainer.ChainerBackend) and not list(backend.backends)


def _validated(key: str) -> str:
    key = key.strip()
    register_secret(key)  # before anything can fail: a rejected key is still a secret
    if not key:
        raise ValueError("The API key is empty.")
    if any(ch.isspace() for ch in key):
        for part in key.split():
            register_secret(part)
        raise ValueError("The API key contains spaces; paste it again.")
    return key


def _held(key: str | None) -> str | None:
    """`key`, registered for redaction (every key this store hands out passes here)."""
    if key:
        register_secret(key)
    return key


class KeyStore:
    """The key in use and where it lives. Thread-safe; every method may block."""

    def __init__(
        self,
        *,
        environ: Mapping[str, str] | None = None,
        backend: Any | None = None,
        service: str = SERVICE,
        username: str = USERNAME,
    ) -> None:
        self._environ = os.environ if environ is None else environ
        self._backend = backend
        self._service = service
        self._username = username
        self._session_key: str | None = None
        self._session_reason = ""
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"<KeyStore service={self._service!r}>"

    def _keyring(self) -> Any:
        if self._backend is None:
            import keyring

            self._backend = keyring.get_keyring()
        return self._backend

    def _read(self) -> tuple[KeyState, str | None, str | None, str]:
        """(state, key, backend name, reason) from the keyring; never raises."""
        try:
            backend = self._keyring()
        except Exception as exc:
            log.warning("keyring unavailable: %s", type(exc).__name__)
            return KeyState.NO_BACKEND, None, None, "No keyring could be opened on this system."
        name = _backend_name(backend)
        if _is_no_backend(backend):
            return KeyState.NO_BACKEND, None, None, _no_keyring_reason()
        from keyring.errors import KeyringLocked, NoKeyringError

        try:
            key = backend.get_password(self._service, self._username)
        except NoKeyringError:
            return KeyState.NO_BACKEND, None, None, "This system has no usable keyring."
        except KeyringLocked:
            return KeyState.LOCKED, None, name, f"The keyring ({name}) is locked; unlock it to use the key."
        except Exception as exc:
            log.warning("keyring read failed: %s", type(exc).__name__)
            why = type(exc).__name__
            return KeyState.ERROR, None, name, f"The keyring ({name}) could not be read ({why})."
        if key:
            return KeyState.STORED, key, name, f"Stored in {name}."
        return KeyState.MISSING, None, name, "No key yet."

    def status(self) -> KeyStatus:
        with self._lock:
            state, stored, name, reason = self._read()
            if self._environ.get(ENV_KEY):
                return KeyStatus(
                    state, KeySource.ENVIRONMENT, name, f"Using {ENV_KEY} from the environment (not stored)."
                )
            if self._session_key:
                return KeyStatus(
                    state, KeySource.SESSION, name, self._session_reason or "Kept for this session only."
                )
            if stored:
                return KeyStatus(state, KeySource.KEYRING, name, reason)
            return KeyStatus(state, KeySource.NONE, name, reason)

    def key(self) -> str | None:
        with self._lock:
            env = self._environ.get(ENV_KEY)
            if env:
                return _held(env.strip())
            if self._session_key:
                return _held(self._session_key)
            return _held(self._read()[1])

    def use_for_session(self, key: str, reason: str = "Kept for this session only.") -> KeyStatus:
        with self._lock:
            self._session_key = _validated(key)
            self._session_reason = reason
        return self.status()

    def save(self, key: str) -> KeyStatus:
        """Remember the key in the keyring; without a usable one, keep it for this session and say why."""
        key = _validated(key)
        with self._lock:
            state, _, name, reason = self._read()
            if state in (KeyState.NO_BACKEND, KeyState.LOCKED):
                return self.use_for_session(key, f"{reason} The key is kept in memory for this session only.")
            from keyring.errors import KeyringLocked, NoKeyringError

            try:
                self._keyring().set_password(self._service, self._username, key)
            except NoKeyringError:
                return self.use_for_session(
                    key, "This system has no usable keyring; the key is kept for this session only."
                )
            except KeyringLocked:
                return self.use_for_session(
                    key, f"The keyring ({name}) is locked; the key is kept for this session only."
                )
            except Exception as exc:
                log.warning("keyring write failed: %s", type(exc).__name__)
                return self.use_for_session(
                    key,
                    f"The keyring ({name}) refused the key ({type(exc).__name__}); "
                    "it is kept for this session only.",
                )
            self._session_key = None
            self._session_reason = ""
        return self.status()

    def forget(self) -> KeyStatus:
        with self._lock:
            self._session_key = None
            self._session_reason = ""
            stored = self._read()[1]
            if stored is not None:
                from keyring.errors import PasswordDeleteError

                try:
                    self._keyring().delete_password(self._service, self._username)
                except PasswordDeleteError:
                    pass
                except Exception as exc:
                    log.warning("keyring delete failed: %s", type(exc).__name__)
        return self.status()


def check_key(key: str, base_url: str, timeout: float = 20.0) -> None:
    """Raise ``ApiFailure`` unless the API accepts ``key`` (one cheap authenticated call)."""
    from assistant.api.client import ClientConfig, make_client

    try:
        config = ClientConfig(api_key=_validated(key), base_url=base_url, timeout=timeout, max_retries=1)
    except ValueError as exc:
        raise ApiFailure(FailureKind.BAD_KEY, str(exc)) from None
    try:
        with make_client(config) as client:
            client.models.list(limit=1)
    except Exception as exc:
        failure = to_failure(exc)
        if failure.kind is FailureKind.BAD_KEY:
            failure.message = (
                "The API did not accept this key (401). Check that you copied all of it, and that it "
                "has not been disabled in the Console."
            )
        raise failure from None


def save_checked(store: KeyStore, key: str, base_url: str) -> KeyStatus:
    check_key(key, base_url)
    return store.save(key)
