"""The unlock window appears without loading the records model (SQLAlchemy and every table):
that import took half a second on this machine and doubled the time to the unlock window when
a widget of the unlock screen pulled it in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import sys, tempfile
from pathlib import Path
from cmdesk.gui.app import make_app
from cmdesk.gui.settings import GuiSettings
app = make_app([])
from cmdesk.gui.shell import Shell
settings = GuiSettings.load(Path(tempfile.mkdtemp()) / "gui.json")
settings.language = "th"
shell = Shell.start(settings)
app.processEvents()
print(sorted(m for m in ("cmdesk.core.model", "sqlalchemy") if m in sys.modules))
shell.shutdown()
"""


def test_the_unlock_window_does_not_load_the_records_model(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"
