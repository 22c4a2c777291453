"""PNG screenshots of every main screen, in Thai and in English, into ./screenshots.

    python scripts/screenshots.py [--size 1366x768] [--out screenshots]

Runs offscreen with a throwaway vault and settings; look at the pictures for boxes instead of
Thai letters, marks colliding, and text cut off.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))  # the tour lives in the tests: its demo passphrases never ship
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1366x768", help="screen and window size, e.g. 1024x600")
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--lang", choices=["th", "en"], action="append")
    args = parser.parse_args(argv)
    width, height = (int(x) for x in args.size.lower().split("x"))
    if os.environ["QT_QPA_PLATFORM"] == "offscreen":
        from tests.gui.screen_size import platform_for

        # A screen of that size: dialogs size themselves to the screen they open on.
        os.environ["QT_QPA_PLATFORM"] = platform_for((width, height))

    from tests.gui.tour.walk import full_tour

    from cmdesk.gui.app import make_app
    from cmdesk.gui.i18n import wait_for_segmenter
    from cmdesk.gui.settings import GuiSettings
    from cmdesk.gui.shell import Shell

    make_app([])
    wait_for_segmenter()
    written = 0
    for lang in args.lang or ["th", "en"]:
        out = args.out / lang
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="cmdesk-shots-") as tmp:
            os.environ["CMDESK_CONFIG_DIR"] = str(Path(tmp) / "config")
            settings = GuiSettings.load()
            settings.language = lang
            shell = Shell(settings)
            shell.window.resize(width, height)
            shell.begin()
            shell.window.show()
            try:
                for name, widget in full_tour(shell, Path(tmp) / "vault"):
                    path = out / f"{name}.png"
                    widget.grab().save(str(path))
                    written += 1
                    print(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)
            finally:
                shell.window.close()
                shell.shutdown()
    print(f"{written} screenshots")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
