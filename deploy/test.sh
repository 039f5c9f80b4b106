#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, brings up PostgreSQL, Redis
# and Kafka on 127.0.0.1 when they are down, then runs unit and integration tests.
# Extra arguments go to jest (e.g. `deploy/test.sh --selectProjects unit`).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash deploy/bootstrap.sh
bash deploy/stack.sh up

mkdir -p .qm
RESULTS=.qm/test-results.json
rm -f "$RESULTS"
status=0
pnpm exec jest --ci --json --outputFile="$RESULTS" "$@" || status=$?

# One plain closing line, whatever the runner printed above it.
if [[ -f "$RESULTS" ]]; then
  node -e '
    const r = require(process.argv[1]);
    // A suite that could not run counts as a failure of its own.
    const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
    console.log(`tests: ${r.numPassedTests} passed, ${failed} failed, ${r.numPendingTests} skipped`);
    if (r.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
  ' "$ROOT/$RESULTS" || status=1
else
  echo "no test results were written" >&2
  status=1
fi
exit "$status"
