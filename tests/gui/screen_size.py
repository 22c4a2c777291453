"""The size of the offscreen screen the GUI tests run on, and running one test on another.

Qt's offscreen platform has one 800x600 screen unless told otherwise; dialogs and the window
size themselves from the screen they open on (widgets/screen_fit.py, the window's first
geometry). So a check that the app fits a 1024x600 netbook must run on a 1024x600 screen, not
in a 1024x600 window on Qt's default one. The screen is fixed when the application starts:
the GUI tests run on SCREEN (or CMDESK_TEST_SCREEN=WxH), and a test meant for another size
runs itself again in a pytest process of its own started with that screen (`on_screen`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

SCREEN_ENV = "CMDESK_TEST_SCREEN"
# The field laptops' usual screen.
SCREEN = (1366, 768)


def screen_size() -> tuple[int, int]:
    """The screen this test process runs on."""
    given = os.environ.get(SCREEN_ENV, "")
    if not given:
        return SCREEN
    width, _, height = given.lower().partition("x")
    return int(width), int(height)


def platform_for(size: tuple[int, int]) -> str:
    """The QT_QPA_PLATFORM value for an offscreen screen of `size` (the plugin's config file,
    written once per size; the same content whoever writes it)."""
    folder = Path(tempfile.gettempdir()) / "cmdesk-test-screens"
    folder.mkdir(exist_ok=True)
    path = folder / f"{size[0]}x{size[1]}.json"
    config = {
        "synchronousWindowSystem": False,
        "windowFrameMargins": False,
        "screens": [
            {
                "name": f"screen-{size[0]}x{size[1]}",
                "x": 0,
                "y": 0,
                "width": size[0],
                "height": size[1],
                "logicalDpi": 96,
                "logicalBaseDpi": 96,
                "dpr": 1,
            }
        ],
    }
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(config))
    partial.replace(path)
    return f"offscreen:configfile={path}"


def on_screen(size: tuple[int, int], request: pytest.FixtureRequest) -> bool:
    """True when this process runs on a screen of `size`; otherwise runs the calling test in a
    pytest process on such a screen, fails if it fails there, and returns False (the caller
    returns at once)."""
    if screen_size() == size:
        return True
    env = {**os.environ, SCREEN_ENV: f"{size[0]}x{size[1]}"}
    env.pop("PYTEST_XDIST_WORKER", None)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         "--no-cov", request.node.nodeid],
        cwd=request.config.rootpath,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"on a {size[0]}x{size[1]} screen:\n{done.stdout[-6000:]}"
    return False
