"""Where a streamed Markdown answer can be cut into finished blocks and a still-growing tail.

Pure Python, no Qt. The transcript renders finished blocks once and re-renders only the tail on each
tick, so the cost of a tick depends on the size of the tail (one paragraph, list item or open code
fence), not on the length of the answer so far.
"""

from __future__ import annotations

__all__ = ["MarkdownSplitter", "finished_prefix_length"]

_FENCES = ("```", "~~~")


def finished_prefix_length(pending: str) -> int:
    """Length of the longest prefix of ``pending`` made of finished Markdown blocks.

    ``pending`` must start outside a code fence. A block is finished when a blank line follows it
    outside a code fence, or when its closing fence line is complete.
    """
    boundary = 0
    fence: str | None = None
    pos = 0
    n = len(pending)
    while pos < n:
        end = pending.find("\n", pos)
        if end < 0:
            break  # the last line is still growing
        line = pending[pos:end]
        stripped = line.lstrip(" ")
        next_pos = end + 1
        if fence is not None:
            if stripped.startswith(fence) and not stripped[len(fence) :].strip("`~ \t"):
                fence = None
                boundary = next_pos
        elif stripped[:3] in _FENCES and len(line) - len(stripped) < 4:
            fence = stripped[:3]
        elif not line.strip():
            boundary = next_pos
        pos = next_pos
    return boundary


class MarkdownSplitter:
    """Tracks how much of a growing text is finished; ``feed`` returns (newly finished, tail)."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._pending = ""

    @property
    def text(self) -> str:
        return "".join(self._parts) + self._pending

    def feed(self, more: str) -> tuple[str, str]:
        self._pending += more
        cut = finished_prefix_length(self._pending)
        done, self._pending = self._pending[:cut], self._pending[cut:]
        if done:
            self._parts.append(done)
        return done, self._pending

    @property
    def tail(self) -> str:
        return self._pending
