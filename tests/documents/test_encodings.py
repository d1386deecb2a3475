"""Text in any encoding is read as what it says: UTF-8 with a few bad bytes stays UTF-8 (each bad byte
replaced, with a warning that says where), other encodings are found by a detector (charset-normalizer)
and uploaded converted to UTF-8, and short Western text is not mistaken for another script."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.documents import DocumentKind, PreparedDocument, prepare

from . import corpus

GREETING = "Grüße aus Köln!\nDie Straße am Dom ist schön, die Brücke auch.\n"


def text_of(doc: PreparedDocument) -> str:
    return doc.upload_path.read_text(encoding="utf-8")


def test_utf8_with_one_stray_byte_stays_utf8_with_a_replacement_and_a_warning(
    src: Path, cache_dir: Path
) -> None:
    path = src / "gruesse.txt"
    first, second = GREETING.encode().split(b"\n", 1)
    path.write_bytes(first + b"\n" + second.replace(b"am Dom", b"am \x96 Dom"))  # a cp1252 en dash
    doc = prepare(path, cache_dir=cache_dir)
    text = text_of(doc)
    assert text.startswith("Grüße aus Köln!\nDie Straße am \ufffd Dom ist schön, die Brücke auch.\n")
    assert "Ã" not in text
    assert doc.converted and doc.kind is DocumentKind.TEXT and doc.upload_name == "gruesse.txt"
    (warning,) = doc.warnings
    assert "1 byte" in warning and "not valid UTF-8" in warning and "line 2" in warning
    assert "\ufffd" in warning


def test_utf8_with_stray_bytes_far_past_the_head_is_still_utf8(src: Path, cache_dir: Path) -> None:
    path = src / "long.md"
    body = ("Überschrift und Inhalt, ganz normal.\n" * 4000).encode()
    path.write_bytes(body + b"tail \xff\xfe here\n" + "Schluss: süß.\n".encode())
    doc = prepare(path, cache_dir=cache_dir)
    text = text_of(doc)
    assert text.endswith("tail \ufffd\ufffd here\nSchluss: süß.\n\n")
    assert doc.kind is DocumentKind.MARKDOWN
    assert any("2 bytes" in w and "line 4001" in w for w in doc.warnings)


@pytest.mark.parametrize(
    ("encoding", "text", "label"),
    [
        (
            "shift_jis",
            "東京の天気は晴れです。明日は雨が降るでしょう。\n会議は午後三時に始まります。\n",
            "Shift-JIS",
        ),
        ("shift_jis", "def load():\n    # 設定ファイルを読み込む\n    return 1\n", "Shift-JIS"),
        ("cp1251", "Привет, как дела? Встреча в пятницу в полдень.\n", "Windows-1251"),
        ("cp1251", "Привет, как дела?\n", "Windows-1251"),
        ("cp1253", "Καλημέρα σας, η συνάντηση είναι την Παρασκευή.\n", "Windows-1253"),
        ("cp1250", "Zażółć gęślą jaźń. Wczoraj padał deszcz, a dziś świeci słońce.\n", "Windows-1250"),
        ("koi8_r", "Привет, как дела? Встреча в пятницу в полдень.\n", "KOI8-R"),
        ("gb18030", "今天天气很好，我们去公园散步吧。会议在下午三点开始。\n", "GB18030"),
        ("cp1252", GREETING, "Windows-1252"),
        ("cp1252", "Temperature today: 21°C in the shade, 30°C in the sun.\n", "Windows-1252"),
        ("cp1252", "Café “quoted” — 10 € déjà vu\n", "Windows-1252"),
        ("cp1252", "Ação, coração, não.\n", "Windows-1252"),
    ],
)
def test_text_in_other_encodings_is_read_as_written(
    src: Path, cache_dir: Path, encoding: str, text: str, label: str
) -> None:
    path = src / f"{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    doc = prepare(path, cache_dir=cache_dir)
    assert doc.kind is DocumentKind.TEXT and doc.converted
    assert text_of(doc).startswith(text)
    assert any(label in w and "converted to UTF-8" in w for w in doc.warnings), doc.warnings


def test_shift_jis_member_of_an_archive_is_read(src: Path, cache_dir: Path) -> None:
    path = src / "notes.zip"
    memo = "会議は午後三時に始まります。資料を忘れないでください。\n"
    path.write_bytes(corpus.zip_bytes({"memo.txt": memo.encode("shift_jis")}))
    doc = prepare(path, cache_dir=cache_dir)
    assert memo in text_of(doc)


def test_windows_1252_text_named_csv_keeps_its_kind(src: Path, cache_dir: Path) -> None:
    path = src / "prices.csv"
    path.write_bytes("item,price\nCrème brûlée,7 €\nGâteau,5 €\n".encode("cp1252"))
    doc = prepare(path, cache_dir=cache_dir)
    assert doc.kind is DocumentKind.CSV
    assert "Crème brûlée,7 €" in text_of(doc)


def test_archive_members_with_stray_bytes_are_named_in_a_warning(src: Path, cache_dir: Path) -> None:
    path = src / "letters.zip"
    path.write_bytes(corpus.zip_bytes({"a.txt": GREETING.encode() + b"\xff\n", "b.txt": b"plain\n"}))
    doc = prepare(path, cache_dir=cache_dir)
    assert GREETING + "\ufffd\n" in text_of(doc)
    assert any("a.txt (1)" in w and "not valid text" in w for w in doc.warnings), doc.warnings
