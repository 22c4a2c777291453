"""A path the user may type or choose: a line for it with a Choose… button beside it, as the
backup, batch printing, sync exchange and first-run screens ask for a folder or a file."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget

from cmdesk.gui.icons import icon


def path_row(
    parent: QWidget, name: str, on_choose: Callable[[], object]
) -> tuple[QHBoxLayout, QLineEdit, QPushButton]:
    """The row, its line (called `name`) and its Choose… button, which runs `on_choose`.

    The line is verbatim, since a path is never translated; the button's words are set where
    the screen is translated, and the caller may add the button that acts on the path."""
    row = QHBoxLayout()
    line = QLineEdit(parent)
    line.setObjectName(name)
    line.setProperty("verbatim", True)
    row.addWidget(line, 1)
    choose = QPushButton(icon("folder"), "", parent)
    choose.clicked.connect(on_choose)
    row.addWidget(choose)
    return row, line, choose


def ask_folder(parent: QWidget, line: QLineEdit, title: str) -> None:
    """Asks for a folder, starting at the one in `line`, and puts the choice there; a
    cancelled dialog leaves the line as it was."""
    chosen = QFileDialog.getExistingDirectory(parent, title, line.text())
    if chosen:
        line.setText(chosen)
