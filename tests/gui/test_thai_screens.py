"""Every main screen in Thai: no string left in English, no text cut off by its widget, and
nothing that needs more room than the screen has.

Walks the same tour as scripts/screenshots.py, at the size of the field laptops' screens.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cmdesk.gui.settings import GuiSettings
from cmdesk.gui.shell import Shell
from tests.gui.screen_checks import clipped, english_left, shown_texts
from tests.gui.screen_size import on_screen
from tests.gui.tour.walk import full_tour


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("size", [(1366, 768), (1024, 600)])
def test_every_screen_fits_and_nothing_is_cut_off_and_thai_is_all_thai(
    qtbot: QtBot,
    make_shell: Callable[[GuiSettings], Shell],
    settings: GuiSettings,
    tmp_path: Path,
    size: tuple[int, int],
    lang: str,
    request: pytest.FixtureRequest,
) -> None:
    """In Thai nothing is left in English; in both languages nothing is cut off and nothing
    needs more room than the screen has."""
    if not on_screen(size, request):
        return  # checked in a process of its own, on a screen of that size
    settings.language = lang
    shell = make_shell(settings)
    assert shell.window.screen().size().toTuple() == size  # what dialogs size themselves to
    shell.window.resize(*size)
    problems: list[str] = []
    stops = 0
    for name, widget in full_tour(shell, tmp_path / "vault"):
        stops += 1
        shown = shown_texts(widget)
        assert shown, name
        if lang == "th":
            problems += [f"{name}: English {p}" for p in english_left(shown)]
        problems += [f"{name}: clipped {p}" for p in clipped(widget)]
        # Nothing may need more room than the laptop's screen has: the window would grow
        # past the screen's edge, with its buttons out of reach.
        least = widget.minimumSizeHint()
        if least.width() > size[0] or least.height() > size[1]:
            problems.append(f"{name}: needs at least {least.width()}x{least.height()}")
        if widget is shell.window and (widget.width(), widget.height()) != size:
            problems.append(f"{name}: the window grew to {widget.width()}x{widget.height()}")
        if name == "case-profile":
            # The case's records get at least 60% of the height, even on a 600-pixel screen.
            page = shell.workspace_page().case_page  # type: ignore[attr-defined]
            share = page.tabs.currentWidget().height() / size[1]
            if share < 0.6:
                problems.append(f"{name}: the records get {share:.0%} of the height")
    assert stops >= 14
    assert not problems, "\n".join(problems)


def test_switching_language_changes_every_visible_string(
    qtbot: QtBot, make_shell: Callable[[GuiSettings], Shell], settings: GuiSettings, tmp_path: Path
) -> None:
    """English -> Thai at run time, on every screen of the tour, without a restart."""
    shell = make_shell(settings)
    checked = 0
    for name, widget in full_tour(shell, tmp_path / "vault"):
        before = {(s.where, s.text) for s in shown_texts(widget)}
        # The tour runs in English: each screen shows English words before the switch.
        assert shell.lang.locale == "en"
        assert english_left(shown_texts(widget)), f"{name}: no English to switch from"
        shell.lang.set_locale("th")
        problems = english_left(shown_texts(widget))
        assert not problems, f"{name}: " + "\n".join(problems)
        after = {(s.where, s.text) for s in shown_texts(widget)}
        assert before != after, name
        shell.lang.set_locale("en")
        checked += 1
    assert checked >= 14
