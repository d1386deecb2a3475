"""The key store: the real Secret Service, no backend, environment, session-only; never a file."""

from __future__ import annotations

import uuid
from typing import Any

import keyring
import pytest
from keyring.backends import fail

from assistant.secrets import KeySource, KeyState, KeyStore


def test_no_backend_keeps_key_for_session_only_and_says_why(no_keyring: None) -> None:
    store = KeyStore(environ={})
    before = store.status()
    assert before.state is KeyState.NO_BACKEND and before.source is KeySource.NONE and not before.has_key
    status = store.save("sk-ant-test-session-only-123")
    assert status.state is KeyState.NO_BACKEND
    assert status.source is KeySource.SESSION and not status.remembered and status.has_key
    assert "session only" in status.reason and "keyring" in status.reason
    assert store.key() == "sk-ant-test-session-only-123"
    # a new process (a new store) does not have it: nothing was written anywhere
    assert KeyStore(environ={}).key() is None
    assert "sk-ant" not in repr(store)
    assert store.forget().source is KeySource.NONE


def test_environment_key_used_and_never_stored(no_keyring: None) -> None:
    store = KeyStore(environ={"ANTHROPIC_API_KEY": "sk-ant-from-env-0001"})
    status = store.status()
    assert status.source is KeySource.ENVIRONMENT and "ANTHROPIC_API_KEY" in status.reason
    assert store.key() == "sk-ant-from-env-0001"


def test_invalid_keys_refused() -> None:
    store = KeyStore(environ={}, backend=fail.Keyring())
    for bad in ("", "   ", "sk-ant abc"):
        with pytest.raises(ValueError):
            store.save(bad)


class _LockedKeyring(keyring.backend.KeyringBackend):
    """A real backend subclass whose collection stays locked (as when the user dismisses the prompt)."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")


def test_locked_keyring_session_only() -> None:
    store = KeyStore(environ={}, backend=_LockedKeyring())
    assert store.status().state is KeyState.LOCKED
    status = store.save("sk-ant-locked-0000001")
    assert status.state is KeyState.LOCKED and status.source is KeySource.SESSION
    assert "locked" in status.reason and "session only" in status.reason


class _BrokenKeyring(keyring.backend.KeyringBackend):
    """A real backend subclass whose store fails (as a D-Bus error would)."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("org.freedesktop.DBus.Error.NoReply")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("org.freedesktop.DBus.Error.NoReply")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.PasswordDeleteError("no such password")


def test_keyring_error_state_and_session_fallback() -> None:
    store = KeyStore(environ={}, backend=_BrokenKeyring())
    status = store.status()
    assert status.state is KeyState.ERROR and status.source is KeySource.NONE
    assert "could not be read" in status.reason and status.backend
    saved = store.save("sk-ant-error-fallback-1")
    assert saved.source is KeySource.SESSION and "session only" in saved.reason
    assert "sk-ant-error-fallback-1" not in saved.reason
    assert store.key() == "sk-ant-error-fallback-1"


@pytest.mark.keyring
def test_real_secret_service_roundtrip(secret_service: Any) -> None:
    service = f"document-assistant-test-{uuid.uuid4().hex[:8]}"
    store = KeyStore(environ={}, backend=secret_service, service=service)
    assert store.status().state is KeyState.MISSING
    status = store.save("sk-ant-real-keyring-42")
    assert status.state is KeyState.STORED and status.source is KeySource.KEYRING and status.remembered
    assert status.backend is not None and "SecretService" in status.backend
    # another store (as after a restart) reads it from the keyring
    again = KeyStore(environ={}, backend=secret_service, service=service)
    assert again.key() == "sk-ant-real-keyring-42"
    assert again.forget().state is KeyState.MISSING
    assert KeyStore(environ={}, backend=secret_service, service=service).key() is None
