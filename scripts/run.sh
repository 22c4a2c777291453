#!/usr/bin/env bash
# Installs cmdesk and starts it. With no vault yet, a demo vault is made first
# (generated data only; its passphrase is printed so you can unlock it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/cmdesk app "$@"
