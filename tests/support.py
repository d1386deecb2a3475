"""What several test folders share, in one place: the sandbox's key and clock, the report text, a
private in-memory keyring, drops onto a widget, and building a window on the sandbox.

Fixtures that use these live in the conftest of the folders that need them (``tests/conftest.py``
when several folders do). Import this module as ``tests.support``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from keyring.backend import KeyringBackend

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from assistant.secrets import KeyStore
    from assistant.ui.main_window import MainWindow

__all__ = [
    "REPORT_TEXT",
    "SANDBOX_KEY",
    "MemoryKeyring",
    "SandboxClock",
    "Windows",
    "drop",
    "sandbox_keys",
    "sandbox_now",
]

SANDBOX_KEY = "sk-ant-sandbox-test-0000"

REPORT_TEXT = "\n\n".join(
    [
        "The Harbour Lighthouse Report. This report describes the restoration of the old harbour "
        "lighthouse between 2019 and 2024, its budget, its keepers, and the lamp that was installed in "
        "the lantern room.",
        "Budget. The restoration cost 2.4 million euros in total. The town council paid 1.1 million euros, "
        "the maritime heritage fund paid 900,000 euros, and private donors gave the remaining 400,000 euros.",
        "The lamp. A rotating LED lamp replaced the paraffin burner in March 2023. Its beam reaches "
        "twenty-two nautical miles and it flashes white every six seconds.",
        "Keepers. The last resident keeper, Marta Quint, left the lighthouse in 1987. Since then the light "
        "has been automatic and volunteers open the tower to visitors on summer weekends.",
    ]
    + [
        f"Appendix section {i}. Maintenance log entry {i}: the stairs, railings, windows and the copper dome "
        f"were inspected; paint was renewed on floor {i % 7}; the weather station recorded wind, rain and "
        "salt spray; no structural damage was found and the volunteers cleaned the lantern glass."
        for i in range(1, 60)
    ]
)


# -- the sandbox's clock -------------------------------------------------------------------------------
def sandbox_now(sandbox: Any) -> datetime:
    """The sandbox's time (it can be moved: ``sandbox.clock``) as an aware UTC datetime."""
    return datetime.fromtimestamp(sandbox.clock.now(), UTC)


class SandboxClock:
    """The app's clock, moved together with the sandbox's."""

    def __init__(self, sandbox: Any) -> None:
        self.sandbox = sandbox

    def __call__(self) -> datetime:
        return sandbox_now(self.sandbox)


# -- keys ------------------------------------------------------------------------------------------------
class MemoryKeyring(KeyringBackend):
    """A keyring that lives in this object only (never the developer's own)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


def sandbox_keys(keyring: KeyringBackend | None = None, *, with_key: bool = True) -> KeyStore:
    """A key store that has the sandbox's key in its environment (or none), on a private keyring."""
    from assistant.secrets import KeyStore

    environ = {"ANTHROPIC_API_KEY": SANDBOX_KEY} if with_key else {}
    return KeyStore(environ=environ, backend=keyring if keyring is not None else MemoryKeyring())


# -- windows ---------------------------------------------------------------------------------------------
class Windows:
    """Builds windows the way the app does (``build_main_window``) and shuts each one down at the end.

    ``build(key_store, data_dir, *extra, sandbox=, clock=)``: ``sandbox`` adds ``--base-url`` (None:
    offline); ``clock`` is the app's clock (a ``SandboxClock``, say). ``close_all()`` closes the window
    in use (after a switch, the new one) and shuts every composition root down.
    """

    def __init__(self) -> None:
        self._roots: list[Any] = []

    def build(
        self,
        key_store: KeyStore,
        data_dir: Path,
        *extra: str,
        sandbox: Any = None,
        clock: Any = None,
    ) -> MainWindow:
        from assistant.app import build_main_window

        argv = ["--data-dir", str(data_dir)]
        if sandbox is not None:
            argv += ["--base-url", sandbox.base_url]
        options: dict[str, Any] = {"key_store": key_store}
        if clock is not None:
            options["clock"] = clock
        window = build_main_window([*argv, *extra], **options)
        self._roots.append(window.composition)
        return window

    def close_all(self) -> None:
        for root in self._roots:
            if root.window is not None:
                root.window.close()
            root.shutdown()
        self._roots.clear()


# -- drops -----------------------------------------------------------------------------------------------
def drop(widget: QWidget, paths: Iterable[Path]) -> None:
    """Drag local files onto ``widget`` and drop them, as a file manager would."""
    import PySide6
    from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    center = widget.rect().center()
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    # PySide6 6.12 takes a QPointF (the QPoint form is deprecated there); 6.11 only a QPoint
    point = QPointF(center) if PySide6.__version_info__ >= (6, 12) else QPoint(center)
    enter = QDragEnterEvent(point, *args)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted(), "the window refused the drag"
    event = QDropEvent(
        QPointF(center),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)
    assert event.isAccepted(), "the window refused the drop"
