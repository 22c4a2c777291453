"""The push buttons of the screens: named for the tests, with an icon where there is one,
and their words set when the screen is translated."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QAbstractButton, QPushButton, QWidget

from cmdesk.gui.icons import icon


def push_button(
    parent: QWidget,
    name: str,
    on_click: Callable[..., object] | SignalInstance,
    icon_name: str = "",
) -> QPushButton:
    """A button called `name` that runs `on_click`, with the icon `icon_name` if given."""
    button = QPushButton(icon(icon_name), "", parent) if icon_name else QPushButton(parent)
    button.setObjectName(name)
    button.clicked.connect(on_click)
    return button


def name_buttons(buttons: Mapping[str, QAbstractButton], texts: Mapping[str, str]) -> None:
    """Gives the buttons, by their key, their texts (already translated), which screen
    readers also read out as their names."""
    for key, text in texts.items():
        buttons[key].setText(text)
        buttons[key].setAccessibleName(text)
