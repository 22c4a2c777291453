"""A worker at the screen is told where to click, never a command to type: every core message
that names a `cmdesk` command has the GUI's own wording, in Thai and English."""

from __future__ import annotations

import re

import pytest

from cmdesk.core.errors import BundleRejected
from cmdesk.core.i18n import translator
from cmdesk.core.sync import rejections as rej
from cmdesk.gui.errors import GUI_WORDING, friendly_message

COMMAND = re.compile(r"'(sync|stats|cmdesk|user|case|child|referral) [a-z-]+'")


def test_every_core_message_naming_a_command_has_gui_wording() -> None:
    naming = {v for v in vars(rej).values() if isinstance(v, str) and COMMAND.search(v)}
    assert naming, "the rejections name commands (for the command line)"
    assert naming <= set(GUI_WORDING)
    assert not [w for w in GUI_WORDING.values() if COMMAND.search(w)]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_gui_says_where_to_click(lang: str) -> None:
    tr = translator(lang)
    shown = friendly_message(BundleRejected(rej.UNKNOWN_SENDER, org="ECPAT"), tr)
    assert "ECPAT" in shown and not COMMAND.search(shown) and "sync trust" not in shown
    assert shown == tr.format(GUI_WORDING[rej.UNKNOWN_SENDER], org="ECPAT")
