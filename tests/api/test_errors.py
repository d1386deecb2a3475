"""Typed failures from local errors, and keys redacted from failure messages (logs: tests/core)."""

from __future__ import annotations

from assistant.api.errors import ApiFailure, Cancelled, FailureKind, redact, to_failure


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
