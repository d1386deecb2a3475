"""What the review view says before and after a run, and the question editor on its own (issue 11)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt

from assistant.api.pricing import format_usd as usd
from assistant.catalog import Usage
from assistant.review import AnswerType, BatchProgress, Question, QuestionSpec, ReviewCost, ReviewEstimate
from assistant.ui.review.questions import QuestionEditor, parse_categories
from assistant.ui.review.texts import cost_after, cost_before, progress_text

NOW = datetime(2026, 1, 5, tzinfo=UTC)


def test_cost_before_shows_the_batch_price_beside_the_interactive_one() -> None:
    e = ReviewEstimate(
        requests=6, input_tokens=12_000, output_tokens=6_144, batch_usd=0.05, interactive_usd=0.1
    )
    line, tip = cost_before(e, offline=False)
    assert f"{usd(0.05)} as a batch" in line and f"{usd(0.1)} if run now" in line and "6 requests" in line
    assert "count_tokens" in tip
    offline, _ = cost_before(
        ReviewEstimate(6, 12_000, 6_144, None, None, counted=False, price_known=False), offline=True
    )
    assert "$" not in offline and "tokens only (local sandbox" in offline
    unknown, _ = cost_before(ReviewEstimate(6, 12_000, 6_144, None, None, price_known=False), offline=False)
    assert "price unknown" in unknown and "$" not in unknown
    split, split_tip = cost_before(
        ReviewEstimate(150_000, 1, 1, 1.0, 2.0, batches=2, split_note="Split into 2 batches."), offline=False
    )
    assert "2 batches" in split and "Split into 2 batches." in split_tip


def test_cost_after_is_from_real_usage_at_the_batch_price() -> None:
    cost = ReviewCost(0.03, 0.06, cells=6, usage=Usage(input_tokens=9_000, output_tokens=600))
    line, tip = cost_after(cost, offline=False)
    assert line == f"Cost {usd(0.03)} · {usd(0.06)} if run interactively (saved {usd(0.03)})"
    assert "6 answered cells" in tip
    assert "$" not in cost_after(cost, offline=True)[0]


def test_progress_text() -> None:
    one = BatchProgress("msgbatch_1", 1, "in_progress", processing=2, succeeded=4)
    assert progress_text([one]) == "in progress: 4 of 6"
    two = BatchProgress("msgbatch_2", 1, "ended", succeeded=3, errored=1)
    assert progress_text([one, two]) == "in progress: 8 of 10 (2 batches)"
    assert progress_text([]) == ""


def test_parse_categories() -> None:
    assert parse_categories(" low, high; Medium,,low ") == ("low", "high", "Medium")


def questions(*texts: str) -> list[Question]:
    return [Question(i, 1, t, AnswerType.TEXT) for i, t in enumerate(texts, 1)]


def test_editor_asks_for_what_is_missing_and_keeps_the_text_until_accepted(qtbot: Any) -> None:
    editor = QuestionEditor()
    qtbot.addWidget(editor)
    said: list[str] = []
    added: list[QuestionSpec] = []
    editor.said.connect(said.append)
    editor.add_requested.connect(added.append)
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert added == [] and "empty" in said[-1]

    editor.kind.setCurrentIndex(editor.kind.findData(AnswerType.CATEGORY.value))
    assert editor.categories.isVisibleTo(editor)
    qtbot.keyClicks(editor.edit, "Risk level?")
    qtbot.keyClicks(editor.categories, "low")
    qtbot.keyClick(editor.edit, Qt.Key.Key_Return)
    assert added == [] and "two categories" in said[-1]
    qtbot.keyClicks(editor.categories, ", high")
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert added == [QuestionSpec("Risk level?", AnswerType.CATEGORY, ("low", "high"))]
    assert editor.edit.text() == "Risk level?", "kept until the catalog has it"
    editor.accepted()
    assert editor.edit.text() == "" and editor.categories.text() == ""


def test_editor_edits_moves_and_removes_by_question_id(qtbot: Any) -> None:
    editor = QuestionEditor()
    qtbot.addWidget(editor)
    editor.set_questions(questions("Notice period?", "Liability cap?", "Remote work?"))
    moved: list[tuple[int, int]] = []
    removed: list[int] = []
    updated: list[tuple[int, QuestionSpec]] = []
    editor.move_requested.connect(lambda qid, to: moved.append((qid, to)))
    editor.remove_requested.connect(removed.append)
    editor.update_requested.connect(lambda qid, spec: updated.append((qid, spec)))
    assert not editor.up_button.isEnabled(), "nothing chosen"
    editor.list.setCurrentRow(2)
    qtbot.mouseClick(editor.up_button, Qt.MouseButton.LeftButton)
    assert moved == [(3, 1)]
    assert [editor.list.item(i).text() for i in range(3)][1].startswith("2. Remote work?")
    qtbot.mouseClick(editor.edit_button, Qt.MouseButton.LeftButton)
    assert editor.edit.text() == "Remote work?" and editor.add_button.text() == "Save question"
    editor.edit.setText("Covers remote work?")
    editor.kind.setCurrentIndex(editor.kind.findData(AnswerType.YES_NO.value))
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert updated == [(3, QuestionSpec("Covers remote work?", AnswerType.YES_NO))]
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert removed == [3]
