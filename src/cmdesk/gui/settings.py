"""What the app remembers between runs: a small JSON file in the user's config folder.

Only staff-level facts live here (last vault folder, last user name, language, idle minutes,
paper size, window geometry), never anything about a child. Written atomically so a battery
dying mid-save leaves the old file, not half a file.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from cmdesk.core.vault.files import atomic_write

_log = logging.getLogger(__name__)

FILE_NAME = "gui.json"
IDLE_LOCK_CHOICES = (1, 2, 5, 10, 15, 30)
PAPER_SIZES = ("A4", "Letter")


def config_dir() -> Path:
    override = os.environ.get("CMDESK_CONFIG_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir("cmdesk", appauthor=False))


def default_vault_dir() -> Path:
    # The same default as the CLI's (cmdesk.cli.common.default_vault), so both find one vault.
    return Path(platformdirs.user_data_dir("cmdesk", appauthor=False)) / "vault"


@dataclass
class GuiSettings:
    language: str | None = None  # None until the user chose one (first run asks)
    last_vault: str | None = None
    last_user: str = ""
    idle_lock_minutes: int = 5
    paper_size: str = "A4"
    window_geometry: str = ""  # base64 of QWidget.saveGeometry()
    extra: dict[str, Any] = field(default_factory=dict)

    path: Path | None = field(default=None, repr=False, compare=False)

    @classmethod
    def load(cls, path: Path | None = None) -> GuiSettings:
        path = path or config_dir() / FILE_NAME
        try:
            raw = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return cls(path=path)
        except (OSError, ValueError):
            # A damaged settings file must never stop the app from starting.
            _log.warning("settings file unreadable; using defaults")
            return cls(path=path)
        known = {f.name for f in fields(cls)} - {"path"}
        values = {k: v for k, v in raw.items() if k in known} if isinstance(raw, dict) else {}
        settings = cls(**values, path=path)
        settings._sanitise()
        return settings

    def _sanitise(self) -> None:
        if self.language not in (None, "th", "en"):
            self.language = None
        if not isinstance(self.idle_lock_minutes, int) or not 1 <= self.idle_lock_minutes <= 120:
            self.idle_lock_minutes = 5
        if self.paper_size not in PAPER_SIZES:
            self.paper_size = "A4"

    def save(self) -> None:
        if self.path is None:
            return
        data = {k: v for k, v in asdict(self).items() if k != "path"}
        try:
            atomic_write(self.path, json.dumps(data, ensure_ascii=False, indent=1).encode())
        except OSError:
            _log.warning("could not save settings")
