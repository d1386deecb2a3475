"""Fixtures of the service tests: a catalog, a client on the sandbox, a real Secret Service."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import Paths
from assistant.catalog import Store


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths.for_data_dir(tmp_path / "app").ensure()


@pytest.fixture
def store(paths: Paths) -> Iterator[Store]:
    with Store.open(paths.catalog) as s:
        yield s


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


@pytest.fixture
def client(sandbox: Any) -> Iterator[Any]:
    """An SDK client on the sandbox (SDK retries on, as in the app)."""
    from assistant.api.client import ClientConfig, make_client

    with make_client(ClientConfig(api_key=sandbox.api_key, base_url=sandbox.base_url, max_retries=2)) as c:
        yield c


@pytest.fixture
def files(client: Any, store: Store) -> Any:
    from assistant.api.files import FileService

    return FileService(client, store, retention_seconds=30 * 86_400)


REPORT_TEXT = "\n\n".join(
    [
        "The Harbour Lighthouse Report. This report describes the restoration of the old harbour "
        "lighthouse between 2019 and 2024, its budget, its keepers, and the lamp that was installed in "
        "the lantern room.",
        "Budget. The restoration cost 2.4 million euros in total. The town council paid 1.1 million euros, "
        "the maritime heritage fund paid 900,000 euros, and private donors gave the remaining 400,000 euros.",
        "The lamp. A rotating LED lamp replaced the paraffin burner in March 2023. Its beam reaches "
        "twenty-two nautical miles and it flashes white every six seconds.",
        "Keepers. The last resident keeper, Marta Quint, left the lighthouse in 1987. Since then the light "
        "has been automatic and volunteers open the tower to visitors on summer weekends.",
    ]
    + [
        f"Appendix section {i}. Maintenance log entry {i}: the stairs, railings, windows and the copper dome "
        f"were inspected; paint was renewed on floor {i % 7}; the weather station recorded wind, rain and "
        "salt spray; no structural damage was found and the volunteers cleaned the lantern glass."
        for i in range(1, 60)
    ]
)


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "lighthouse-report.txt"
    path.write_text(REPORT_TEXT, encoding="utf-8")
    return path


@pytest.fixture
def chat(client: Any, store: Store) -> Any:
    from assistant.api.chat import ChatService

    return ChatService(client, store, max_tokens=1024)

