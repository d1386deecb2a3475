"""Know the cost before you ask (issue 14): the estimate beside Send (``costEstimate``), the cost limit
that asks first, and the cache meter (``cacheMeter``), on the pane against the sandbox over real HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from assistant.api.chat import ChatService
from assistant.api.files import FileService
from assistant.api.pricing import turn_cost
from assistant.catalog import Turn
from assistant.settings import Settings
from assistant.ui.chat import ChatPanel

from .conftest import Env, settle, wait_idle

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")  # the cost limit's question box

FIRST = "How much did the restoration cost and who paid?"
SECOND = "Who was the last resident keeper, and when did she leave?"


def _type(qtbot: QtBot, panel: ChatPanel, text: str) -> None:
    panel.composer.input.setFocus()
    qtbot.keyClicks(panel.composer.input, text)


def _estimate_for(qtbot: QtBot, panel: ChatPanel, question: str) -> Any:
    """Until the estimate beside Send is the one of ``question`` (counted in a worker, debounced)."""
    estimate = panel.costs.estimate

    def ready() -> bool:
        shown = estimate.shown
        history = tuple(t.id for t in panel.controller.turns)
        return shown is not None and shown.query.question == question and shown.query.history == history

    qtbot.waitUntil(ready, timeout=20_000)
    return estimate.shown


def _billed_input(turn: Turn) -> float:
    assert turn.usage is not None
    cost = turn_cost(turn.usage, turn.model)
    assert cost is not None
    return cost.input + cost.cache_write + cost.cache_read


def _send(qtbot: QtBot, panel: ChatPanel, env: Env) -> Turn:
    qtbot.mouseClick(panel.composer.send_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, panel, env.runner)
    conv = panel.current_conversation()
    assert conv is not None
    return env.store.list_turns(conv.id)[-1]


def _clocked_chat(env: Env, client: Any) -> ChatService:
    """A chat service on the sandbox's clock (the meter's countdown moves with ``sandbox.clock``)."""
    return ChatService(client, env.store, max_tokens=1024, save_interval=0.2, clock=env.sandbox.clock.now)


def _clocked_panel(qtbot: QtBot, env: Env, client: Any) -> ChatPanel:
    """A pane on the sandbox's clock with the report attached, its catalog reads done."""
    panel = env.make_panel()
    panel.set_chat_service(_clocked_chat(env, client))
    panel.set_attached_files([env.report])
    settle(qtbot, panel)
    return panel


def test_the_estimate_is_within_ten_percent_of_the_billed_input_cold_and_warm(
    qtbot: QtBot, env: Env, client: Any
) -> None:
    panel = _clocked_panel(qtbot, env, client)
    label = panel.findChild(type(panel.composer.estimate_label), "costEstimate")
    assert label is panel.composer.estimate_label and label.text() == ""  # nothing typed: no amount

    _type(qtbot, panel, FIRST)
    cold = _estimate_for(qtbot, panel, FIRST)
    assert "$" in label.text() and "cache cold" in label.text()
    assert "+ answer $" in label.text()  # the answer as a range, from the answer-length setting
    first = _send(qtbot, panel, env)
    billed = _billed_input(first)
    print(f"\n[estimate cold] estimated {cold.figures.now:.6f} USD, billed {billed:.6f} USD")
    assert abs(cold.figures.now - billed) <= 0.10 * billed

    _type(qtbot, panel, SECOND)
    warm = _estimate_for(qtbot, panel, SECOND)
    text = label.text()
    assert "cache warm" in text and "if the cache has expired" in text, text
    assert warm.figures.cold > 2 * warm.figures.now  # what an expired cache would cost, said apart
    second = _send(qtbot, panel, env)
    billed = _billed_input(second)
    print(f"[estimate warm] estimated {warm.figures.now:.6f} USD, billed {billed:.6f} USD")
    assert second.usage is not None and second.usage.cache_read_input_tokens > 0
    assert abs(warm.figures.now - billed) <= 0.10 * billed


def test_the_cache_meter_reads_counts_down_and_sums_what_it_saved(
    qtbot: QtBot, env: Env, client: Any
) -> None:
    panel = _clocked_panel(qtbot, env, client)
    meter = panel.cache_meter_label
    assert meter.objectName() == "cacheMeter" and not meter.isVisibleTo(panel)  # nothing answered yet

    _type(qtbot, panel, FIRST)
    _estimate_for(qtbot, panel, FIRST)
    _send(qtbot, panel, env)
    assert meter.isVisibleTo(panel)
    assert "written to the cache" in meter.text() and "(5 min TTL)" in meter.text(), meter.text()
    assert "warm 4:5" in meter.text() or "warm 5:00" in meter.text(), meter.text()
    assert "TTL in force" in meter.toolTip()
    assert "the cache write cost $" in meter.text() and "repaid from the next question on" in meter.text()

    _type(qtbot, panel, SECOND)
    _estimate_for(qtbot, panel, SECOND)
    second = _send(qtbot, panel, env)
    assert second.usage is not None
    text = meter.text()
    assert "read from the cache" in text and "saved $" in text and "saved in all" in text, text
    cost = turn_cost(second.usage, second.model)
    assert cost is not None and cost.saved > 0
    assert f"saved {panel._services.format_usd(cost.saved)}" in text

    env.sandbox.clock.advance(200)  # the countdown follows the clock
    qtbot.waitUntil(lambda: "warm 1:" in meter.text(), timeout=5_000)
    env.sandbox.clock.advance(120)
    qtbot.waitUntil(lambda: "cache expired" in meter.text(), timeout=5_000)
    _type(qtbot, panel, "And the lamp?")
    _estimate_for(qtbot, panel, "And the lamp?")
    assert "cache cold" in panel.composer.estimate_label.text()  # expired: priced as a fresh write


def test_documents_under_the_minimum_say_too_small_to_cache(
    qtbot: QtBot, env: Env, client: Any, tmp_path: Path
) -> None:
    small = tmp_path / "note.txt"
    small.write_text("The lamp flashes white every six seconds.\n", encoding="utf-8")
    record = FileService(client, env.store, retention_seconds=86_400).upload(small).record
    panel = env.make_panel()
    panel.set_attached_files([record])
    settle(qtbot, panel)
    _type(qtbot, panel, "How often does the lamp flash?")
    _estimate_for(qtbot, panel, "How often does the lamp flash?")
    assert "too small to cache" in panel.composer.estimate_label.text()
    _send(qtbot, panel, env)
    text = panel.cache_meter_label.text()
    assert text.startswith("Too small to cache:") and "caches prompts from 1\u202f024 tokens" in text, text


def test_offline_the_estimate_is_tokens_and_no_money(qtbot: QtBot, env: Env) -> None:
    panel = env.make_panel(offline=True)
    panel.set_attached_files([env.report])
    settle(qtbot, panel)
    _type(qtbot, panel, FIRST)
    _estimate_for(qtbot, panel, FIRST)
    text = panel.composer.estimate_label.text()
    assert "tokens" in text and "$" not in text, text
    _send(qtbot, panel, env)
    assert "$" not in panel.cache_meter_label.text() and "tokens' worth" in panel.cache_meter_label.text()


def test_the_estimate_turns_cold_when_the_cache_expires_while_the_question_waits(
    qtbot: QtBot, env: Env, client: Any
) -> None:
    """Nothing typed, nothing answered, yet the cache expires: the estimate is priced again at that
    moment (review item 4)."""
    panel = _clocked_panel(qtbot, env, client)
    _type(qtbot, panel, FIRST)
    _estimate_for(qtbot, panel, FIRST)
    _send(qtbot, panel, env)
    _type(qtbot, panel, SECOND)
    _estimate_for(qtbot, panel, SECOND)
    label = panel.composer.estimate_label
    assert "cache warm" in label.text(), label.text()
    until = panel.costs.meter.warm_until
    assert until is not None
    env.sandbox.clock.advance(until - env.sandbox.clock.now() - 3)  # 3 s of warmth left
    qtbot.keyClick(panel.composer.input, Qt.Key.Key_Space)  # the same question: priced again, warm
    qtbot.waitUntil(lambda: "cache cold" in label.text(), timeout=10_000)  # ...until the cache expires
    assert panel.composer.text() == SECOND + " "


def _limit_question() -> QMessageBox | None:
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == "costLimitQuestion" and widget.isVisible():
            assert isinstance(widget, QMessageBox)
            return widget
    return None


def test_a_pasted_question_sent_at_once_is_counted_first_and_asks(qtbot: QtBot, env: Env) -> None:
    """No estimate yet (or one of another question) never skips the limit (review item 5): Send counts
    first, then asks; the question stays in the box meanwhile."""
    panel = env.make_panel(settings=Settings(cost_limit_usd=0.001))
    panel.set_attached_files([env.report])
    settle(qtbot, panel)
    long = " ".join([SECOND] * 40)
    QApplication.clipboard().setText(long)
    panel.composer.input.setFocus()
    qtbot.keyClick(panel.composer.input, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert panel.costs.estimate.shown is None or panel.costs.estimate.shown.query.question != long
    qtbot.keyClick(panel.composer.input, Qt.Key.Key_Return)  # at once: no estimate for it yet
    qtbot.waitUntil(lambda: _limit_question() is not None, timeout=10_000)
    box = _limit_question()
    assert box is not None and "more than your limit of $0.0010" in box.text()
    assert not panel.is_streaming and panel.composer.text() == long  # not sent while it asks
    box.reject()
    qtbot.waitUntil(lambda: _limit_question() is None, timeout=5_000)
    conv = panel.current_conversation()
    assert panel.composer.text() == long  # cancelled: the question is kept, nothing asked
    assert conv is None or env.store.list_turns(conv.id) == []


def test_a_question_above_the_cost_limit_asks_first(qtbot: QtBot, env: Env) -> None:
    panel = env.make_panel(settings=Settings(cost_limit_usd=0.001))
    panel.set_attached_files([env.report])
    settle(qtbot, panel)
    _type(qtbot, panel, FIRST)
    _estimate_for(qtbot, panel, FIRST)
    qtbot.mouseClick(panel.composer.send_button, Qt.MouseButton.LeftButton)

    def question() -> QMessageBox | None:
        for widget in QApplication.topLevelWidgets():
            if widget.objectName() == "costLimitQuestion" and widget.isVisible():
                assert isinstance(widget, QMessageBox)
                return widget
        return None

    qtbot.waitUntil(lambda: question() is not None, timeout=5_000)
    box = question()
    assert box is not None and "more than your limit of $0.0010" in box.text()
    assert not panel.is_streaming and panel.composer.text() == FIRST  # not sent while it asks
    send = box.findChild(QPushButton, "sendAnywayButton")
    assert send is not None
    qtbot.mouseClick(send, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.is_streaming or panel.composer.text() == "", timeout=5_000)
    wait_idle(qtbot, panel, env.runner)
    conv = panel.current_conversation()
    assert conv is not None and [t.question for t in env.store.list_turns(conv.id)] == [FIRST]


def test_automatic_ttl_a_cache_written_for_five_minutes_is_cold_six_minutes_later(
    qtbot: QtBot, env: Env, client: Any
) -> None:
    """Warm or cold follows the TTL the cache was last written with, not the next question's (issue 14,
    review item 3): Automatic picks 1 hour for a question after a 6-minute pause, but the cache the
    first question wrote for 5 minutes has expired, and the estimate and the meter say so alike."""
    chat = ChatService(
        client, env.store, max_tokens=1024, save_interval=0.2, cache_ttl="auto", clock=env.sandbox.clock.now
    )
    panel = env.make_panel()
    panel.set_chat_service(chat)
    panel.set_attached_files([env.report])
    settle(qtbot, panel)
    _type(qtbot, panel, FIRST)
    _estimate_for(qtbot, panel, FIRST)
    first = _send(qtbot, panel, env)
    assert first.usage is not None and first.usage.cache_write_5m_tokens > 0  # written with 5 minutes

    env.sandbox.clock.advance(360)
    qtbot.waitUntil(lambda: "cache expired" in panel.cache_meter_label.text(), timeout=5_000)
    _type(qtbot, panel, SECOND)
    shown = _estimate_for(qtbot, panel, SECOND)
    assert shown.ttl == "1h"  # the next question would be written for an hour...
    text = panel.composer.estimate_label.text()
    assert "cache cold" in text and "if the cache has expired" not in text, text  # ...but nothing is warm
    second = _send(qtbot, panel, env)
    assert second.usage is not None and second.usage.cache_read_input_tokens == 0  # billed a full write
    assert second.usage.cache_write_1h_tokens > 0
    billed = _billed_input(second)
    assert abs(shown.figures.now - billed) <= 0.10 * billed, (shown.figures.now, billed)
