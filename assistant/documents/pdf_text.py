"""A PDF sent as text: its text page by page, the table of where each page starts, and what each way
costs per question.

An API PDF document is billed per page as an image plus its text (about 3x the tokens of the text alone
for a text page). Sent as text/plain, only the text is billed; the page starts (character offsets into
the uploaded text, 0-based, one per page) turn an answer's ``char_location`` citations back into page
numbers (``page_of``). Scanned pages and figures have no text: sent as text, Claude does not see them.

The token figures are estimates made on this computer, before anything is uploaded: about 4 characters
a token for text, and each page as an image the way the API's vision pricing computes it (the page
rendered with its long edge at 1,568 px, within ~1.15 megapixels, then width x height / 750).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .conversion import convert_cached
from .errors import DocumentError
from .model import PdfTokenFigures
from .pdf import _corrupt, _reader
from .sink import TextSink

__all__ = [
    "PAGE_BREAK",
    "PdfPages",
    "PdfTokenFigures",
    "page_of",
    "page_range",
    "pdf_figures",
    "pdf_to_text",
]

PAGE_BREAK = "\n\n"  # written after each page's text
CHARS_PER_TOKEN = 4  # the estimate of text tokens
IMAGE_LONG_EDGE = 1568
IMAGE_MAX_PIXELS = 1_150_000
IMAGE_MAX_TOKENS = 1_600
FIGURES_SAMPLE = 40  # pages read to estimate a PDF's tokens without converting it


@dataclass(frozen=True, slots=True)
class PdfPages:
    """A PDF converted to text: the text file, where each page starts in it, and the figures."""

    path: Path
    page_starts: tuple[int, ...]
    figures: PdfTokenFigures
    warnings: tuple[str, ...]


def page_image_tokens(width: float, height: float) -> int:
    """Tokens of a page read as an image (see the module docstring)."""
    if width <= 0 or height <= 0:
        return IMAGE_MAX_TOKENS
    scale = IMAGE_LONG_EDGE / max(width, height)
    pixels = min(width * scale * height * scale, IMAGE_MAX_PIXELS)
    return max(1, min(IMAGE_MAX_TOKENS, math.ceil(pixels / 750)))


def text_tokens(text: str) -> int:
    return math.ceil(len(text.strip()) / CHARS_PER_TOKEN)


def _pages(
    path: Path, name: str, check: Callable[[], None], *, sample: int | None = None
) -> tuple[list[str], list[tuple[float, float]], int]:
    """Each page's text (stripped) and size in points, and the page count; with ``sample``, only that
    many pages spread over the document."""
    texts: list[str] = []
    sizes: list[tuple[float, float]] = []
    with path.open("rb") as stream, _reader(stream, name) as reader:
        try:
            count = len(reader.pages)
            if sample is None or count <= sample:
                indices: Sequence[int] = range(count)
            else:
                indices = sorted({int(i * count / sample) for i in range(sample)})
            for index in indices:
                page = reader.pages[index]
                check()
                texts.append((page.extract_text() or "").strip())
                sizes.append((float(page.mediabox.width), float(page.mediabox.height)))
        except DocumentError:
            raise
        except Exception as exc:  # pypdf raises many kinds on damage
            raise _corrupt(name) from exc
    return texts, sizes, count


def _figures(texts: Sequence[str], sizes: Sequence[tuple[float, float]], count: int) -> PdfTokenFigures:
    """Both ways' tokens; from a sample of pages, scaled to all ``count`` (empty pages: those sampled)."""
    scale = count / len(texts) if texts else 1.0
    as_text = round(sum(text_tokens(t) for t in texts) * scale)
    images = round(sum(page_image_tokens(w, h) for w, h in sizes) * scale)
    empty = tuple(n for n, t in enumerate(texts, start=1) if not t) if len(texts) == count else ()
    if len(texts) != count and any(not t for t in texts):
        empty = (0,)  # some sampled pages have no text; which ones is not known
    return PdfTokenFigures(count, as_text + images, as_text, empty)


def pdf_figures(path: Path, *, name: str, should_stop: Callable[[], bool] | None = None) -> PdfTokenFigures:
    """Both ways' tokens per question for the PDF at ``path``, from the text of at most
    ``FIGURES_SAMPLE`` pages spread over it (blocking)."""

    def check() -> None:
        if should_stop is not None and should_stop():
            from .sink import cancelled

            raise cancelled(name)

    texts, sizes, count = _pages(path, name, check, sample=FIGURES_SAMPLE)
    return _figures(texts, sizes, count)


def empty_pages_warning(empty: Sequence[int], pages: int) -> str | None:
    if not empty:
        return None
    if empty == (0,):
        return (
            "Sent as text, some of its pages have no text (scans or figures?): Claude does not see them. "
            "Send it as a PDF to keep them."
        )
    listed = ", ".join(str(n) for n in empty[:10]) + (" …" if len(empty) > 10 else "")
    what = "all its pages" if len(empty) == pages else f"{len(empty)} of its {pages} pages ({listed})"
    return (
        f"Sent as text, {what} have no text (scans or figures?): Claude does not see them. "
        "Send it as a PDF to keep them."
    )


def pdf_to_text(
    path: Path,
    *,
    name: str,
    sha256: str,
    cache_dir: Path,
    limit: int,
    should_stop: Callable[[], bool] | None,
) -> PdfPages:
    """The PDF's text page by page into ``cache_dir`` (reused when there), with its page starts."""
    found: dict[str, object] = {}

    def convert(sink: TextSink) -> tuple[str, ...]:
        texts, sizes, count = _pages(path, name, sink.check)
        starts: list[int] = []
        offset = 0
        for text in texts:
            starts.append(offset)
            sink.content(text + PAGE_BREAK)
            offset += len(text) + len(PAGE_BREAK)
        figures = _figures(texts, sizes, count)
        found["page_starts"] = starts
        found["figures"] = figures.to_json()
        warning = empty_pages_warning(figures.empty_pages, figures.pages)
        return () if warning is None else (warning,)

    target, warnings = convert_cached(
        sha256,
        cache_dir,
        convert,
        limit=limit,
        name=name,
        should_stop=should_stop,
        variant="pages",
        extra=found,
    )
    starts = found.get("page_starts")
    figures = found.get("figures")
    if not isinstance(starts, list) or not isinstance(figures, dict):  # a cache from before: read again
        for stale in (target, target.with_suffix(".json")):
            stale.unlink(missing_ok=True)
        return pdf_to_text(
            path, name=name, sha256=sha256, cache_dir=cache_dir, limit=limit, should_stop=should_stop
        )
    return PdfPages(target, tuple(int(s) for s in starts), PdfTokenFigures.from_json(figures), warnings)


def page_of(page_starts: Sequence[int], char_index: int) -> int:
    """The 1-based page that character ``char_index`` of the text is on."""
    return max(1, bisect_right(page_starts, max(0, char_index)))


def page_range(page_starts: Sequence[int], start: int, end: int) -> tuple[int, int]:
    """A character range [start, end) as pages: (first page, last page + 1), 1-based, end exclusive
    (as ``CitationKind.PAGE`` counts them)."""
    first = page_of(page_starts, start)
    last = page_of(page_starts, max(start, end - 1))
    return first, last + 1
