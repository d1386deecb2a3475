"""``SourceController``: opens a cited source in workers and says what to show (never a widget).

``open(CitedSource, Fit)`` finds the copy to show and what has become of the local file, then for a PDF
opens it, finds the passage's character boxes on the cited pages and renders the first page with them;
for a text the text with the passage's range; for an image the image. One result reaches the pane
(``opened``); later pages, zooms and finds are more workers (``page_shown``, ``found``). Each request
has a generation: a result of an older request is dropped, so fast clicking shows the last citation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from assistant.api.errors import ApiFailure, CancelToken
from assistant.bridge import Task, TaskRunner
from assistant.catalog import CitationKind
from assistant.catalog.identity import known_name
from assistant.ui.chat.citing import CitedSource
from assistant.ui.source.page_view import Fit
from assistant.ui.source.reading import (
    Found,
    PdfDoc,
    PdfPassage,
    Rect,
    ShownKind,
    TextPassage,
    find_on_page,
    find_source,
    locate_in_pdf,
    open_pdf,
    read_image,
    read_text,
    render_page,
)

__all__ = ["Opened", "PageShown", "SourceController"]

T = TypeVar("T")

NOT_FOUND = "The cited passage was not found on this page: the file may differ from what was uploaded."
NO_TEXT = "This page has no text layer (a scan?), so the passage cannot be highlighted."


@dataclass(frozen=True)
class PageShown:
    """A PDF page rendered, with the passage's boxes on it (page points)."""

    index: int  # 0-based
    count: int
    image: QImage
    size: tuple[float, float]
    scale: float
    rects: tuple[Rect, ...]
    note: str | None = None  # the passage not found on a cited page, no text layer


@dataclass(frozen=True)
class Opened:
    """What the pane shows for a cited source."""

    cited: CitedSource
    found: Found
    page: PageShown | None = None
    text: TextPassage | None = None
    image: QImage | None = None
    error: str | None = None  # the file could not be read (why, and what to do)
    pdf: PdfDoc | None = None
    passage: PdfPassage | None = None  # a PDF's passage on each cited page


class SourceController(QObject):
    opened = Signal(object)  # Opened
    page_shown = Signal(object)  # PageShown (another page, or the same one sharper)
    found = Signal(object, str)  # (boxes on the page shown, what to say)
    cite_requested = Signal(int, int)  # (turn id, citation number): show another of the answer's

    def __init__(self, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._generation = 0
        self._tasks: list[Task[Any]] = []
        self.current: Opened | None = None
        self._pdf: PdfDoc | None = None
        self._passage = PdfPassage()
        self._cited_pages: range = range(0)
        self.page = 0  # the page shown (0-based)
        self._find_last, self._find_page = "", -1  # the last text looked for, and the page it was on
        self._found_on: tuple[int, tuple[Rect, ...], str] | None = None

    # ------------------------------------------------------------------------------------ opening

    def open(self, cited: CitedSource, fit: Fit) -> None:
        """Show ``cited``; ``opened`` carries what to show."""
        generation = self._next()
        reuse = self._pdf
        record, citation = cited.record, cited.citation

        def work(_token: CancelToken) -> Opened:
            if record is None:
                note = "The cited document is no longer in the catalog. The cited text from the answer:"
                return Opened(cited, Found(ShownKind.NONE, None, (note,)))
            found = find_source(record)
            name = known_name(record)  # messages name the file the person knows, never a kept copy
            try:
                if found.kind is ShownKind.PDF and found.path is not None:
                    pdf = (
                        reuse
                        if reuse is not None and reuse.path == found.path
                        else open_pdf(found.path, name)
                    )
                    return self._open_pdf(cited, found, pdf, fit)
                if found.kind is ShownKind.TEXT and found.path is not None:
                    text = read_text(
                        found.path, citation.cited_text, citation.kind, citation.start, found.converted
                    )
                    return Opened(cited, found, text=text)
                if found.kind is ShownKind.IMAGE and found.path is not None:
                    return Opened(cited, found, image=read_image(found.path, name))
            except ApiFailure as failure:
                return Opened(cited, found, error=failure.message)
            except OSError as exc:
                return Opened(cited, found, error=f"“{name}” cannot be read: {exc.strerror or exc}.")
            return Opened(cited, found)

        self._start(work, lambda result: self._opened(generation, result))

    @staticmethod
    def _open_pdf(cited: CitedSource, found: Found, pdf: PdfDoc, fit: Fit) -> Opened:
        citation = cited.citation
        if citation.kind is CitationKind.PAGE:
            first, last = citation.start - 1, max(citation.start, citation.end - 1) - 1
        else:
            first, last = 0, 0
        first = min(max(first, 0), pdf.count - 1)
        passage = locate_in_pdf(pdf, citation.cited_text, first, last)
        index = min(passage.rects) if passage.rects else first
        image, size, scale = render_page(pdf, index, fit.scale)
        rects = passage.rects.get(index, ())
        note = None if passage.found else NOT_FOUND if passage.text_layer else NO_TEXT
        page = PageShown(index, pdf.count, image, size, scale, rects, note)
        return Opened(cited, found, page=page, pdf=pdf, passage=passage)

    def _opened(self, generation: int, result: Opened) -> None:
        if generation != self._generation:
            if result.pdf is not None and result.pdf is not self._pdf:
                self._close_later(result.pdf)
            return
        if result.pdf is not self._pdf and self._pdf is not None:
            self._close_later(self._pdf)
        self._pdf = result.pdf
        self.current = result
        if result.page is not None:
            self.page = result.page.index
            citation = result.cited.citation
            last = max(citation.start, citation.end - 1) if citation.kind is CitationKind.PAGE else 1
            self._cited_pages = range(citation.start - 1, last)
        self._passage = result.passage or PdfPassage()
        self.opened.emit(result)

    # -------------------------------------------------------------------------------- PDF pages

    @property
    def page_count(self) -> int:
        return self._pdf.count if self._pdf is not None else 0

    def show_page(self, index: int, fit: Fit) -> None:
        """Page ``index`` (0-based), with the passage's boxes where it continues onto that page."""
        pdf, current = self._pdf, self.current
        if pdf is None or current is None or not 0 <= index < pdf.count:
            return
        generation = self._next()
        rects = self._passage.rects.get(index, ())
        first = current.page
        note = first.note if first is not None and index in self._cited_pages else None

        def work(_token: CancelToken) -> PageShown:
            image, size, scale = render_page(pdf, index, fit.scale)
            return PageShown(index, pdf.count, image, size, scale, rects, note)

        def done(shown: PageShown) -> None:
            if generation == self._generation:
                self.page = shown.index
                self.page_shown.emit(shown)
                found, self._found_on = self._found_on, None
                if found is not None and found[0] == shown.index:
                    self.found.emit(found[1], found[2])

        self._start(work, done)

    def find(self, text: str, fit: Fit) -> None:
        """Look for ``text`` in the whole PDF (in a worker), from the page shown on, wrapping at the end;
        asked again for the same text, from the next page on. The page it is on is shown, then
        ``found(boxes, what to say)``."""
        pdf = self._pdf
        if pdf is None or not text.strip():
            self._find_last = ""
            self.found.emit((), "")
            return
        again = text == self._find_last and self._find_page == self.page
        start = (self.page + 1) % pdf.count if again else self.page
        self._find_last, generation = text, self._generation

        def work(token: CancelToken) -> tuple[int, tuple[Rect, ...]]:
            for offset in range(pdf.count):
                token.raise_if_cancelled()
                index = (start + offset) % pdf.count
                rects = find_on_page(pdf, index, text)
                if rects:
                    return index, rects
            return -1, ()

        def done(result: tuple[int, tuple[Rect, ...]]) -> None:
            index, rects = result
            if generation != self._generation:
                return  # another document, or another page asked for meanwhile
            self._find_page = index
            if index < 0:
                self.found.emit((), f"“{text}” is not in this document")
                return
            n = len(rects)
            said = f"{n} place{'s' if n != 1 else ''} on page {index + 1} of {pdf.count}"
            if index == self.page:
                self.found.emit(rects, said)
            else:
                self._found_on = (index, rects, said)  # shown once the page is there
                self.show_page(index, fit)

        self._start(work, done)

    # ------------------------------------------------------------------------------- stepping

    def step(self, delta: int) -> None:
        """The answer's next (``delta`` 1) or previous (-1) citation."""
        if self.current is None:
            return
        cited = self.current.cited
        number = cited.number + delta
        if 1 <= number <= len(cited.citations):
            self.cite_requested.emit(cited.turn_id, number)

    # ------------------------------------------------------------------------------------ tasks

    def _next(self) -> int:
        self._generation += 1
        return self._generation

    def _start(self, work: Callable[[CancelToken], T], on_result: Callable[[T], object]) -> None:
        self._tasks = [t for t in self._tasks if t.is_running]
        task: Task[Any] = self._runner.run(work, on_result=on_result, name="source pane")
        self._tasks.append(task)

    def _close_later(self, pdf: PdfDoc) -> None:
        self._runner.run(lambda _t: pdf.close(), name="close PDF")

    def close(self) -> None:
        """No more results; the open PDF is closed."""
        self._generation += 1
        for task in self._tasks:
            task.cancel()
        if self._pdf is not None:
            pdf, self._pdf = self._pdf, None
            try:  # in a worker: PDFium's lock may be held by a render still running
                self._close_later(pdf)
            except RuntimeError:  # the runner has shut down (the app is quitting): no render is left
                pdf.close()
