from __future__ import annotations

from cmdesk.cli.main import main

raise SystemExit(main())
