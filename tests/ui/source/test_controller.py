"""The source pane's controller on bad input and limits (issue 13): an encrypted or damaged PDF says so;
a page without a text layer is shown and said; cited text that no longer matches shows the page and says
the passage was not found; a file changed since the upload says the highlight may be off; a 2,000-page
PDF opens at its 1,000th page; a passage spanning two pages is highlighted on each."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter

from assistant.bridge import TaskRunner
from assistant.catalog import Citation, CitationKind, FileOrigin, FileRecord, FileState
from assistant.documents.hashing import sha256_file
from assistant.ui.chat.citing import CitedSource
from assistant.ui.source.controller import NO_TEXT, NOT_FOUND, Opened, SourceController
from assistant.ui.source.page_view import Fit
from assistant.ui.source.reading import ShownKind
from tests.helpers_pdf import write_pdf

FIT = Fit(600, 800)


def record(path: Path, mime: str = "application/pdf") -> FileRecord:
    info = path.stat()
    return FileRecord(
        1, "file_1", path.name, mime, info.st_size, None, str(path), datetime.now(UTC), None, None,
        FileState.ACTIVE, FileOrigin.APP, source_sha256=sha256_file(path), source_size=info.st_size,
        source_mtime=info.st_mtime, kept_path=str(path),
    )  # fmt: skip


def cited(rec: FileRecord, text: str, start: int, end: int) -> CitedSource:
    citation = Citation(CitationKind.PAGE, text, 0, rec.filename, rec.file_id, start, end)
    return CitedSource(rec, citation, 1, 1, (citation,))


def open_source(qtbot: Any, runner: TaskRunner, source: CitedSource) -> tuple[SourceController, Opened]:
    controller = SourceController(runner)
    with qtbot.waitSignal(controller.opened, timeout=20_000) as opened:
        controller.open(source, FIT)
    return controller, opened.args[0]


def test_an_encrypted_or_damaged_pdf_says_so(qtbot: Any, runner: TaskRunner, tmp_path: Path) -> None:
    plain = write_pdf(tmp_path / "plain.pdf", ["Secret numbers."])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt("pw")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as out:
        writer.write(out)
    _, opened = open_source(qtbot, runner, cited(record(locked), "Secret numbers.", 1, 2))
    assert (
        opened.error
        == "“locked.pdf” is password-protected, so it cannot be shown here. Try Open in system viewer."
    )
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(plain.read_bytes()[:200])
    _, opened = open_source(qtbot, runner, cited(record(damaged), "Secret numbers.", 1, 2))
    assert opened.error is not None and "“damaged.pdf” cannot be read (damaged, or not a PDF)" in opened.error


def test_no_text_layer_and_a_passage_not_found(qtbot: Any, runner: TaskRunner, tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "scan.pdf", [[], ["Real words on page two."]])
    _, opened = open_source(qtbot, runner, cited(record(pdf), "Anything", 1, 2))
    assert opened.page is not None and opened.page.index == 0 and not opened.page.image.isNull()
    assert opened.page.rects == () and opened.page.note == NO_TEXT
    _, opened = open_source(qtbot, runner, cited(record(pdf), "Words no longer in the file", 2, 3))
    assert opened.page is not None and opened.page.index == 1 and opened.page.note == NOT_FOUND


def test_a_file_changed_since_the_upload(qtbot: Any, runner: TaskRunner, tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "notes.pdf", ["Alpha beta gamma."])
    rec = record(pdf)
    write_pdf(pdf, ["Alpha beta gamma, and more since."])
    os.utime(pdf, (1, 1))
    _, opened = open_source(qtbot, runner, cited(rec, "Alpha beta gamma", 1, 2))
    assert opened.found.notes == ("notes.pdf has changed since it was uploaded: the highlight may be off.",)
    assert opened.page is not None and opened.page.rects


def test_a_passage_over_two_pages_and_a_long_pdf(qtbot: Any, runner: TaskRunner, tmp_path: Path) -> None:
    pdf = write_pdf(
        tmp_path / "two.pdf", [["Intro.", "The passage starts here"], ["and ends here.", "Other."]]
    )
    controller, opened = open_source(
        qtbot, runner, cited(record(pdf), "The passage starts here and ends here.", 1, 3)
    )
    assert opened.page is not None and opened.page.index == 0 and len(opened.page.rects) == 1
    with qtbot.waitSignal(controller.page_shown, timeout=20_000) as shown:
        controller.show_page(1, FIT)
    assert shown.args[0].index == 1 and len(shown.args[0].rects) == 1
    controller.close()

    long = write_pdf(tmp_path / "long.pdf", [[f"Page {n} of the long file."] for n in range(1, 2001)])
    controller, opened = open_source(
        qtbot, runner, cited(record(long), "Page 1000 of the long file.", 1000, 1001)
    )
    assert opened.found.kind is ShownKind.PDF
    assert opened.page is not None and (opened.page.index, opened.page.count) == (999, 2000)
    assert opened.page.rects
    controller.close()


def test_find_looks_through_the_whole_pdf_and_turns_to_the_page(
    qtbot: Any, runner: TaskRunner, tmp_path: Path
) -> None:
    pages = [["Opening remarks."], ["Nothing here either."], ["The boiler is serviced every October."]]
    pdf = write_pdf(tmp_path / "three.pdf", pages)
    controller, _opened = open_source(qtbot, runner, cited(record(pdf), "Opening remarks.", 1, 2))
    assert controller.page == 0
    shown: list[int] = []
    controller.page_shown.connect(lambda page: shown.append(page.index))
    with qtbot.waitSignal(controller.found, timeout=20_000) as found:
        controller.find("boiler", FIT)  # not on the page shown: on page 3
    rects, said = found.args
    assert rects and said == "1 place on page 3 of 3"
    assert controller.page == 2 and shown[-1] == 2, "the page it is on is shown first"
    with qtbot.waitSignal(controller.found, timeout=20_000) as again:
        controller.find("boiler", FIT)  # again: from the next page on, wrapping round to it
    assert again.args[1] == "1 place on page 3 of 3"
    with qtbot.waitSignal(controller.found, timeout=20_000) as missing:
        controller.find("lighthouse", FIT)
    assert missing.args == [(), "“lighthouse” is not in this document"]
    controller.close()
