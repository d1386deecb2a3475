"""What a turn and a conversation cost, as the pane says it (no Qt, no catalog calls)."""

from __future__ import annotations

from collections.abc import Iterable

from assistant.catalog import Turn
from assistant.ui.chat.format import place_marks
from assistant.ui.chat.services import ChatServices
from assistant.ui.chat.transcript import TurnView

__all__ = ["TOTALS_TIP", "totals_text", "turn_view"]

TOTALS_TIP = (
    "What this conversation cost. Caching: the attached files are read from the prompt cache "
    "after the first question, at a fraction of the input price; the first write costs a "
    "little more, and later questions repay it."
)


def turn_view(turn: Turn, services: ChatServices, marked: str | None = None) -> TurnView:
    """The transcript's view of ``turn``; ``marked`` is its answer with marks, as it was shown."""
    cost_text = None
    if turn.cost_usd is not None:
        cost_text = services.format_usd(turn.cost_usd)
        saved = services.saved_by_cache(turn)
        if saved > 0:
            cost_text += f" (caching saved {services.format_usd(saved)})"
    answer = marked if marked is not None else place_marks(turn.answer, turn.citations)
    return TurnView(
        turn_id=turn.id,
        question=turn.question,
        answer=answer,
        citations=turn.citations,
        state=turn.state,
        error=turn.error,
        usage=turn.usage,
        cost_text=cost_text,
        model=turn.model,
        stop_reason=turn.stop_reason,
    )


def totals_text(turns: Iterable[Turn], services: ChatServices) -> str:
    """ "Total $0.12 · caching saved $0.03", or "" while nothing has a price."""
    turns = list(turns)
    costs = [t.cost_usd for t in turns if t.cost_usd is not None]
    if not costs:
        return ""
    fmt = services.format_usd
    saved = sum(services.saved_by_cache(t) for t in turns)
    text = f"Total {fmt(sum(costs))}"
    if saved > 0:
        text += f" · caching saved {fmt(saved)}"
    elif saved < 0:
        text += f" · cache writes {fmt(-saved)} so far"
    return text
