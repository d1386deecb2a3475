"""What a turn and a conversation cost, as the pane says it (no Qt, no catalog calls).

Offline no money is shown at all, not even what the answers would have cost on Claude: the local
sandbox charges nothing, and its token counts are its own estimate (about four characters a token),
not what Claude would have read and written, so a price on them would be a made-up figure. The
tokens are still shown, and the totals say that nothing is charged.
"""

from __future__ import annotations

from collections.abc import Iterable

from assistant.catalog import Turn, Usage
from assistant.ui.chat.format import format_tokens, place_marks
from assistant.ui.chat.services import ChatServices
from assistant.ui.chat.transcript import TurnView

__all__ = ["OFFLINE_TOTALS_TIP", "TOTALS_TIP", "totals_text", "totals_tip", "turn_view"]

TOTALS_TIP = (
    "What this conversation cost. Caching: the attached files are read from the prompt cache "
    "after the first question, at a fraction of the input price; the first write costs a "
    "little more, and later questions repay it."
)
OFFLINE_TOTALS_TIP = (
    "The tokens of this conversation's answers as the local sandbox counts them (about four characters "
    "a token). Offline nothing is sent to Anthropic and nothing is charged."
)


def turn_view(turn: Turn, services: ChatServices, marked: str | None = None) -> TurnView:
    """The transcript's view of ``turn``; ``marked`` is its answer with marks, as it was shown."""
    cost_text = None
    if turn.cost_usd is not None and services.priced:
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
        model=services.model_name(turn.model) if turn.model else "",
        stop_reason=turn.stop_reason,
    )


def totals_text(turns: Iterable[Turn], services: ChatServices) -> str:
    """ "Total $0.12 · caching saved $0.03", or "" while nothing has a price; offline the tokens:
    "Tokens: 10 166 in · 112 out · offline, no charge" ("" while nothing was answered)."""
    turns = list(turns)
    if not services.priced:
        return _tokens_text([t.usage for t in turns if t.usage is not None])
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


def totals_tip(services: ChatServices) -> str:
    return TOTALS_TIP if services.priced else OFFLINE_TOTALS_TIP


def _tokens_text(usages: list[Usage]) -> str:
    if not usages:
        return ""
    read = sum(u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens for u in usages)
    written = sum(u.output_tokens for u in usages)
    return f"Tokens: {format_tokens(read)} in · {format_tokens(written)} out · offline, no charge"
