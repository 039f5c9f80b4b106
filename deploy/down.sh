#!/usr/bin/env bash
# Stops the services and gateway, then whatever of the stack deploy/stack.sh started.
# With --purge, first forgets everything the system stored (see deploy/stack.sh purge).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash deploy/services.sh stop
if [[ "${1:-}" == "--purge" ]]; then
  bash deploy/stack.sh purge
elif [[ -n "${1:-}" ]]; then
  echo "usage: $0 [--purge]" >&2
  exit 2
fi
bash deploy/stack.sh down
