"""UI tests: every test here runs with the QApplication (timers need an event dispatcher), and windows
built on the sandbox are shut down at the end (``windows``; tests/support.py's ``Windows``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support import Windows


@pytest.fixture(autouse=True)
def _qapp(qapp):
    return qapp


@pytest.fixture
def windows(qtbot) -> Iterator[Windows]:
    built = Windows()
    yield built
    built.close_all()
