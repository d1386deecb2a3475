"""UI tests: every test here runs with the QApplication (timers need an event dispatcher), and windows
built on the sandbox are shut down at the end (``windows``; tests/support.py's ``Windows``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support import Windows


@pytest.fixture(autouse=True)
def _qapp(qapp):
    return qapp


@pytest.fixture(autouse=True)
def _no_held_keys(qapp) -> Iterator[None]:
    """Lets go of the modifier keys after each test. ``QTest.keyClick(w, key, Ctrl|Shift)`` releases the
    key but leaves Qt believing Shift is still held, and the next test's ``selectRow`` then extends a
    selection instead of making one."""
    yield
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QWidget

    held = QGuiApplication.keyboardModifiers()
    if held == Qt.KeyboardModifier.NoModifier:
        return
    target = QWidget()
    for key, modifier in (
        (Qt.Key.Key_Shift, Qt.KeyboardModifier.ShiftModifier),
        (Qt.Key.Key_Control, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_Alt, Qt.KeyboardModifier.AltModifier),
        (Qt.Key.Key_Meta, Qt.KeyboardModifier.MetaModifier),
    ):
        if held & modifier:
            held &= ~modifier
            QTest.keyRelease(target, key, held)
    target.deleteLater()


@pytest.fixture
def windows(qtbot) -> Iterator[Windows]:
    built = Windows()
    yield built
    built.close_all()
