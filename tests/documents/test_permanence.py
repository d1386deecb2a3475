"""Which failures a retry cannot fix (issue 10, item 9): the UI offers Retry only for the others."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.api.errors import ApiFailure, FailureKind
from assistant.documents import DocumentError, DocumentErrorKind, prepare


def failure(path: Path, cache_dir: Path) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        prepare(path, cache_dir=cache_dir)
    return info.value


def test_a_file_that_cannot_work_as_it_is_is_permanent_and_a_passing_trouble_is_not(
    src: Path, cache_dir: Path
) -> None:
    empty = src / "empty.txt"
    empty.write_bytes(b"")
    binary = src / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 64)
    for path, kind in ((empty, DocumentErrorKind.EMPTY), (binary, DocumentErrorKind.UNSUPPORTED)):
        error = failure(path, cache_dir)
        assert (error.kind, error.permanent) == (kind, True)
    gone = failure(src / "moved-away.txt", cache_dir)
    assert (gone.kind, gone.permanent) == (DocumentErrorKind.NOT_FOUND, False), "it may come back"
    assert not DocumentErrorKind.WRITE_FAILED.permanent, "a full disk gets space again"
    assert DocumentErrorKind.ENCRYPTED_PDF.permanent and DocumentErrorKind.TOO_LARGE.permanent


def test_only_a_file_over_the_apis_limit_is_a_permanent_api_failure() -> None:
    assert ApiFailure(FailureKind.FILE_TOO_LARGE, "too big").permanent
    assert not ApiFailure(FailureKind.NETWORK, "cut").permanent
    assert ApiFailure(FailureKind.LOCAL, "empty", permanent=True).permanent
