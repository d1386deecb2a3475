"""Typed failures with a message a person can act on, and cooperative cancellation.

Imports nothing heavy (``anthropic`` is only looked at when an SDK exception is translated), so the UI
may import it before first paint.

Public API::

    FailureKind     bad_key | permission | billing | file_too_large | file_not_found | file_expired |
                    rate_limited | overloaded | network | timeout | storage_quota | bad_request |
                    server | cancelled | local
    ApiFailure      Exception with .kind, .message (what happened and what to do), .request_id,
                    .status, .retry_after (seconds, for rate limits), .api_message (the API's own text)
    to_failure(exc) -> ApiFailure      # any exception (SDK errors, OSError, ...) -> a typed failure
    CancelToken     thread-safe flag: .cancel(), .cancelled, .is_cancelled(), .raise_if_cancelled(), .wait(s)
    Cancelled       raised by work that stopped because its token was cancelled
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from assistant.redaction import redact

__all__ = ["ApiFailure", "CancelToken", "Cancelled", "FailureKind", "redact", "to_failure"]


class Cancelled(Exception):
    """The work stopped because it was asked to."""


class CancelToken:
    """A thread-safe "please stop" flag handed to long work (uploads, streams, batches)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def is_cancelled(self) -> bool:
        """Same as ``cancelled`` (a call, so type checkers do not narrow it between two checks)."""
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled("cancelled")

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True if cancelled meanwhile."""
        return self._event.wait(seconds)


class FailureKind(StrEnum):
    BAD_KEY = "bad_key"
    PERMISSION = "permission"
    BILLING = "billing"
    FILE_TOO_LARGE = "file_too_large"
    FILE_NOT_FOUND = "file_not_found"
    FILE_EXPIRED = "file_expired"
    RATE_LIMITED = "rate_limited"
    OVERLOADED = "overloaded"
    NETWORK = "network"
    TIMEOUT = "timeout"
    STORAGE_QUOTA = "storage_quota"
    BAD_REQUEST = "bad_request"
    SERVER = "server"
    CANCELLED = "cancelled"
    LOCAL = "local"


@dataclass(eq=False)
class ApiFailure(Exception):
    """A failure the UI can show as it is: ``message`` says what happened and what to do.

    ``permanent``: trying the same thing again cannot work (an upload of a file that is empty,
    password-protected, over the size limit...): the UI offers no Retry for it."""

    kind: FailureKind
    message: str
    request_id: str | None = None
    status: int | None = None
    retry_after: float | None = None
    api_message: str | None = None
    permanent: bool = False

    def __post_init__(self) -> None:
        if self.kind is FailureKind.FILE_TOO_LARGE:
            self.permanent = True
        self.message = redact(self.message)
        if self.api_message is not None:
            self.api_message = redact(self.api_message)
        super().__init__(self.message)

    def __str__(self) -> str:
        if self.request_id:
            return f"{self.message} (request id {self.request_id})"
        return self.message

    @property
    def retryable(self) -> bool:
        return self.kind in {
            FailureKind.RATE_LIMITED,
            FailureKind.OVERLOADED,
            FailureKind.NETWORK,
            FailureKind.TIMEOUT,
            FailureKind.SERVER,
        }


def _retry_after(headers: Any) -> float | None:
    if headers is None:
        return None
    try:
        ms = headers.get("retry-after-ms")
        if ms is not None:
            return float(ms) / 1000.0
        value = headers.get("retry-after")
        if value is not None:
            return float(value)
    except (TypeError, ValueError):
        return None
    return None


def _error_code(body: Any) -> str | None:
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            details = error.get("details")
            if isinstance(details, dict) and isinstance(details.get("error_code"), str):
                return str(details["error_code"])
    return None


# The API's error types and the HTTP status each comes with: an error inside a stream arrives after
# "200 OK" (an SSE ``error`` event), so its type is all that says what it is.
_TYPE_STATUS = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "billing_error": 402,
    "permission_error": 403,
    "not_found_error": 404,
    "conflict_error": 409,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "api_error": 500,
    "timeout_error": 504,
    "overloaded_error": 529,
}


def _error_type(body: Any) -> str | None:
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and isinstance(error.get("type"), str):
            return str(error["type"])
    return None


def _api_message(exc: Any) -> str | None:
    message = getattr(exc, "api_message", None)
    if isinstance(message, str) and message:
        return message
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])
    return None


def _wait_text(seconds: float | None) -> str:
    if seconds is None:
        return "Wait a minute and try again."
    if seconds < 60:
        return f"Try again in {max(1, round(seconds))} s."
    return f"Try again in {round(seconds / 60)} min."


def to_failure(exc: BaseException) -> ApiFailure:
    """Translate any exception from the API layer into a typed, person-actionable failure."""
    if isinstance(exc, ApiFailure):
        return exc
    if isinstance(exc, Cancelled):
        return ApiFailure(FailureKind.CANCELLED, "Stopped.")

    try:
        import anthropic
    except ImportError:  # pragma: no cover - a dependency
        anthropic = None  # type: ignore[assignment]

    if anthropic is not None and isinstance(exc, anthropic.APIStatusError):
        status = exc.status_code
        in_stream = status < 400  # an error event inside a stream that had begun with 200
        if in_stream:
            status = _TYPE_STATUS.get(_error_type(exc.body) or "", 500)
        request_id = exc.request_id
        api_message = _api_message(exc)
        code = _error_code(exc.body)
        said = f" The API said: {api_message}" if api_message else ""
        kw: dict[str, Any] = {
            "request_id": request_id,
            "status": None if in_stream else status,
            "api_message": api_message,
        }
        if status == 401:
            return ApiFailure(
                FailureKind.BAD_KEY,
                "The API key was not accepted. Check that it is complete and still active, "
                "or enter a new one (API key…).",
                **kw,
            )
        if status == 403:
            return ApiFailure(FailureKind.PERMISSION, f"This key is not allowed to do that.{said}", **kw)
        if status == 402:
            return ApiFailure(
                FailureKind.BILLING,
                f"The account has a billing problem; check its plan and credit in the Console.{said}",
                **kw,
            )
        if status == 413:
            return ApiFailure(
                FailureKind.FILE_TOO_LARGE,
                "The file is too large for the API (500 MB per file at most). "
                "Split it or reduce it, then upload again.",
                **kw,
            )
        if code == "storage_quota_exceeded" or (
            status == 400 and api_message is not None and "storage" in api_message.lower()
        ):
            return ApiFailure(
                FailureKind.STORAGE_QUOTA,
                "The organization's file storage is full. Delete files you no longer need "
                "(Clean up) and try again.",
                **kw,
            )
        if code == "file_expired":
            return ApiFailure(
                FailureKind.FILE_EXPIRED,
                "A file has expired and its content is gone. Renew it from its local copy or "
                "remove it from the conversation.",
                **kw,
            )
        if status == 404:
            return ApiFailure(
                FailureKind.FILE_NOT_FOUND,
                "The file was not found on the server (deleted or expired). Refresh the file list, "
                "then upload it again or remove it from the conversation."
                if "file" in (api_message or "").lower() or code is not None
                else f"Not found.{said}",
                **kw,
            )
        if status == 429:
            wait = _retry_after(exc.response.headers)
            return ApiFailure(
                FailureKind.RATE_LIMITED,
                f"Rate limited: too many requests for this key. {_wait_text(wait)}",
                retry_after=wait,
                **kw,
            )
        if status == 529:
            return ApiFailure(
                FailureKind.OVERLOADED,
                "The API became overloaded while answering. Try again in a little while."
                if in_stream
                else "The API is overloaded right now. Try again in a little while.",
                retry_after=_retry_after(exc.response.headers),
                **kw,
            )
        if status in (408, 504):
            return ApiFailure(FailureKind.TIMEOUT, "The request timed out. Try again.", **kw)
        if status >= 500:
            where = "while answering" if in_stream else f"({status})"
            return ApiFailure(FailureKind.SERVER, f"The API had an internal error {where}. Try again.", **kw)
        return ApiFailure(
            FailureKind.BAD_REQUEST,
            f"The API refused the request: {api_message}" if api_message else "The API refused the request.",
            **kw,
        )

    if anthropic is not None and isinstance(exc, anthropic.APITimeoutError):
        return ApiFailure(FailureKind.TIMEOUT, "The request timed out. Check the connection and try again.")
    if anthropic is not None and isinstance(exc, anthropic.APIConnectionError):
        cause = exc.__cause__
        if isinstance(cause, Cancelled):
            return ApiFailure(FailureKind.CANCELLED, "Stopped.")
        return ApiFailure(
            FailureKind.NETWORK,
            "Could not reach the API (network down or connection dropped). Check the connection "
            "and try again.",
        )
    try:
        import httpx2
    except ImportError:  # pragma: no cover - a dependency of the SDK
        httpx2 = None  # type: ignore[assignment]
    if httpx2 is not None and isinstance(exc, httpx2.TimeoutException):
        return ApiFailure(FailureKind.TIMEOUT, "The request timed out. Check the connection and try again.")
    if httpx2 is not None and isinstance(exc, httpx2.TransportError):
        # A stream cut in the middle surfaces as the transport's own error, not the SDK's.
        return ApiFailure(
            FailureKind.NETWORK,
            "The connection dropped before the answer was complete. Check the connection and try again.",
        )
    if anthropic is not None and isinstance(exc, anthropic.AnthropicError):
        return ApiFailure(FailureKind.LOCAL, redact(str(exc)) or type(exc).__name__)
    if isinstance(exc, PermissionError):
        return ApiFailure(FailureKind.LOCAL, f"The file cannot be read (permission denied): {exc.filename}")
    if isinstance(exc, FileNotFoundError):
        return ApiFailure(FailureKind.LOCAL, f"The local file is gone: {exc.filename}")
    if isinstance(exc, OSError):
        return ApiFailure(FailureKind.LOCAL, f"A local error: {exc.strerror or exc}")
    return ApiFailure(FailureKind.LOCAL, f"Unexpected error: {type(exc).__name__}: {redact(str(exc))}")
