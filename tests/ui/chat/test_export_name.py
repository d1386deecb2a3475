"""The export's default file name is clean: words kept, punctuation collapsed, never a cut word."""

from __future__ import annotations

from assistant.ui.chat.export import safe_name


def test_default_name_keeps_words_and_drops_punctuation() -> None:
    title = "What were the Q4 sales? And what decisions did the board take about them, in detail?"
    name = safe_name(title)
    assert "_" not in name
    assert "?" not in name and "," not in name
    assert name.startswith("What were the Q4 sales And what decisions")
    assert len(name) <= 60
    assert title.split()[len(name.split()) - 1].rstrip("?,") == name.split()[-1]  # whole last word


def test_default_name_of_an_empty_title() -> None:
    assert safe_name("???") == "conversation"
