"""Names with characters that hide what they say (a right-to-left override, zero-width characters) are
found, warned about and shown spelled out; the name itself is kept, and ordinary names say nothing."""

from __future__ import annotations

from pathlib import Path

from assistant.documents import prepare
from assistant.documents.names import (
    hidden_characters,
    hidden_name_warning,
    is_acceptable_name,
    safe_upload_name,
    shown_name,
)

RLO_NAME = "invoice\u202efdp.exe"  # reads as "invoiceexe.pdf"
ZERO_WIDTH_NAME = "re\u200bport\ufeff.pdf"


def test_a_right_to_left_override_is_warned_about_and_spelled_out() -> None:
    assert hidden_characters(RLO_NAME) == ("\u202e",)
    assert shown_name(RLO_NAME) == "invoice⟨U+202E⟩fdp.exe"
    warning = hidden_name_warning(RLO_NAME)
    assert warning is not None
    assert "“invoice⟨U+202E⟩fdp.exe”" in warning and "RIGHT-TO-LEFT OVERRIDE" in warning
    assert "direction" in warning and "\u202e" not in warning  # the warning itself cannot be reordered


def test_zero_width_characters_are_warned_about_and_spelled_out() -> None:
    assert hidden_characters(ZERO_WIDTH_NAME) == ("\u200b", "\ufeff")
    assert shown_name(ZERO_WIDTH_NAME) == "re⟨U+200B⟩port⟨U+FEFF⟩.pdf"
    warning = hidden_name_warning(ZERO_WIDTH_NAME)
    assert warning is not None and "ZERO WIDTH SPACE" in warning and "do not show" in warning


def test_the_name_sent_stays_the_real_one_and_ordinary_names_say_nothing() -> None:
    assert is_acceptable_name(RLO_NAME) and safe_upload_name(RLO_NAME) == RLO_NAME
    for plain in ("report.pdf", "Grüße aus Köln.txt", "報告書.docx", "تقرير.pdf", "a b-c_d (2).md"):
        assert hidden_characters(plain) == () and hidden_name_warning(plain) is None
        assert shown_name(plain) == plain


def test_a_prepared_file_with_a_hidden_character_in_its_name_carries_the_warning(tmp_path: Path) -> None:
    source = tmp_path / "notes\u202etxt.md"
    source.write_text("# Notes\n\nThe meeting moved to Thursday.\n", "utf-8")
    doc = prepare(source, cache_dir=tmp_path / "cache")
    assert doc.upload_name == source.name  # the real name is sent
    assert any("⟨U+202E⟩" in w and "RIGHT-TO-LEFT OVERRIDE" in w for w in doc.warnings)
    plain = tmp_path / "notes.md"
    plain.write_text("# Notes\n", "utf-8")
    assert not any("U+" in w for w in prepare(plain, cache_dir=tmp_path / "cache").warnings)
