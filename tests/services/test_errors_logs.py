"""Typed failures from local errors, redaction of keys in messages and logs."""

from __future__ import annotations

import logging
from pathlib import Path

from assistant.api.errors import ApiFailure, Cancelled, FailureKind, redact, to_failure
from assistant.logs import register_secret, setup_logging, shutdown_logging
from assistant.settings import Paths


def test_redact_key_shapes() -> None:
    assert "sk-ant-api03-abcdef" not in redact("key sk-ant-api03-abcdef_GHIJ-123 leaked")
    failure = ApiFailure(
        FailureKind.BAD_REQUEST, "bad: sk-ant-api03-secretsecret", api_message="sk-ant-xyz12345"
    )
    assert "secretsecret" not in str(failure) and "xyz12345" not in (failure.api_message or "")


def test_local_errors_become_failures() -> None:
    assert to_failure(Cancelled()).kind is FailureKind.CANCELLED
    perm = to_failure(PermissionError(13, "Permission denied", "/x/secret.pdf"))
    assert perm.kind is FailureKind.LOCAL and "permission" in perm.message
    assert to_failure(RuntimeError("boom")).kind is FailureKind.LOCAL
    same = ApiFailure(FailureKind.NETWORK, "down")
    assert to_failure(same) is same
    assert ApiFailure(FailureKind.RATE_LIMITED, "x").retryable
    assert not ApiFailure(FailureKind.BAD_KEY, "x").retryable


def test_log_file_never_holds_a_key(tmp_path: Path) -> None:
    paths = Paths.for_data_dir(tmp_path)
    log_file = setup_logging(paths)
    try:
        register_secret("my-custom-secret-value")
        log = logging.getLogger("assistant.test")
        log.warning("key is %s", "sk-ant-api03-leakleakleak")
        log.warning("custom my-custom-secret-value here")
        try:
            raise ValueError("sk-ant-api03-intraceback")
        except ValueError:
            log.exception("failed")
        for handler in logging.getLogger().handlers:
            handler.flush()
        text = log_file.read_text()
        assert "key is" in text and "custom" in text and "ValueError" in text
        assert "leakleakleak" not in text and "my-custom-secret-value" not in text
        assert "intraceback" not in text
    finally:
        shutdown_logging()
