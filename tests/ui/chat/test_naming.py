"""How models are named (``naming``): the sandbox's own model, Claude ids spelt out, the export's line."""

from __future__ import annotations

from typing import Any

from assistant.api.pricing import load_prices
from assistant.sandbox.models import LOCAL_MODEL
from assistant.ui.chat.naming import SANDBOX_MODEL, ModelNames, spelt_out


def test_the_app_asks_offline_for_the_model_the_sandbox_lists_as_its_own(client: Any) -> None:
    assert SANDBOX_MODEL == LOCAL_MODEL
    info = client.models.retrieve(SANDBOX_MODEL)
    assert info.display_name == "Local sandbox"
    assert SANDBOX_MODEL in [m.id for m in client.models.list(limit=1000)]
    assert load_prices().price_for(SANDBOX_MODEL) is None, "the sandbox's answers have no price"


def test_claude_ids_are_spelt_out_as_the_api_names_them() -> None:
    assert spelt_out("claude-sonnet-5-5") == "Claude Sonnet 5.5"
    assert spelt_out("claude-sonnet-4-5-20250929") == "Claude Sonnet 4.5"
    assert spelt_out("claude-opus-4-20250514") == "Claude Opus 4"
    assert spelt_out("claude-3-5-sonnet-20241022") == "claude-3-5-sonnet-20241022"  # not guessed
    assert spelt_out("my-model") == "my-model"


def test_offline_every_model_is_the_local_sandbox_and_online_the_list_names_it() -> None:
    offline = ModelNames(offline=True)
    assert offline.name("claude-sonnet-5-5") == offline.name(SANDBOX_MODEL) == "Local sandbox"
    assert offline.answered_by(["claude-sonnet-5-5"]) == (
        "Answers: local sandbox (offline; quoted passages, not Claude)"
    )
    online = ModelNames()
    online.learn({"claude-opus-5-5": "Claude Opus 5.5 (preview)"})
    assert online.name("claude-opus-5-5") == "Claude Opus 5.5 (preview)"
    assert online.name(SANDBOX_MODEL) == "Local sandbox"
    assert online.answered_by(["claude-haiku-5-5", "claude-opus-5-5", "claude-haiku-5-5"]) == (
        "Answers: Claude Haiku 5.5 (`claude-haiku-5-5`), Claude Opus 5.5 (preview) (`claude-opus-5-5`)"
    )
