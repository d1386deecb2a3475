"""About, and a non-blocking notice for routine messages (no modal ``exec()`` for routine errors)."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from assistant import APP_NAME, __version__
from assistant.api.pricing import load_prices
from assistant.settings import Paths

__all__ = ["show_about", "show_notice"]


def show_about(parent: QWidget, paths: Paths) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName("aboutDialog")
    box.setWindowTitle(f"About {APP_NAME}")
    box.setIcon(QMessageBox.Icon.Information)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(
        f"<h3>{APP_NAME} {__version__}</h3>"
        "<p>Ask Claude about your documents. Files are uploaded once through the Anthropic Files API "
        "and listed with the time left until they expire.</p>"
        "<p>The API key is kept in your system keyring, never in a file.</p>"
        f"<p><small>Data: {paths.data}<br>Settings: {paths.config}<br>Logs: {paths.logs}<br>"
        f"Prices: {html.escape(load_prices().label)} (assistant/api/prices.json)</small></p>"
    )
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.open()
    return box


def show_notice(parent: QWidget, title: str, text: str, *, warning: bool = False) -> QMessageBox:
    """A message that does not block: the window keeps working while it is open."""
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setText(text)
    box.setIcon(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information)
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.show()
    return box


def choose_paths(
    parent: QWidget, chosen: Callable[[list[Path]], object], *, folder: bool, directory: Path | None = None
) -> QFileDialog:
    """The Upload… (files) or Upload folder… dialog, non-modal, opening in ``directory``; ``chosen``
    gets what was picked."""
    where = str(directory) if directory is not None else ""
    if folder:
        dialog = QFileDialog(parent, "Upload a folder (and everything in it)", where)
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(lambda name: chosen([Path(name)]))
    else:
        dialog = QFileDialog(parent, "Upload files", where)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.filesSelected.connect(lambda names: chosen([Path(n) for n in names]))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def app_icon() -> QIcon:
    from assistant.resources import assets_dir

    path = assets_dir() / "icons" / "document-assistant.svg"
    return QIcon(str(path)) if path.exists() else QIcon()
