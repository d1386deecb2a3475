"""How a text's bytes are encoded. A byte-order mark says so; UTF-8 is kept when it is valid, and also
when only a few bytes are not (each is replaced by U+FFFD, and the caller warns); anything else is
judged by charset-normalizer on a sample, with Windows-1252 preferred wherever the detector has no
better evidence (a short Western text looks like many single-byte code pages at once)."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import BinaryIO

CHUNK = 1 << 20
SAMPLE_BYTES = 256 * 1024  # what the detector sees: enough for a verdict, cheap to judge

# Bytes that do not decode become lone surrogates (U+DC00 + the byte), which no valid decoding yields:
# counted, and replaced where the text is written. UTF-8's bad bytes are all >= 0x80, which the fast
# "surrogateescape" handles; other codecs may reject ASCII bytes too (a UTF-16 text of odd length), so
# they use this handler, called only where a byte is bad.
BAD_BYTES = "assistant-bad-bytes"
_ENOUGH_BAD = 4096
BAD_BYTE = re.compile("[\udc00-\udcff]")


def _escape_bad_bytes(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "".join(chr(0xDC00 + b) for b in exc.object[exc.start : exc.end]), exc.end


codecs.register_error(BAD_BYTES, _escape_bad_bytes)

# The candidates the detector may choose from: the code pages text is still written in. DOS and Mac
# code pages are left out: on short samples they win ties with absurd readings ("Cafķ").
_SINGLE_BYTE = (
    "cp1252",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "cp1258",
    "koi8_r",
    "koi8_u",
    "cp874",
)
_MULTI_BYTE = ("cp932", "euc_jp", "gb18030", "big5", "cp949")
_CANDIDATES = [*_SINGLE_BYTE, *_MULTI_BYTE]

LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with a byte-order mark",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
    "latin-1": "latin-1",
    "cp1250": "Windows-1250 (Central European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp1253": "Windows-1253 (Greek)",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1255": "Windows-1255 (Hebrew)",
    "cp1256": "Windows-1256 (Arabic)",
    "cp1257": "Windows-1257 (Baltic)",
    "cp1258": "Windows-1258 (Vietnamese)",
    "koi8_r": "KOI8-R (Cyrillic)",
    "koi8_u": "KOI8-U (Cyrillic)",
    "cp874": "Windows-874 (Thai)",
    "cp932": "Shift-JIS (Japanese)",
    "euc_jp": "EUC-JP (Japanese)",
    "gb18030": "GB18030 (Chinese)",
    "big5": "Big5 (Chinese)",
    "cp949": "EUC-KR (Korean)",
}


@dataclass(frozen=True, slots=True)
class TextEncoding:
    """A Python codec and its name for people. `as_is`: valid UTF-8, uploaded byte for byte."""

    codec: str
    bad_bytes: int = 0  # bytes the detection pass found that do not decode (UTF-8 only)

    @property
    def label(self) -> str:
        return LABELS.get(self.codec, self.codec)

    @property
    def as_is(self) -> bool:
        return self.codec == "utf-8" and self.bad_bytes == 0


def choose_encoding(stream: BinaryIO) -> TextEncoding:
    """The encoding of a seekable text stream, read from its current position (to the end once, for
    UTF-8's verdict, then a sample). Leaves the stream anywhere: seek before reading it again."""
    start = stream.tell()
    head = stream.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return TextEncoding("utf-8-sig")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return TextEncoding("utf-16")
    stream.seek(start)
    bad, good = utf8_counts(stream)
    if mostly_utf8(bad, good):
        return TextEncoding("utf-8", bad)
    stream.seek(start)
    sample = stream.read(SAMPLE_BYTES)
    return TextEncoding(detect(sample, complete=len(sample) < SAMPLE_BYTES))


def utf8_counts(stream: BinaryIO) -> tuple[int, int]:
    """(bytes that are not UTF-8, well-formed non-ASCII characters) from here to the end, or until
    thousands of bad bytes show that this is not UTF-8 with a few stray bytes."""
    decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")  # in C: no call per bad byte
    bad = good = 0
    final = False
    while not final and (bad <= _ENOUGH_BAD or mostly_utf8(bad, good)):
        chunk = stream.read(CHUNK)
        final = not chunk
        if chunk.isascii() and not decoder.getstate()[0]:
            continue
        wrong, right = _counts(decoder.decode(chunk, final=final))
        bad += wrong
        good += right
    return bad, good


def sample_utf8_counts(sample: bytes, *, complete: bool) -> tuple[int, int]:
    """`utf8_counts` of a sample; when it is not `complete`, a character cut off at its end is not bad."""
    return _counts(codecs.getincrementaldecoder("utf-8")("surrogateescape").decode(sample, final=complete))


def _counts(text: str) -> tuple[int, int]:
    wrong = len(BAD_BYTE.findall(text))
    return wrong, len(text) - len(text.encode("ascii", "ignore")) - wrong


def mostly_utf8(bad: int, good: int) -> bool:
    """Valid UTF-8, or UTF-8 with a few stray bytes: well-formed multi-byte characters outnumber the
    bad bytes two to one. (Text in a single-byte code page has almost no well-formed sequences.)"""
    return bad == 0 or good >= 2 * bad


def looks_like_text(sample: bytes, *, complete: bool) -> bool:
    """Whether a sample that is not UTF-8 reads as text in the encoding `detect` picks."""
    codec = detect(sample, complete=complete)
    text = _trimmed(sample, complete).decode(codec, "replace")
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\t\r\n\f")
    return printable >= 0.9 * len(text)


def detect(sample: bytes, *, complete: bool) -> str:
    """The codec for a sample that is not UTF-8. `complete`: the sample is the whole text (else it may
    end inside a character, and is cut at its last line break first)."""
    from charset_normalizer import from_bytes

    sample = _trimmed(sample, complete)
    fallback = "cp1252" if _decodes(sample, "cp1252") else "latin-1"
    matches = list(from_bytes(sample, cp_isolation=_CANDIDATES))
    # Whether Windows-1252 reads it plausibly at all (the detector drops readings it finds a mess), and
    # how well, by the detector's language measure.
    western = [m.coherence for m in matches if "cp1252" in m.could_be_from_charset]
    for match in matches:
        codec = match.encoding
        if "cp1252" in match.could_be_from_charset:
            return "cp1252"  # reads the same as Windows-1252, or is it
        if codec in _MULTI_BYTE and _pairs_of_high_bytes(sample, codec):
            return codec
        if codec in _SINGLE_BYTE and (
            match.coherence > max(western) + 0.1
            if western
            else match.coherence > 0.1 or fallback != "cp1252" or _mostly_high_letters(sample)
        ):
            return codec
    return fallback


def _trimmed(sample: bytes, complete: bool) -> bytes:
    if complete:
        return sample
    cut = sample.rfind(b"\n")
    return sample[: cut + 1] if cut >= len(sample) // 2 else sample.rstrip(bytes(range(0x80, 0x100)))


def _decodes(sample: bytes, codec: str) -> bool:
    try:
        sample.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _mostly_high_letters(sample: bytes) -> bool:
    """Most letters of the Windows-1252 reading are not ASCII ("Ïðèâåò" for "Привет"): unlike any
    Western text, where even a short Portuguese "Ação, coração" has fewer than half."""
    letters = [ch for ch in sample.decode("cp1252", "replace") if ch.isalpha()]
    return sum(1 for ch in letters if ord(ch) >= 0x80) >= 0.5 * max(len(letters), 1)


def _pairs_of_high_bytes(sample: bytes, codec: str) -> bool:
    """A multi-byte reading is believed when most high bytes pair up into characters of two high bytes,
    as in Japanese, Chinese or Korean text; a Western "21°C" read as Big5 pairs "°" with an ASCII "C"."""
    text = sample[:16384].decode(codec, "ignore")
    high = paired = chars = 0
    for ch in text:
        if ord(ch) < 0x80:
            continue
        encoded = ch.encode(codec, "ignore")
        high += sum(1 for b in encoded if b >= 0x80)
        if len(encoded) >= 2 and all(b >= 0x80 for b in encoded):
            paired += len(encoded)
            chars += 1
    return chars >= 2 and paired >= 0.5 * high
