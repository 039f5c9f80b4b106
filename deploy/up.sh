#!/usr/bin/env bash
# The main job: installs what is missing, brings up PostgreSQL, Redis and Kafka,
# starts the six services and the gateway, replays the real data sets through
# Kafka, waits until every consumer group has caught up and prints a summary.
# Safe to run again: what runs is left running and replayed events are stored once.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export COREPACK_INTEGRITY_KEYS=0 COREPACK_ENABLE_DOWNLOAD_PROMPT=0

bash deploy/bootstrap.sh
bash deploy/stack.sh up

mkdir -p .qm
if [[ -z "${QM_MASTER_KEY:-}" ]]; then
  if [[ ! -s .qm/master-key ]]; then
    umask 077
    echo "qm_master_$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')" >.qm/master-key
    echo "key:      generated an all-scopes key in .qm/master-key"
  fi
  QM_MASTER_KEY="$(cat .qm/master-key)"
fi
export QM_MASTER_KEY

pnpm exec tsx packages/events/src/cli/ensure-topics.ts

# Models learnt from the evaluation-only data sets are trained here, never committed.
train_once() {
  local artefact="$1" script="$2"
  if [[ ! -s "$artefact" ]]; then
    echo "train:    pnpm $script (once; later runs reuse $artefact)"
    pnpm run --silent "$script"
  fi
}
train_once .qm/models/support/intent.json train:support
train_once .qm/models/fraud/latest.json train:fraud
train_once .qm/models/forecast/global.json train:forecast

bash deploy/services.sh start
pnpm exec tsx packages/ops/src/main-job.ts "$@"

cat <<INFO

Gateway:  http://127.0.0.1:8080   (OpenAPI: /openapi.json, docs: /docs)
Key:      $QM_MASTER_KEY   (send as x-api-key)
Stop:     ./deploy/down.sh
INFO
