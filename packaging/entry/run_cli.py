"""PyInstaller entry for the `cmdesk` command (the same function pyproject's script calls)."""

from cmdesk.cli.main import main

raise SystemExit(main())
