#!/usr/bin/env bash
# Installs what the project needs on a fresh machine, idempotently: system packages,
# pnpm through corepack, and the workspace's dependencies.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# The registry mirror this project is developed against serves packages without
# signatures, which corepack would otherwise refuse.
export COREPACK_INTEGRITY_KEYS=0 COREPACK_ENABLE_DOWNLOAD_PROMPT=0

if [[ -f deploy/setup-system.sh ]]; then
  bash deploy/setup-system.sh
fi

if ! pnpm --version >/dev/null 2>&1; then
  corepack enable
fi

stamp=node_modules/.qm-installed
if [[ ! -f "$stamp" || pnpm-lock.yaml -nt "$stamp" ]]; then
  echo "install:  pnpm install (first run takes a minute)"
  pnpm install --frozen-lockfile
  touch "$stamp"
fi
