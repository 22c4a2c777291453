"""PyInstaller entry for `cmdesk-gui` (the same function pyproject's gui-script calls)."""

from cmdesk.gui.app import main

raise SystemExit(main())
