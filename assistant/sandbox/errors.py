"""The API's error shape, raised anywhere in the sandbox and turned into a response by the server."""

from __future__ import annotations

from dataclasses import dataclass

# HTTP status -> the API's error type.
ERROR_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    409: "conflict_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}


@dataclass
class ApiError(Exception):
    """An error answer: `status` and `message` as the API gives them, `error_code` for `error.details`."""

    status: int
    message: str
    error_code: str | None = None

    @property
    def type(self) -> str:
        return ERROR_TYPES.get(self.status, "api_error")

    def body(self, request_id: str) -> dict[str, object]:
        error: dict[str, object] = {"type": self.type, "message": self.message}
        if self.error_code:
            error["details"] = {"error_code": self.error_code}
        return {"type": "error", "error": error, "request_id": request_id}

    def __str__(self) -> str:
        return f"{self.status} {self.type}: {self.message}"
