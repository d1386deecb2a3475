"""The chat pane while a long answer streams (run by `make bench`).

1. GUI stall: a 10,000-token answer streams through the real path (a bridge generator task yielding the
   chat service's events, the pane's batcher, the incremental transcript) while a 5 ms timer probes the
   GUI thread; the longest gap between two probe ticks must stay under 50 ms. The events reach the
   GUI thread in the bridge's batches (``TaskSignals.items``) and go straight to the batcher. Run
   twice: tokens as fast as the worker can produce them (a flood of queued signals), and at 2,000
   tokens per second.
2. Per-token cost at the end vs the start of a long answer: the transcript's append for the last ticks
   of a 10,000-token answer against its first ticks (ratio), next to the same ratio for re-rendering
   the whole answer on each tick (what the pane avoids), measured in the same run.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QTextDocument
from pytestqt.qtbot import QtBot

from assistant.api.chat import ChatEvent, CitationEvent, Done, Started, TextDelta
from assistant.api.errors import CancelToken
from assistant.bridge import TaskRunner
from assistant.catalog import Citation, CitationKind, Store, TurnState, Usage
from assistant.ui.chat import ChatPanel, ChatServices
from assistant.ui.chat.transcript import Transcript

TOKENS = 10_000
# fmt: off
_WORDS = [
    "the", "lighthouse", "keeper", "restoration", "budget", "council", "fund", "donors", "lamp", "beam",
    "nautical", "miles", "harbour", "volunteers", "tower", "summer", "weekends", "paraffin", "burner",
]
# fmt: on


def answer_tokens(count: int, seed: int = 1) -> list[str]:
    """A long Markdown answer as ~token-sized pieces: paragraphs, lists, a code block, headings."""
    rnd = random.Random(seed)
    out: list[str] = []
    while len(out) < count:
        kind = rnd.random()
        if kind < 0.1:
            out += ["## ", "Section ", f"{len(out)}", "\n\n"]
        elif kind < 0.25:
            for _ in range(rnd.randint(2, 5)):
                out.append("- ")
                out += [rnd.choice(_WORDS) + " " for _ in range(rnd.randint(4, 12))]
                out.append("\n")
            out.append("\n")
        elif kind < 0.3:
            out += ["```python\n"] + [f"x{i} = {i}\n" for i in range(rnd.randint(3, 8))] + ["```\n\n"]
        else:
            out += [rnd.choice(_WORDS) + " " for _ in range(rnd.randint(30, 90))]
            out += ["**", "bold", "** ", "words", ".", "[^1]", "\n\n"]
    return out[:count]


class Probe:
    """A 5 ms timer on the GUI thread; records the longest gap between two of its ticks."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.gaps: list[float] = []

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self.last)
        self.last = now

    def stop(self) -> float:
        self.timer.stop()
        return max(self.gaps) if self.gaps else 0.0


def _stream_through_the_pane(qtbot: QtBot, tmp_path: Path, tokens_per_second: float | None) -> dict[str, Any]:
    pieces = answer_tokens(TOKENS)
    with Store.open(tmp_path / f"catalog-{tokens_per_second}.sqlite3") as store:
        runner = TaskRunner(max_threads=2)
        panel = ChatPanel(ChatServices(store=store, runner=runner, chat=None))
        panel.resize(900, 700)
        panel.show()
        qtbot.addWidget(panel)
        conv = store.create_conversation("Bench", "claude-sonnet-5-5")
        qtbot.waitUntil(lambda: panel.is_settled)
        with qtbot.waitSignal(panel.controller.shown):
            panel.controller.open(conv.id)

        def events(token: CancelToken) -> Iterator[ChatEvent]:
            turn = store.start_turn(conv.id, "Tell me everything.", "claude-sonnet-5-5")
            yield Started(turn)
            yield CitationEvent(
                Citation(CitationKind.CHAR, "the lighthouse keeper", 0, "report.txt", None, 0, 21)
            )
            start = time.perf_counter()
            for i, piece in enumerate(pieces):
                if tokens_per_second:
                    delay = start + i / tokens_per_second - time.perf_counter()
                    if delay > 0:
                        time.sleep(delay)
                yield TextDelta(piece)
            usage = Usage(input_tokens=100, output_tokens=TOKENS)
            done = store.finish_turn(turn.id, state=TurnState.COMPLETE, answer="".join(pieces), usage=usage)
            yield Done(done, usage, None, "end_turn")

        probe = Probe()
        probe.start()
        started = time.perf_counter()
        panel.answer.start(conv.id, "Tell me everything.", "claude-sonnet-5-5", events)
        qtbot.waitUntil(lambda: not panel.is_streaming and not panel.is_rendering, timeout=120_000)
        seconds = time.perf_counter() - started
        worst = probe.stop()
        updates = panel.transcript.document_updates
        pushed = panel.answer.batcher.pushed
        text = panel.transcript.document().toPlainText()
        panel.shutdown()
        assert runner.shutdown(10_000)
        panel.close()
    assert "Section" in text and text.count("x0 = 0") >= 1
    return {"worst_gap_ms": worst * 1000, "seconds": seconds, "updates": updates, "events": pushed}


@pytest.mark.parametrize("tokens_per_second", [None, 2000.0], ids=["flood", "2000-tps"])
@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_gui_never_stalls_while_a_long_answer_streams(
    qtbot: QtBot, tmp_path: Path, tokens_per_second: float | None
) -> None:
    result = _stream_through_the_pane(qtbot, tmp_path, tokens_per_second)
    print(
        f"\n[chat stall {tokens_per_second or 'flood'}] {TOKENS} tokens in {result['seconds']:.2f} s: "
        f"longest GUI gap {result['worst_gap_ms']:.1f} ms, {result['events']} text events -> "
        f"{result['updates']} document updates"
    )
    assert result["updates"] < result["events"] / 10
    assert result["worst_gap_ms"] < 50


def _tick_times(append: Any, pieces: list[str], per_tick: int) -> list[float]:
    times = []
    for i in range(0, len(pieces), per_tick):
        chunk = "".join(pieces[i : i + per_tick])
        start = time.perf_counter()
        append(chunk)
        times.append(time.perf_counter() - start)
    return times


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_per_token_cost_at_the_end_equals_the_start(qtbot: QtBot) -> None:
    pieces = answer_tokens(TOKENS)
    per_tick = 20  # ~ a 40 ms tick at 500 tokens/s
    window = 50

    transcript = Transcript()
    transcript.resize(900, 700)
    transcript.show()
    qtbot.addWidget(transcript)
    answer = transcript.begin_stream(1, "Tell me everything.")

    def tick(chunk: str) -> None:  # render, lay out and paint, as a tick on screen does
        answer.append(chunk)
        transcript.viewport().repaint()

    times = _tick_times(tick, pieces, per_tick)
    first, last = statistics.median(times[:window]), statistics.median(times[-window:])
    ratio = last / first

    # the naive way, for scale: re-render the whole answer on every tick
    doc = QTextDocument()
    text: list[str] = []

    def rerender(chunk: str) -> None:
        text.append(chunk)
        doc.setMarkdown("".join(text))

    naive = _tick_times(rerender, pieces[: TOKENS // 2], per_tick)
    naive_ratio = statistics.median(naive[-window:]) / statistics.median(naive[:window])
    print(
        f"\n[chat per-token cost] incremental: first ticks {first * 1e3:.3f} ms, last ticks "
        f"{last * 1e3:.3f} ms, end/start ratio {ratio:.2f}; full re-render per tick (half the answer): "
        f"end/start ratio {naive_ratio:.1f}"
    )
    assert ratio < 2.0
