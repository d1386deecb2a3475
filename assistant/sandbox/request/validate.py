"""What is checked of a Messages request before it is parsed: the top-level fields and the model.

Used for POST /v1/messages, POST /v1/messages/count_tokens (`count_only`: no max_tokens) and each
request of a message batch.
"""

from __future__ import annotations

from typing import cast

from assistant.sandbox.errors import ApiError
from assistant.sandbox.models import known_model, model_max_tokens


def validate_message_request(body: object, *, count_only: bool = False) -> dict[str, object]:
    """What the server itself checks of a Messages request before the engine sees it."""
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise ApiError(400, "model: Field required")
    if not count_only:
        max_tokens = body.get("max_tokens")
        if isinstance(max_tokens, bool) or not isinstance(max_tokens, int):
            raise ApiError(400, "max_tokens: Field required")
        if max_tokens < 1:
            raise ApiError(400, "max_tokens: Input should be greater than or equal to 1")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ApiError(400, "messages: Field required (a non-empty list)")
    for name in ("temperature", "top_p", "top_k"):
        if name in body:
            raise ApiError(400, f"{name}: is not supported with anthropic-version 2026-10-21; remove it.")
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise ApiError(400, "stream: Input should be a valid boolean")
    if not known_model(model):
        raise ApiError(404, f"model: {model}")
    limit = model_max_tokens(model)
    max_tokens = body.get("max_tokens")
    if not count_only and isinstance(max_tokens, int) and max_tokens > limit:
        raise ApiError(
            400,
            f"max_tokens: {max_tokens} > {limit}, which is the maximum allowed number of output tokens "
            f"for {model}",
        )
    return cast(dict[str, object], body)
