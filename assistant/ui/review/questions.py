"""``QuestionEditor``: the review's questions, written, typed, edited, reordered, removed, and saved or
loaded as a named set. A widget only: it shows the review's questions as the catalog holds them
(``set_questions``) and says what the person asked for through signals (the controller writes the
catalog in a worker and hands the result back).

Stable names: ``reviewQuestionEdit`` (the text of a new question), ``reviewAnswerType``,
``reviewCategoriesEdit`` (the categories, shown for the category type), ``addQuestionButton``,
``reviewQuestionList``, ``reviewSetName`` (the set to save or load: an editable list of saved sets).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assistant.review import AnswerType, Question, QuestionSpec

__all__ = ["QuestionEditor"]


def _tool(text: str, tip: str, name: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setAccessibleName(tip)
    button.setObjectName(name)
    return button


def parse_categories(text: str) -> tuple[str, ...]:
    """ "a, b; c" -> ("a", "b", "c"): commas or semicolons, blanks and repeats dropped."""
    seen: dict[str, None] = {}
    for part in text.replace(";", ",").split(","):
        word = part.strip()
        if word and word.casefold() not in {k.casefold() for k in seen}:
            seen[word] = None
    return tuple(seen)


class QuestionEditor(QWidget):
    add_requested = Signal(object)  # QuestionSpec
    update_requested = Signal(int, object)  # (question id, QuestionSpec)
    move_requested = Signal(int, int)  # (question id, its new place, 0-based)
    remove_requested = Signal(int)  # question id
    save_set_requested = Signal(str)  # name: the review's questions as they are
    load_set_requested = Signal(str)
    said = Signal(str)  # what is wrong with what was typed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewQuestions")
        self._questions: list[Question] = []
        self._editing: int | None = None  # the id of the question being edited, or None for a new one
        self._build()

    # ------------------------------------------------------------------------------------- build
    def _build(self) -> None:
        self.edit = QLineEdit()
        self.edit.setObjectName("reviewQuestionEdit")
        self.edit.setPlaceholderText("A question for every file, e.g. What is the notice period?")
        self.edit.setAccessibleName("New question")
        self.edit.returnPressed.connect(self.add_typed)
        self.kind = QComboBox()
        self.kind.setObjectName("reviewAnswerType")
        self.kind.setAccessibleName("Answer type")
        for kind in AnswerType:
            self.kind.addItem(kind.label, kind.value)  # Qt keeps a StrEnum as its str
        self.kind.currentIndexChanged.connect(self._kind_changed)
        # a narrow window (an 800 px screen) may cut the longest type's name; the list shows it whole
        self.kind.setMinimumContentsLength(10)
        self.kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.categories = QLineEdit()
        self.categories.setObjectName("reviewCategoriesEdit")
        self.categories.setPlaceholderText("Categories, separated by commas")
        self.categories.setAccessibleName("Categories")
        self.categories.returnPressed.connect(self.add_typed)
        self.categories.hide()
        self.add_button = QPushButton("Add question")
        self.add_button.setObjectName("addQuestionButton")
        self.add_button.clicked.connect(self.add_typed)
        self.cancel_edit = _tool("Cancel", "Stop editing this question", "reviewCancelEditButton")
        self.cancel_edit.clicked.connect(self._stop_editing)
        self.cancel_edit.hide()
        row = QHBoxLayout()
        row.addWidget(self.edit, 3)
        row.addWidget(self.kind)
        row.addWidget(self.categories, 2)
        row.addWidget(self.add_button)
        row.addWidget(self.cancel_edit)

        self.list = QListWidget()
        self.list.setObjectName("reviewQuestionList")
        self.list.setAccessibleName("Questions")
        self.list.setMaximumHeight(self.fontMetrics().height() * 4 + 12)  # four questions, then it scrolls
        self.list.setMinimumHeight(self.fontMetrics().height() * 2 + 8)  # a short window: the grid keeps room
        self.list.itemDoubleClicked.connect(lambda _item: self.edit_current())
        self.list.currentRowChanged.connect(lambda _row: self._buttons())
        self.edit_button = _tool("Edit", "Edit the chosen question", "reviewEditQuestionButton")
        self.up_button = _tool("↑", "Move the chosen question left (earlier)", "reviewQuestionUpButton")
        self.down_button = _tool("↓", "Move the chosen question right (later)", "reviewQuestionDownButton")
        self.remove_button = _tool("Remove", "Remove the chosen question", "reviewRemoveQuestionButton")
        self.edit_button.clicked.connect(self.edit_current)
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        self.remove_button.clicked.connect(self.remove_current)
        self.up_button.setText("←")  # the columns' order: earlier is left in the grid
        self.down_button.setText("→")

        self.set_name = QComboBox()
        self.set_name.setObjectName("reviewSetName")
        self.set_name.setEditable(True)
        self.set_name.setAccessibleName("Question set name")
        self.set_name.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.set_name.lineEdit()
        if line is not None:
            line.setPlaceholderText("Question set, e.g. Supplier contract checks")
        self.set_name.setMinimumContentsLength(5)
        self.set_name.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        # tool buttons (narrower than push buttons): the row fits the Review tab on an 800 px screen
        self.save_set_button = _tool("Save set", "Save these questions as a set", "reviewSaveSetButton")
        self.save_set_button.clicked.connect(self._save_set)
        self.load_set_button = _tool("Load set", "Add the questions of the chosen set", "reviewLoadSetButton")
        self.load_set_button.clicked.connect(self._load_set)
        sets = QHBoxLayout()  # what to do with the chosen question, then the sets
        for button in (self.edit_button, self.up_button, self.down_button, self.remove_button):
            sets.addWidget(button)
        sets.addSpacing(6)
        sets.addWidget(self.set_name, 1)
        sets.addWidget(self.save_set_button)
        sets.addWidget(self.load_set_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.list)
        layout.addLayout(sets)
        self._buttons()

    # ------------------------------------------------------------------------------- questions
    @property
    def questions(self) -> list[Question]:
        return list(self._questions)

    def set_questions(self, questions: tuple[Question, ...] | list[Question]) -> None:
        """Show the review's questions as the catalog holds them (the chosen one stays chosen)."""
        chosen = self.current_id()
        self._questions = list(questions)
        if self._editing is not None and all(q.id != self._editing for q in self._questions):
            self._stop_editing()
        ids = [q.id for q in self._questions]
        self._fill(ids.index(chosen) if chosen in ids else -1)

    def set_names(self, names: list[str]) -> None:
        """The saved question sets, offered in the set box."""
        current = self.set_name.currentText()
        self.set_name.blockSignals(True)
        self.set_name.clear()
        self.set_name.addItems(names)
        self.set_name.setEditText(current)
        self.set_name.blockSignals(False)

    def answer_type(self) -> AnswerType:
        return AnswerType(self.kind.currentData())

    def current_id(self) -> int | None:
        row = self.list.currentRow()
        return self._questions[row].id if 0 <= row < len(self._questions) else None

    def add_typed(self) -> None:
        """Add the typed question (or save the one being edited); say what is missing instead. The box
        keeps the text until the catalog has it (``accepted``)."""
        text = self.edit.text().strip()
        kind = self.answer_type()
        if not text:
            self.said.emit("Write a question first: the question box is empty.")
            self.edit.setFocus()
            return
        categories: tuple[str, ...] = ()
        if kind is AnswerType.CATEGORY:
            categories = parse_categories(self.categories.text())
            if len(categories) < 2:
                self.said.emit("Give at least two categories, separated by commas.")
                self.categories.setFocus()
                return
        spec = QuestionSpec(text, kind, categories)
        if self._editing is not None:
            self.update_requested.emit(self._editing, spec)
        else:
            self.add_requested.emit(spec)

    def accepted(self) -> None:
        """The catalog took the typed question: the boxes are cleared for the next one."""
        self._stop_editing()
        self.edit.clear()
        self.categories.clear()

    def edit_current(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self._questions):
            return
        question = self._questions[row]
        self._editing = question.id
        self.edit.setText(question.text)
        self.kind.setCurrentIndex(max(0, self.kind.findData(question.type.value)))
        self.categories.setText(", ".join(question.categories))
        self.add_button.setText("Save question")
        self.cancel_edit.show()
        self.edit.setFocus()

    def move_current(self, delta: int) -> None:
        row = self.list.currentRow()
        to = row + delta
        if 0 <= row < len(self._questions) and 0 <= to < len(self._questions):
            self.move_requested.emit(self._questions[row].id, to)
            qs = self._questions  # shown moved at once; the catalog's order follows
            qs[row], qs[to] = qs[to], qs[row]
            self._fill(to)

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._questions):
            self.remove_requested.emit(self._questions[row].id)

    # ----------------------------------------------------------------------------------- private
    def _fill(self, current: int = -1) -> None:
        self.list.clear()
        for number, q in enumerate(self._questions, 1):
            item = QListWidgetItem(f"{number}. {q.text}  ({q.type.label})")
            categories = f"\nCategories: {', '.join(q.categories)}" if q.categories else ""
            item.setToolTip(q.text + categories)
            item.setData(Qt.ItemDataRole.UserRole, q.id)
            self.list.addItem(item)
        self.list.setCurrentRow(current)
        self._buttons()

    def _buttons(self) -> None:
        row, n = self.list.currentRow(), len(self._questions)
        chosen = 0 <= row < n
        self.edit_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)
        self.up_button.setEnabled(chosen and row > 0)
        self.down_button.setEnabled(chosen and row < n - 1)
        self.save_set_button.setEnabled(n > 0)

    def _kind_changed(self, _index: int) -> None:
        self.categories.setVisible(self.answer_type() is AnswerType.CATEGORY)

    def _stop_editing(self) -> None:
        self._editing = None
        self.add_button.setText("Add question")
        self.cancel_edit.hide()

    def _save_set(self) -> None:
        name = self.set_name.currentText().strip()
        if not name:
            self.said.emit("Name the question set first (e.g. Supplier contract checks).")
            self.set_name.setFocus()
            return
        self.save_set_requested.emit(name)

    def _load_set(self) -> None:
        name = self.set_name.currentText().strip()
        if name:
            self.load_set_requested.emit(name)
