"""``ReviewPicker`` (``reviewPicker``): the reviews in the catalog, newest first; choosing one shows it.
A review is named by its title, its size and the day it was last changed."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from assistant.review import Review

__all__ = ["ReviewPicker"]


def review_label(review: Review) -> str:
    files, questions = len(review.file_ids), len(review.questions)
    return (
        f"{review.title} — {files} file{'s' if files != 1 else ''} × {questions} "
        f"question{'s' if questions != 1 else ''} ({review.updated_at.astimezone():%d %b %H:%M})"
    )


class ReviewPicker(QComboBox):
    chosen = Signal(int)  # review id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPicker")
        self.setAccessibleName("Review shown")
        self.setToolTip("Reviews kept in the catalog: choose one to show it")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(14)
        self.activated.connect(self._activated)

    def fill(self, reviews: list[Review], current: int | None) -> None:
        self.blockSignals(True)
        self.clear()
        for review in reviews:
            self.addItem(review_label(review), review.id)
        index = self.findData(current) if current is not None else -1
        self.setCurrentIndex(index)
        self.blockSignals(False)
        self.setVisible(len(reviews) > 1)

    def _activated(self, index: int) -> None:
        review_id = self.itemData(index)
        if isinstance(review_id, int):
            self.chosen.emit(review_id)
