"""Keys of any shape are redacted: every key the app holds is registered, in the log and the crash
dialog alike (the sk-ant-… shapes: tests/core/test_logs.py)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from assistant.logs import register_secret, setup_logging, shutdown_logging
from assistant.settings import Paths


def _log_text(log_file: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return log_file.read_text()


def test_a_key_of_any_shape_is_redacted_wherever_it_came_from(tmp_path: Path, sandbox: Any) -> None:
    """Keys that do not look like sk-ant-…: from ANTHROPIC_API_KEY, typed in the key dialog (checked,
    then saved or kept for the session), all reach the log only redacted."""
    from assistant.api.errors import ApiFailure
    from assistant.secrets import KeyStore, check_key
    from tests.support import MemoryKeyring

    log_file = setup_logging(Paths.for_data_dir(tmp_path))
    try:
        env_key = "env-proxy-key-0123456789abcdef"
        saved_key = "typed-key-in-dialog-fedcba9876543210"
        session_key = "session-only-key-0a1b2c3d4e5f"
        checked_key = "rejected-key-zyxw98765432"
        assert KeyStore(environ={"ANTHROPIC_API_KEY": env_key}, backend=MemoryKeyring()).key() == env_key
        KeyStore(environ={}, backend=MemoryKeyring()).save(saved_key)
        KeyStore(environ={}, backend=MemoryKeyring()).use_for_session(session_key)
        with pytest.raises(ApiFailure):
            check_key(checked_key, sandbox.base_url, timeout=5)
        log = logging.getLogger("assistant.test")
        for key in (env_key, saved_key, session_key, checked_key):
            log.warning("request with key %s", key)
        text = _log_text(log_file)
        assert text.count("request with key") == 4
        for key in (env_key, saved_key, session_key, checked_key):
            assert key not in text
    finally:
        shutdown_logging()


def test_the_crash_dialog_redacts_registered_keys_too() -> None:
    from assistant.ui.crash import format_crash

    register_secret("crash-time-key-31415926535")
    try:
        raise RuntimeError("failed with crash-time-key-31415926535 in the message")
    except RuntimeError as exc:
        details = format_crash(type(exc), exc, exc.__traceback__)
    assert "RuntimeError" in details and "crash-time-key-31415926535" not in details


def test_a_failure_message_shown_to_the_user_never_holds_a_registered_key(sandbox: Any) -> None:
    """A key of another shape, held by the app, is redacted from the failure the window would show, not
    only from the log (the API may echo a header or a URL back in its error)."""
    import anthropic

    from assistant.api.errors import ApiFailure, to_failure

    key = "corp-gateway-token-8f3a9c1d2e"
    register_secret(key)
    failure = to_failure(RuntimeError(f"proxy refused Authorization: Bearer {key}"))
    assert key not in failure.message and "…(redacted)" in failure.message
    typed = ApiFailure(failure.kind, f"The key {key} was refused.")
    assert key not in typed.message
    client = anthropic.Anthropic(api_key=key, base_url=sandbox.base_url, max_retries=0)
    with pytest.raises(anthropic.AuthenticationError) as refused:
        client.models.list()
    client.close()
    assert key not in to_failure(refused.value).message
