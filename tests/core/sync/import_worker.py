"""Child process for the kill -9 test: imports a bundle, printing each segment number only
after that segment's transaction has committed."""

from __future__ import annotations

import sys
from pathlib import Path

from cmdesk.core.workspace import Workspace


def main() -> None:
    root, user, passphrase, bundle = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    ws = Workspace.open(root, user, passphrase)
    ws.sync.import_file(Path(bundle), progress=lambda done, total: print(done, flush=True))
    print("finished", flush=True)


if __name__ == "__main__":
    main()
