"""Child process for the crash test: commits numbered writes and reports each one on stdout
only after its transaction has committed."""

from __future__ import annotations

import sys
from pathlib import Path

from cmdesk.core.model import VaultMeta
from cmdesk.core.workspace import Workspace


def main() -> None:
    root, user, passphrase, start = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    ws = Workspace.open(root, user, passphrase)
    n = start
    while True:
        with ws.ctx.write() as s:
            s.add(VaultMeta(key=f"crash-{n:06d}", value="x" * (n % 3000)))
            ws.audit.record(s, "crash.write", "vault_meta", f"crash-{n:06d}", {"n": n})
        print(n, flush=True)
        n += 1


if __name__ == "__main__":
    main()
