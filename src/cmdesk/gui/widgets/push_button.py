"""The push buttons of the screens: named for the tests, with an icon where there is one,
and their words set when the screen is translated."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QAbstractButton, QPushButton, QWidget

from cmdesk.gui.icons import icon

B = TypeVar("B", bound=QAbstractButton)


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


def label_buttons(texts: Mapping[B, str]) -> None:
    """Gives each button its text (already translated), which screen readers also read out
    as its name."""
    for button, text in texts.items():
        button.setText(text)
        button.setAccessibleName(text)


def name_buttons(buttons: Mapping[str, QAbstractButton], texts: Mapping[str, str]) -> None:
    """Gives the buttons, by their key, their texts (already translated) and names."""
    label_buttons({buttons[key]: text for key, text in texts.items()})
