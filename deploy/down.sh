#!/usr/bin/env bash
# Stops the services and gateway, then whatever of the stack deploy/stack.sh started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash deploy/services.sh stop
bash deploy/stack.sh down
