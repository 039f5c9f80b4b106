#!/usr/bin/env bash
# Local infrastructure without Docker: PostgreSQL, Redis and Kafka on 127.0.0.1.
# `up` starts only what is down and remembers what it started; `down` stops
# only those, so a PostgreSQL or Redis that was already running is left alone.
# `purge` forgets what the system stored: the database, the Redis keys under the
# deployment's prefix and the local broker's topics (trained models are kept).
#
# Usage: deploy/stack.sh up|down|status|purge
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_DIR="${QM_CACHE_DIR:-$HOME/.cache/quartermaster}"
STATE_FILE="$CACHE_DIR/stack.started"
DB_NAME="${QM_DB_NAME:-quartermaster}"
WAIT_SECONDS=30

say() { printf '%-9s %s\n' "$1:" "$2"; }
die() { printf 'stack: %s\n' "$*" >&2; exit 1; }

pg_up() { pg_isready -q -h 127.0.0.1; }
redis_up() { [[ "$(redis-cli -h 127.0.0.1 ping 2>/dev/null)" == PONG ]]; }

pg_cluster_version() {
  local versions
  versions="$(ls /etc/postgresql)"
  [[ "$versions" =~ ^[0-9]+$ ]] || die "expected one cluster version in /etc/postgresql"
  echo "$versions"
}

pg_ctl_main() {
  pg_ctlcluster --skip-systemctl-redirect "$(pg_cluster_version)" main "$1"
}

start_redis() {
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null
}

# Waits until the check passes, for at most WAIT_SECONDS.
wait_for() {
  local check="$1" name="$2" started=$SECONDS
  until "$check"; do
    ((SECONDS - started < WAIT_SECONDS)) || die "$name not ready after ${WAIT_SECONDS}s"
    sleep 0.5
  done
}

was_started() { [[ -f "$STATE_FILE" ]] && grep -qx "$1" "$STATE_FILE"; }

started_note() {
  if was_started "$1"; then echo ", started by stack.sh"; fi
}

mark_started() {
  mkdir -p "$CACHE_DIR"
  was_started "$1" || echo "$1" >>"$STATE_FILE"
}

unmark_started() {
  [[ -f "$STATE_FILE" ]] || return 0
  local rest
  rest="$(grep -vx "$1" "$STATE_FILE" || true)"
  if [[ -n "$rest" ]]; then
    echo "$rest" >"$STATE_FILE"
  else
    rm -f "$STATE_FILE"
  fi
}

ensure_database() {
  local exists
  exists="$(psql -h 127.0.0.1 -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")"
  if [[ "$exists" == 1 ]]; then
    return 1
  fi
  psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE \"$DB_NAME\"" >/dev/null
}

up_postgres() {
  if pg_up; then
    say postgres "already running"
  else
    pg_ctl_main start >/dev/null
    wait_for pg_up postgres
    mark_started postgres
    say postgres "started"
  fi
  if ensure_database; then
    say database "created $DB_NAME"
  else
    say database "$DB_NAME exists"
  fi
}

up_redis() {
  if redis_up; then
    say redis "already running"
    return
  fi
  start_redis
  wait_for redis_up redis
  mark_started redis
  say redis "started"
}

up_kafka() {
  if "$SCRIPT_DIR/kafka.sh" status >/dev/null 2>&1; then
    say kafka "already running"
    return
  fi
  "$SCRIPT_DIR/kafka.sh" start >/dev/null
  mark_started kafka
  say kafka "started"
}

cmd_up() {
  up_postgres
  up_redis
  up_kafka
}

cmd_down() {
  if was_started kafka; then
    "$SCRIPT_DIR/kafka.sh" stop >/dev/null
    say kafka "stopped"
  else
    say kafka "left running (not started by this script)"
  fi
  unmark_started kafka

  if was_started redis; then
    redis-cli -h 127.0.0.1 shutdown nosave >/dev/null 2>&1 || true
    say redis "stopped"
  else
    say redis "left running (not started by this script)"
  fi
  unmark_started redis

  if was_started postgres; then
    pg_ctl_main stop >/dev/null
    say postgres "stopped"
  else
    say postgres "left running (not started by this script)"
  fi
  unmark_started postgres
}

cmd_purge() {
  if pg_up; then
    psql -h 127.0.0.1 -U postgres -d postgres -qc \
      "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" >/dev/null
    say database "dropped $DB_NAME"
  else
    say database "postgres is down, $DB_NAME left as it is"
  fi

  local prefix="${QM_REDIS_PREFIX:-qm:}"
  if redis_up; then
    redis-cli -h 127.0.0.1 --scan --pattern "${prefix}*" |
      xargs -r -n 500 redis-cli -h 127.0.0.1 del >/dev/null
    say redis "removed keys ${prefix}*"
  else
    say redis "down, keys left as they are"
  fi

  local kafka_status
  kafka_status="$("$SCRIPT_DIR/kafka.sh" status 2>/dev/null)" || true
  if [[ "$kafka_status" == *"not started by this script"* ]]; then
    say kafka "not the local broker, topics left as they are"
    return
  fi
  "$SCRIPT_DIR/kafka.sh" stop >/dev/null
  "$SCRIPT_DIR/kafka.sh" reset >/dev/null
  say kafka "topics removed"
  if [[ "$kafka_status" == *"up on"* ]]; then
    "$SCRIPT_DIR/kafka.sh" start >/dev/null
    say kafka "started again"
  fi
}

cmd_status() {
  local healthy=0

  if pg_up; then say postgres "up$(started_note postgres)"; else say postgres down; healthy=1; fi
  if redis_up; then say redis "up$(started_note redis)"; else say redis down; healthy=1; fi
  if "$SCRIPT_DIR/kafka.sh" status >/dev/null 2>&1; then
    say kafka "up$(started_note kafka)"
  else
    say kafka down
    healthy=1
  fi
  return "$healthy"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  purge) cmd_purge ;;
  *)
    echo "usage: $0 up|down|status|purge" >&2
    exit 2
    ;;
esac
