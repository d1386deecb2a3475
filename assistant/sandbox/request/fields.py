"""Field checks shared by the request parser: the API's 400s for wrong types and `cache_control` values."""

from __future__ import annotations

from assistant.sandbox.answer.cache import TTL_SECONDS
from assistant.sandbox.errors import ApiError


def bad(message: str) -> ApiError:
    return ApiError(400, message)


def without_cache_control(block: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in block.items() if k != "cache_control"}


def cache_ttl(value: object, path: str) -> str | None:
    """The TTL of a `cache_control` value (None when absent), or 400."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad(f"{path}: Input should be a valid dictionary")
    if value.get("type") != "ephemeral":
        raise bad(f"{path}.type: Input should be 'ephemeral'")
    ttl = value.get("ttl", "5m")
    if ttl not in TTL_SECONDS:
        raise bad(f"{path}.ttl: Input should be '5m' or '1h'")
    return str(ttl)


def text_of(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise bad(f"{path}: Input should be a valid string")
    return value


def optional_text(value: object, path: str) -> str | None:
    return None if value is None else text_of(value, path)
