"""Fixtures of the tests of the app's top-level modules (bridge, secrets, settings, logs): no keyring
backend at all, or the real Secret Service of tests/with-keyring."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """No keyring backend at all (keyring's `fail` backend) for the test's length."""
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def secret_service() -> Any:
    """The real Secret Service backend (gnome-keyring under tests/with-keyring), or skip/fail.

    Outside CI the test skips with the reason; with CI=true a missing Secret Service fails the test,
    because CI must run it. It only ever runs inside the throwaway session of tests/with-keyring, so it
    never touches a developer's own keyring.
    """
    in_ci = os.environ.get("CI", "").lower() == "true"

    def unavailable(reason: str) -> None:
        if in_ci:
            pytest.fail(f"CI needs a real Secret Service keyring: {reason}")
        pytest.skip(reason)

    if os.environ.get("ASSISTANT_IN_KEYRING_SESSION") != "1":
        unavailable("not inside tests/with-keyring (no private D-Bus session with gnome-keyring)")
    try:
        from keyring.backends import SecretService

        priority = SecretService.Keyring.priority  # raises when D-Bus or the service is missing
        backend = SecretService.Keyring()
        probe = f"document-assistant-probe-{uuid.uuid4().hex}"
        backend.set_password(probe, "probe", "probe-value")
        assert backend.get_password(probe, "probe") == "probe-value"
        backend.delete_password(probe, "probe")
    except Exception as exc:
        unavailable(f"no usable Secret Service: {type(exc).__name__}: {exc}")
    assert priority > 0
    return backend
