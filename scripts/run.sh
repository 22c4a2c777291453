#!/usr/bin/env bash
# Installs cmdesk and starts the desktop application. With no vault yet, a demo vault with
# generated (never real) data is made first; its user names and passphrase are printed.
# Set CMDESK_VAULT=DIR to use another vault folder; extra arguments go to cmdesk-gui.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
VAULT=${CMDESK_VAULT:-$(.venv/bin/python -c 'from cmdesk.cli.common import default_vault; print(default_vault())')}
if [ ! -f "$VAULT/keyslots.json" ]; then
  echo "No vault in $VAULT yet: making a demo vault with generated data."
  .venv/bin/cmdesk --vault "$VAULT" demo-vault --cases 300
fi
exec .venv/bin/cmdesk-gui --vault "$VAULT" "$@"
