#!/usr/bin/env bash
# Runs the six services and the gateway in the background on 127.0.0.1.
# Logs and pid files live in .qm/ at the repository root.
#
# Usage: deploy/services.sh start|stop|status [name...]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="$ROOT/.qm/run"
LOG_DIR="$ROOT/.qm/logs"
READY_SECONDS="${QM_READY_SECONDS:-180}"
# V8 flags of every service and the gateway, shared with the benchmarks.
mapfile -t NODE_FLAGS < <(grep -v -e '^#' -e '^$' "$ROOT/deploy/node-flags")

# name:directory:port
ALL=(
  "forecasting:services/forecasting:8081"
  "recommendations:services/recommendations:8082"
  "inventory:services/inventory:8083"
  "pricing:services/pricing:8084"
  "customer-service:services/customer-service:8085"
  "fraud:services/fraud:8086"
  "gateway:gateway:8080"
)

say() { printf '%-17s %s\n' "$1:" "$2"; }

selected() {
  if (($# == 0)); then
    printf '%s\n' "${ALL[@]}"
    return
  fi
  local entry
  for entry in "${ALL[@]}"; do
    for name in "$@"; do
      [[ "${entry%%:*}" == "$name" ]] && echo "$entry"
    done
  done
}

running() {
  local pid_file="$RUN_DIR/$1.pid"
  [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

ready() { curl -fs -o /dev/null "http://127.0.0.1:$1/readyz"; }

start_one() {
  local name="$1" dir="$2" port="$3"
  if [[ ! -f "$ROOT/$dir/src/server.ts" ]]; then
    say "$name" "not built yet, skipped"
    return
  fi
  if running "$name"; then
    say "$name" "already running on :$port"
    return
  fi
  (
    cd "$ROOT/$dir"
    QM_HTTP_PORT="$port" nohup node "${NODE_FLAGS[@]}" --import tsx src/server.ts \
      >>"$LOG_DIR/$name.log" 2>&1 &
    echo $! >"$RUN_DIR/$name.pid"
  )
  say "$name" "started on :$port (log .qm/logs/$name.log)"
}

wait_ready() {
  local name="$1" port="$3" started=$SECONDS
  [[ -f "$RUN_DIR/$name.pid" ]] || return 0
  until ready "$port"; do
    if ! running "$name"; then
      say "$name" "exited; last log lines:"
      tail -n 20 "$LOG_DIR/$name.log" >&2
      return 1
    fi
    if ((SECONDS - started > READY_SECONDS)); then
      say "$name" "not ready after ${READY_SECONDS}s; last log lines:"
      tail -n 20 "$LOG_DIR/$name.log" >&2
      return 1
    fi
    sleep 0.5
  done
  say "$name" "ready"
}

stop_one() {
  local name="$1" pid_file="$RUN_DIR/$1.pid"
  if ! running "$name"; then
    rm -f "$pid_file"
    return
  fi
  local pid
  pid="$(cat "$pid_file")"
  kill -TERM "$pid"
  for _ in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  rm -f "$pid_file"
  say "$name" "stopped"
}

main() {
  local command="${1:-}"
  shift || true
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  local entries entry
  mapfile -t entries < <(selected "$@")
  case "$command" in
    start)
      for entry in "${entries[@]}"; do IFS=: read -r n d p <<<"$entry"; start_one "$n" "$d" "$p"; done
      local failed=0
      for entry in "${entries[@]}"; do
        IFS=: read -r n d p <<<"$entry"
        wait_ready "$n" "$d" "$p" || failed=1
      done
      return "$failed"
      ;;
    stop)
      for entry in "${entries[@]}"; do stop_one "${entry%%:*}"; done
      ;;
    status)
      for entry in "${entries[@]}"; do
        IFS=: read -r n _ p <<<"$entry"
        if running "$n"; then say "$n" "running on :$p"; else say "$n" "stopped"; fi
      done
      ;;
    *)
      echo "usage: deploy/services.sh start|stop|status [name...]" >&2
      return 2
      ;;
  esac
}

main "$@"
