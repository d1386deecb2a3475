"""The models the sandbox answers for, with the fields of the SDK's `ModelInfo`.

Besides the Claude ids (so the SDK and the app can be tested as against the API), the sandbox lists its
own model, `local-sandbox` ("Local sandbox"): what the app asks offline, so an answer the sandbox gave
says so in its `model` field and is recorded as such (no price list names it: it costs nothing).
"""

from __future__ import annotations

from assistant.sandbox.errors import ApiError

LOCAL_MODEL = "local-sandbox"  # the sandbox's own model: quoted passages, not Claude

# id, display name, line, created (RFC 3339), max input tokens, max output tokens, lifecycle
_CATALOGUE: tuple[tuple[str, str, str, str, int, int, str], ...] = (
    ("claude-opus-5-5", "Claude Opus 5.5", "opus", "2026-09-30T00:00:00Z", 1_000_000, 128_000, "active"),
    (
        "claude-sonnet-5-5",
        "Claude Sonnet 5.5",
        "sonnet",
        "2026-09-30T00:00:00Z",
        1_000_000,
        128_000,
        "active",
    ),
    ("claude-haiku-5-5", "Claude Haiku 5.5", "haiku", "2026-09-30T00:00:00Z", 200_000, 64_000, "active"),
    ("claude-opus-4-8", "Claude Opus 4.8", "opus", "2026-05-14T00:00:00Z", 1_000_000, 128_000, "active"),
    ("claude-sonnet-4-6", "Claude Sonnet 4.6", "sonnet", "2026-02-17T00:00:00Z", 1_000_000, 64_000, "active"),
    (
        "claude-sonnet-4-5",
        "Claude Sonnet 4.5",
        "sonnet",
        "2025-09-29T00:00:00Z",
        200_000,
        64_000,
        "deprecated",
    ),
    ("claude-haiku-4-5", "Claude Haiku 4.5", "haiku", "2025-10-15T00:00:00Z", 200_000, 64_000, "active"),
    (LOCAL_MODEL, "Local sandbox", "sandbox", "2026-01-01T00:00:00Z", 1_000_000, 128_000, "active"),
)


def _yes(flag: bool = True) -> dict[str, object]:
    return {"supported": flag}


def _info(row: tuple[str, str, str, str, int, int, str]) -> dict[str, object]:
    model_id, name, line, created, max_in, max_out, lifecycle = row
    big = line != "haiku"
    return {
        "type": "model",
        "id": model_id,
        "display_name": name,
        "created_at": created,
        "lifecycle": lifecycle,
        "line": line,
        "max_input_tokens": max_in,
        "max_tokens": max_out,
        # the SDK warns that claude-sonnet-4-5 reaches end-of-life on 2026-11-30
        "deprecated_at": "2026-08-31T00:00:00Z" if lifecycle == "deprecated" else None,
        "retires_at": "2026-11-30T00:00:00Z" if lifecycle == "deprecated" else None,
        "capabilities": {
            "batch": _yes(),
            "citations": _yes(),
            "code_execution": _yes(),
            "context_management": {"supported": True, "clear_tool_uses_20250919": _yes()},
            "effort": {
                "supported": big,
                "low": _yes(big),
                "medium": _yes(big),
                "high": _yes(big),
                "max": _yes(big),
            },
            "image_input": _yes(),
            "pdf_input": _yes(),
            "server_tools": {"supported": True, "code_execution": _yes(), "web_search": _yes()},
            "structured_outputs": _yes(),
            "thinking": {
                "supported": True,
                "types": {
                    "adaptive": _yes(big),
                    "between_tools": _yes(big),
                    "disabled": _yes(),
                    "enabled": _yes(),
                },
            },
        },
    }


MODELS: tuple[dict[str, object], ...] = tuple(_info(row) for row in _CATALOGUE)
MODEL_IDS: tuple[str, ...] = tuple(row[0] for row in _CATALOGUE)


def known_model(model: str) -> bool:
    """A catalogue id, or one of its dated snapshots (``claude-sonnet-4-5-20250929``)."""
    return any(model == m or (model.startswith(m + "-") and model[len(m) + 1 :].isdigit()) for m in MODEL_IDS)


def model_max_tokens(model: str) -> int:
    """The output-token limit of a known model id (or of the catalogue id a snapshot belongs to)."""
    for row in _CATALOGUE:
        if model == row[0] or model.startswith(row[0] + "-"):
            return row[5]
    return 0


def get_model(model_id: str) -> dict[str, object]:
    for info in MODELS:
        if info["id"] == model_id:
            return info
    raise ApiError(404, f"model: {model_id}")


def list_models(
    limit: int, after_id: str | None, before_id: str | None
) -> tuple[list[dict[str, object]], bool]:
    """A page of the catalogue (newest first) and whether more follow in that direction."""
    ids = list(MODEL_IDS)
    if after_id is not None:
        if after_id not in ids:
            raise ApiError(400, f"after_id: unknown model {after_id}")
        start = ids.index(after_id) + 1
        page = list(MODELS[start : start + limit])
        return page, start + limit < len(ids)
    if before_id is not None:
        if before_id not in ids:
            raise ApiError(400, f"before_id: unknown model {before_id}")
        end = ids.index(before_id)
        start = max(0, end - limit)
        return list(MODELS[start:end]), start > 0
    return list(MODELS[:limit]), limit < len(ids)
