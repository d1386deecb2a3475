"""UI tests: every test here runs with the QApplication (timers need an event dispatcher)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _qapp(qapp):
    return qapp
