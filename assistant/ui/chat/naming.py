"""What a model is called wherever the app names one: the picker, footers, the conversation list,
Settings, exports. No Qt.

Offline the built-in sandbox answers, and the app asks it for its own model, ``local-sandbox`` (the
sandbox lists it as "Local sandbox"), so turns answered offline are recorded as the sandbox's and carry
no price. The label does not rely on that alone: in offline mode every model id is the local sandbox
(the offline catalog may hold conversations recorded as a Claude model by an earlier version), and
``local-sandbox`` is the local sandbox in any mode.

Online, a model is named by its display name from the API's model list (``ModelNames.learn``); before
the list is in, or for a model it no longer lists, a Claude id is spelt out the way the API names it
("claude-sonnet-5-5" → "Claude Sonnet 5.5") and anything else is shown as its id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = [
    "SANDBOX_MODEL",
    "SANDBOX_NAME",
    "SANDBOX_SOURCE",
    "SANDBOX_TIP",
    "ModelNames",
    "spelt_out",
]

SANDBOX_MODEL = "local-sandbox"  # the sandbox's own model id (assistant/sandbox/models.py lists it)
SANDBOX_NAME = "Local sandbox"
SANDBOX_SOURCE = "local sandbox (offline; quoted passages, not Claude)"
SANDBOX_TIP = (
    "Offline: the built-in local sandbox answers on this computer with the closest passages of the "
    "attached files, quoted and cited: not Claude, and nothing is charged. Enter an API key (Ctrl+K) "
    "to ask a Claude model."
)

_CLAUDE_ID = re.compile(r"^claude-([a-z]+)-(\d+)(?:-(\d))?(?:-\d{8})?$")


def spelt_out(model_id: str) -> str:
    """ "claude-sonnet-5-5" (or a dated snapshot of it) → "Claude Sonnet 5.5"; any other id as it is."""
    match = _CLAUDE_ID.match(model_id)
    if match is None:
        return model_id
    family, major, minor = match.groups()
    version = major if minor is None else f"{major}.{minor}"
    return f"Claude {family.capitalize()} {version}"


@dataclass
class ModelNames:
    """Names model ids for people; ``offline``: every id is the local sandbox."""

    offline: bool = False
    known: dict[str, str] = field(default_factory=dict)  # id → display name, from the API's list

    def learn(self, names: Mapping[str, str]) -> None:
        self.known.update({k: v for k, v in names.items() if v})

    def is_local(self, model_id: str) -> bool:
        return self.offline or model_id == SANDBOX_MODEL

    def name(self, model_id: str) -> str:
        if self.is_local(model_id):
            return SANDBOX_NAME
        return self.known.get(model_id) or spelt_out(model_id)

    def answered_by(self, model_ids: Iterable[str]) -> str:
        """The export's line on where the answers came from: "Answers: local sandbox (offline; …)" or
        "Answers: Claude Sonnet 5.5 (`claude-sonnet-5-5`)" (each model, in the order first used)."""
        ids = list(dict.fromkeys(m for m in model_ids if m))
        if self.offline or (ids and all(self.is_local(m) for m in ids)):
            return f"Answers: {SANDBOX_SOURCE}"
        named = [SANDBOX_SOURCE if self.is_local(m) else f"{self.name(m)} (`{m}`)" for m in ids]
        return "Answers: " + (", ".join(named) if named else "none yet")
