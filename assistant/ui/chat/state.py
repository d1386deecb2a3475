"""The chat pane's small enums (no Qt): what a warning is about, where an answer is in its life,
what a link in the transcript asks for."""

from __future__ import annotations

from enum import Enum, StrEnum

__all__ = ["Phase", "TurnAction", "WarningKind"]


class WarningKind(Enum):
    """What the composer's warning is about: each part clears only its own."""

    NOT_SENT = "not sent"  # attached files are gone: the question was kept
    CONTEXT = "context"  # the attached files exceed the model's context
    NOT_CONNECTED = "not connected"
    NO_FILES = "no files"  # Enter with nothing attached: there is nothing to ask about
    OTHER = "other"


class Phase(Enum):
    """The answer stream's state."""

    IDLE = "idle"  # nothing asked (an ended answer's last text may still be drawing)
    PREPARING = "preparing"  # the question is being saved and its files checked (in a worker)
    STREAMING = "streaming"  # the answer is arriving


class TurnAction(StrEnum):
    """What a link in the transcript asks for (the part of its URL before the first colon)."""

    CITE = "cite"
    RETRY = "retry"
    COPY = "copy"
    CONTINUE = "continue"  # an answer cut at the length limit: ask the model to go on
